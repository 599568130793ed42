/**
 * The hashing thread (see hashing-thread.ts): texts in, each vector in pgvector's text form out
 * (also JSON), so neither the hashing nor the formatting of 1536 numbers per text runs on the
 * HTTP thread; strings cross threads by copy, far cheaper than arrays of numbers.
 */
import { parentPort } from 'node:worker_threads';
import { hashingVector } from './hashing.ts';

parentPort!.on('message', (m: { id: number; texts: string[] }) => {
  parentPort!.postMessage({ id: m.id, vectors: m.texts.map((t) => JSON.stringify(hashingVector(t))) });
});
