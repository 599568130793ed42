/**
 * The `hashing` embedder's batches run on a worker thread of their own, started on first use: a
 * 500-memory batch is hundreds of milliseconds of hashing and number formatting that would
 * otherwise stall every other request on the HTTP thread. The thread keeps the process alive only
 * while it has work.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../util/module-worker.ts';

interface Pending {
  resolve(v: string[]): void;
  reject(e: unknown): void;
}

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 1;

function failAll(e: unknown): void {
  for (const p of pending.values()) p.reject(e);
  pending.clear();
}

function thread(): Worker {
  if (worker) return worker;
  const w = startModuleWorker(import.meta.url, 'hashing-worker');
  w.unref();
  w.on('message', (m: { id: number; vectors: string[] }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (pending.size === 0) w.unref();
    p?.resolve(m.vectors);
  });
  w.on('error', failAll);
  w.on('exit', () => {
    failAll(new Error('the hashing thread stopped'));
    worker = undefined;
  });
  worker = w;
  return w;
}

/** The hashing vectors of `texts`, in pgvector's text form, in order. */
export function hashingTexts(texts: string[]): Promise<string[]> {
  const w = thread();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    if (pending.size === 0) w.ref();
    pending.set(id, { resolve, reject });
    w.postMessage({ id, texts });
  });
}
