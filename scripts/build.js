#!/usr/bin/env node
/**
 * `npm run build` (also the `prepare` step of `npm install`): compiles src/ into dist/ with tsc,
 * then writes dist/.build-stamp naming the sources it was built from (bin/source-hash.js).
 *
 * - A type error fails the build and leaves no stamp: bin/tripsage.js refuses to run that output.
 * - Without TypeScript (`npm ci --omit=dev`) the prepare step says so and succeeds, so a
 *   production install does not fail; the command then explains how to get a build.
 * - Then the web app (web/ → dist/web with Vite), which `tripsage serve` serves at `/`.
 * Plain JavaScript: it must run before anything is compiled and without tsx.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { sourceHash } from '../bin/source-hash.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = `${root}dist/.build-stamp`;
const say = (line) => process.stderr.write(`tripsage build: ${line}\n`);

rmSync(stamp, { force: true });

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  say('TypeScript is not installed (dev dependencies omitted), so src/ was not compiled.');
  say('Build where the dev dependencies are installed (npm ci && npm run build) and ship dist/ with it.');
  process.exit(process.env.npm_lifecycle_event === 'prepare' ? 0 : 1);
}

const r = spawnSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
if (r.status !== 0) {
  say('type errors: no build stamp written (bin/tripsage.js will not run this output). Fix them and run npm run build again.');
  process.exit(r.status ?? 1);
}
writeFileSync(stamp, `${JSON.stringify({ sources: sourceHash(`${root}src`), built_at: new Date().toISOString() })}\n`);

// A package without the web sources (or without Vite: dev dependencies omitted) has no web build.
if (!existsSync(`${root}web/vite.config.ts`) || !existsSync(`${root}node_modules/vite/bin/vite.js`)) process.exit(0);
const vite = spawnSync(process.execPath, [`${root}node_modules/vite/bin/vite.js`, 'build', '--config', `${root}web/vite.config.ts`], { stdio: 'inherit', cwd: root });
if (vite.status !== 0) {
  say('the web app did not build (the API still runs; `/` answers without it). Fix it and run npm run build again.');
  process.exit(vite.status ?? 1);
}
