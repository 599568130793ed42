/**
 * src/db/schema.generated.ts is generated from the migrated database (`npm run db:types`): this
 * fails when a migration changed the schema and the types were not regenerated, and when the two
 * backends would type the same tables differently.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { generateDbTypes, OUTPUT } from '../scripts/db-types.ts';
import { describeEachBackend, testBackends } from './harness/backends.ts';

/** Introspecting whole schemas on a busy machine: a cap, not an expectation. */
const SLOW = 600_000;

describeEachBackend('generated database types', (ctx) => {
  it('the generated file matches the migrated schema (run npm run db:types when this fails)', async () => {
    expect(await generateDbTypes(ctx.db)).toBe(readFileSync(OUTPUT, 'utf8'));
  }, SLOW);
}, { only: 'pglite' }); // the backend with every feature migrated (pgvector)

it('every backend types the tables they share identically', async () => {
  const texts: string[] = [];
  for (const backend of testBackends()) {
    const clone = await backend.clone();
    try {
      // memory_embeddings exists only where pgvector does.
      texts.push(await generateDbTypes(clone.db, { exclude: ['memory_embeddings'] }));
    } finally {
      await clone.db.close();
      await clone.drop();
    }
  }
  expect(texts.length).toBeGreaterThan(0);
  for (const t of texts) expect(t).toBe(texts[0]);
}, SLOW);
