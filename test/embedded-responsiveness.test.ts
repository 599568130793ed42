/**
 * Issue 11's regression: on the embedded database, a client sending big memory batches one after
 * another is never refused (the database works on its own thread, so the HTTP thread never looks
 * overloaded), and a /health request issued while a large batch is in the database completes
 * before the batch does. Not timed: it checks outcomes and the order of completion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type Handle } from './harness/backends.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

const pglite = testBackends().find((b) => b.name === 'pglite')!;

const batch = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({
    content_text: `${tag} memory ${i}: the guesthouse in Évora serves breakfast until ten; book the cork museum for day ${i % 7 + 1}`,
    content_type: 'trip_note',
  }));

describe('the embedded database off the HTTP thread [pglite]', () => {
  let h: Handle;
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    h = await pglite.clone();
    // The server's own defaults: the load shedder and the statement timeout are on.
    t = await buildTestApp(h.db);
    user = await makeUser(t, h.db);
  });
  afterAll(async () => {
    await t?.app.close();
    await h?.db.close();
  });
  const postBatch = (n: number, tag: string) => t.app.inject({ method: 'POST', url: '/api/v1/memories', headers: user.headers, payload: batch(n, tag) });

  it('20 sequential 250-item memory batches all succeed (no 503 for a client that waits for each answer)', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await postBatch(250, `b${i}`);
      codes.push(r.statusCode);
      expect(r.statusCode, `batch ${i}: ${r.body.slice(0, 300)}`).toBe(201);
    }
    expect(codes).toEqual(Array(20).fill(201));
    const n = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM memory_embeddings WHERE user_id = $1`, [user.id]);
    expect(n.rows[0]!.n).toBe(5000);
  }, 900_000);

  it('a /health request issued while a 500-item batch is in the database completes before the batch', async () => {
    const done: string[] = [];
    const writing = postBatch(500, 'big').then((r) => (done.push('batch'), r));
    // The batch has been embedded and is now waiting for or inside its transaction.
    while (t.app.txGate.pending === 0 && done.length === 0) await new Promise((r) => setTimeout(r, 1));
    expect(done).toEqual([]);
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    done.push('health');
    expect(health.statusCode).toBe(200);
    expect((await writing).statusCode).toBe(201);
    expect(done).toEqual(['health', 'batch']);
  }, 300_000);
});
