/**
 * Starts a worker thread on one of our modules, compiled or not: from `dist/` it is the `.js` file
 * beside the caller; from the TypeScript sources (tests, development) it is the `.ts` file, loaded
 * through tsx — a worker does not inherit its parent's loader hooks, so the worker registers
 * tsx's own first.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `name`: the module's file name without extension, in the directory of `caller` (import.meta.url). */
export function startModuleWorker(caller: string, name: string, options: WorkerOptions = {}): Worker {
  const ext = caller.endsWith('.ts') ? '.ts' : '.js';
  const url = new URL(`./${name}${ext}`, caller);
  if (ext === '.js') return new Worker(url, options);
  // tsx's ESM API (require.resolve finds its CommonJS twin beside it).
  const tsx = pathToFileURL(createRequire(caller).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
