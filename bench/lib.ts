/**
 * Shared pieces of the benchmarks: machine facts, a spawned server, percentiles, and writing a
 * section of docs/benchmarks.md between markers so each benchmark owns its section.
 */
import { spawnServe, type Launch, type ServeProcess } from '../test/harness/serve.ts';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export interface Spawned extends ServeProcess {
  /** From spawning the process to /ready answering 200. */
  startedMs: number;
}

/** Starts `tripsage serve` and resolves once /ready answers 200. */
export async function spawnServer(args: string[], env: Record<string, string>, launch?: Launch): Promise<Spawned> {
  const t0 = performance.now();
  const server = await spawnServe(args, env, undefined, launch);
  for (;;) {
    const r = await fetch(`${server.url}/ready`).catch(() => undefined);
    if (r?.status === 200) break;
    await new Promise((r2) => setTimeout(r2, 5));
  }
  return Object.assign(server, { startedMs: performance.now() - t0 });
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/** Replaces (or appends) the section between <!-- bench:NAME --> markers in docs/benchmarks.md. */
export function writeSection(name: string, markdown: string): void {
  const file = join(ROOT, 'docs/benchmarks.md');
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nEach section is written by its benchmark script; numbers are from one run on the machine named.\n';
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, doc);
}
