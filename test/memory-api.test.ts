/**
 * /api/v1/memories over HTTP on PGlite (the backend with pgvector): create one and many, search
 * (query, embedding, filters, threshold), list/get/patch/delete, RLS isolation, delete-all
 * confirmation, and the 503 switch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { EMBEDDING_DIM, hashingVector, HASHING_MODEL } from '../src/memory/embedders.ts';
import { testBackends, type Handle } from './harness/backends.ts';
import { buildTestApp, makeUser, serviceHeaders, type TestApp, type TestUser } from './harness/http.ts';

const pglite = testBackends().find((b) => b.name === 'pglite')!;
const BASE = '/api/v1/memories';

describe('memory API [pglite]', () => {
  let h: Handle;
  let db: Database;
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    h = await pglite.clone();
    db = h.db;
    t = await buildTestApp(db);
    alice = await makeUser(t, db);
    bob = await makeUser(t, db);
  });
  afterAll(async () => {
    await t?.app.close();
    await db?.close();
  });

  const post = (u: TestUser, url: string, payload: unknown) => t.app.inject({ method: 'POST', url, headers: u.headers, payload: payload as object });

  it('stores one memory (201, no embedding in the answer, model stamped in metadata)', async () => {
    const res = await post(alice, BASE, { content_text: 'Prefers window seats on long flights', content_type: 'preference', metadata: { source: 'chat' } });
    expect(res.statusCode).toBe(201);
    const row = res.json();
    expect(row).toMatchObject({ user_id: alice.id, content_type: 'preference', metadata: { source: 'chat', embedding_model: HASHING_MODEL, embedding_dim: EMBEDDING_DIM } });
    expect(row).not.toHaveProperty('embedding');
    const stored = await db.query<{ e: string }>(`SELECT embedding::text AS e FROM memory_embeddings WHERE id = $1`, [row.id]);
    const v = JSON.parse(stored.rows[0]!.e) as number[];
    const expected = hashingVector('Prefers window seats on long flights');
    expect(v).toHaveLength(EMBEDDING_DIM);
    v.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 5));
  });

  it('stores an array in one transaction, in order; a bad element stores none', async () => {
    const items = Array.from({ length: 120 }, (_, i) => ({ content_text: `note number ${i} about Lisbon trams`, content_type: 'trip_note' }));
    const res = await post(bob, BASE, items);
    expect(res.statusCode, res.body).toBe(201);
    const rows = res.json() as Array<{ content_text: string; user_id: string }>;
    expect(rows.map((r) => r.content_text)).toEqual(items.map((i) => i.content_text));
    expect(rows.every((r) => r.user_id === bob.id)).toBe(true);

    const bad = await post(bob, BASE, [{ content_text: 'ok', content_type: 'x' }, { content_text: '', content_type: 'x' }]);
    expect(bad.statusCode, bad.body).toBe(400);
    const tooMany = await post(bob, BASE, Array.from({ length: 501 }, () => ({ content_text: 'a', content_type: 'x' })));
    expect(tooMany.statusCode).toBe(400);
    const lone = await post(bob, BASE, [{ content_text: 'ok', content_type: 'x' }, { content_text: 'bad \ud800 surrogate', content_type: 'x' }]);
    expect(lone.statusCode, lone.body).toBe(400);
    const n = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM memory_embeddings WHERE user_id = $1`, [bob.id]);
    expect(n.rows[0]!.n).toBe(120);
  });

  it('search: best first with similarity, only my memories, filters and threshold', async () => {
    await post(alice, BASE, [
      { content_text: 'Allergic to peanuts, avoid Thai street food with peanut sauce', content_type: 'preference', metadata: { topic: 'food' } },
      { content_text: 'Loves museums in Paris, especially the Louvre', content_type: 'preference', metadata: { topic: 'culture' } },
      { content_text: 'Booked a hotel near Shibuya station in Tokyo', content_type: 'trip_note', metadata: { topic: 'lodging' } },
    ]);
    const res = await post(alice, `${BASE}/search`, { query: 'peanut allergy food', limit: 5 });
    expect(res.statusCode, res.body).toBe(200);
    const hits = res.json() as Array<{ content_text: string; similarity: number; user_id: string }>;
    expect(hits[0]!.content_text).toMatch(/peanuts/);
    expect(hits.every((x) => x.user_id === alice.id)).toBe(true); // bob's 120 Lisbon notes are invisible
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.similarity).toBeGreaterThanOrEqual(hits[i]!.similarity);

    const typed = (await post(alice, `${BASE}/search`, { query: 'Tokyo hotel', content_type: 'trip_note' })).json() as Array<{ content_type: string }>;
    expect(typed.length).toBe(1);
    expect(typed[0]!.content_type).toBe('trip_note');

    const meta = (await post(alice, `${BASE}/search`, { query: 'Paris', metadata: { topic: 'culture' } })).json() as Array<{ content_text: string }>;
    expect(meta.map((m) => m.content_text)).toEqual(['Loves museums in Paris, especially the Louvre']);

    const strict = (await post(alice, `${BASE}/search`, { query: 'peanut allergy food', threshold: 0.99 })).json() as unknown[];
    expect(strict).toEqual([]);
    const same = (await post(alice, `${BASE}/search`, { query: 'Loves museums in Paris, especially the Louvre', threshold: 0.999 })).json() as Array<{ similarity: number }>;
    expect(same).toHaveLength(1);
    expect(same[0]!.similarity).toBeCloseTo(1, 4);
  });

  it('search by embedding; other models are never compared; validation', async () => {
    const v = hashingVector('Tokyo Shibuya hotel');
    const res = await post(alice, `${BASE}/search`, { embedding: v, limit: 1 });
    expect(res.statusCode).toBe(200);
    expect((res.json() as Array<{ content_text: string }>)[0]!.content_text).toMatch(/Shibuya/);
    const other = await post(alice, `${BASE}/search`, { embedding: v, embedding_model: 'text-embedding-3-small' });
    expect(other.json()).toEqual([]);

    expect((await post(alice, `${BASE}/search`, { embedding: [1, 2, 3] })).statusCode).toBe(400);
    expect((await post(alice, `${BASE}/search`, { embedding: new Array(EMBEDDING_DIM).fill(0) })).statusCode).toBe(400);
    expect((await post(alice, `${BASE}/search`, { query: 'x', embedding: v })).statusCode).toBe(400);
    expect((await post(alice, `${BASE}/search`, {})).statusCode).toBe(400);
    expect((await post(alice, `${BASE}/search`, { query: 'x', limit: 101 })).statusCode).toBe(400);
    expect((await post(alice, `${BASE}/search`, { query: 'x', threshold: 1.5 })).statusCode).toBe(400);
  });

  it('a query vector of tiny or huge numbers: the same ranking as its direction, finite similarities (no 500)', async () => {
    const carol = await makeUser(t, db);
    const texts = ['Tokyo Shibuya hotel', 'Kyoto temples in autumn', 'Lisbon trams', 'Ski week in the Alps'];
    expect((await post(carol, BASE, texts.map((content_text) => ({ content_text, content_type: 'note' })))).statusCode).toBe(201);
    const v = hashingVector('Tokyo hotel');
    const best = (await post(carol, `${BASE}/search`, { embedding: v, limit: 3 })).json() as Array<{ id: string; similarity: number }>;
    expect(best).toHaveLength(3);
    for (const scale of [1e-30, 1e-300, 1e20]) {
      const res = await post(carol, `${BASE}/search`, { embedding: v.map((x) => x * scale), limit: 3 });
      expect(res.statusCode, `${scale}: ${res.body}`).toBe(200);
      const hits = res.json() as Array<{ id: string; similarity: number }>;
      expect(hits.map((h) => h.id)).toEqual(best.map((h) => h.id));
      hits.forEach((h, i) => expect(h.similarity).toBeCloseTo(best[i]!.similarity, 5));
    }
    // A stored vector with no direction matches nothing (its distance is NaN), and breaks nothing.
    await db.query(`INSERT INTO memory_embeddings (user_id, content_text, content_type, embedding, metadata)
      VALUES ($1, 'zero', 'note', array_fill(0::real, ARRAY[${EMBEDDING_DIM}])::extensions.vector, $2)`, [carol.id, { embedding_model: HASHING_MODEL }]);
    const all = await post(carol, `${BASE}/search`, { embedding: v, limit: 100 });
    expect(all.statusCode, all.body).toBe(200);
    expect((all.json() as Array<{ content_text: string }>).map((h) => h.content_text).sort()).toEqual([...texts].sort());
  });

  it('list with content_type filter and paging; get, patch (re-embeds), delete; others get 404', async () => {
    const list = await t.app.inject({ method: 'GET', url: `${BASE}?content_type=preference&limit=2&offset=0`, headers: { ...alice.headers, prefer: 'count=exact' } });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toHaveLength(2);
    expect(list.headers['content-range']).toBe('0-1/3');
    const page2 = (await t.app.inject({ method: 'GET', url: `${BASE}?content_type=preference&limit=2&offset=2`, headers: alice.headers })).json() as unknown[];
    expect(page2).toHaveLength(1);

    const created = (await post(alice, BASE, { content_text: 'Wants a beach holiday in Crete', content_type: 'preference', metadata: { k: 1 } })).json() as { id: string };
    const url = `${BASE}/${created.id}`;
    expect((await t.app.inject({ method: 'GET', url, headers: alice.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url, headers: bob.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'PATCH', url, headers: bob.headers, payload: { content_text: 'hijack' } })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url, headers: bob.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `${BASE}/not-a-uuid`, headers: alice.headers })).statusCode).toBe(400);

    const patched = await t.app.inject({ method: 'PATCH', url, headers: alice.headers, payload: { content_text: 'Wants a ski holiday in the Alps', metadata: { k: 2, embedding_model: 'forged' } } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ content_text: 'Wants a ski holiday in the Alps', metadata: { k: 2, embedding_model: HASHING_MODEL, embedding_dim: EMBEDDING_DIM } });
    const top = (await post(alice, `${BASE}/search`, { query: 'ski Alps', limit: 1 })).json() as Array<{ id: string; similarity: number }>;
    expect(top[0]!.id).toBe(created.id);
    const typeOnly = await t.app.inject({ method: 'PATCH', url, headers: alice.headers, payload: { content_type: 'wish' } });
    expect(typeOnly.json()).toMatchObject({ content_type: 'wish', metadata: { k: 2, embedding_model: HASHING_MODEL } });
    expect((await t.app.inject({ method: 'PATCH', url, headers: alice.headers, payload: {} })).statusCode).toBe(400);

    expect((await t.app.inject({ method: 'DELETE', url, headers: alice.headers })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url, headers: alice.headers })).statusCode).toBe(404);
  });

  it('needs a signed-in user; delete-all needs ?confirm=true and deletes only mine', async () => {
    expect((await t.app.inject({ method: 'GET', url: BASE })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: `${BASE}/search`, payload: { query: 'x' } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'DELETE', url: `${BASE}?confirm=true`, headers: await serviceHeaders(t) })).statusCode).toBe(403);

    const no = await t.app.inject({ method: 'DELETE', url: BASE, headers: alice.headers });
    expect(no.statusCode).toBe(400);
    expect(no.json().code).toBe('confirmation_required');
    const yes = await t.app.inject({ method: 'DELETE', url: `${BASE}?confirm=true`, headers: alice.headers });
    expect(yes.statusCode).toBe(200);
    expect(yes.json().deleted).toBeGreaterThanOrEqual(4);
    expect((await t.app.inject({ method: 'GET', url: BASE, headers: alice.headers })).json()).toEqual([]);
    const n = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM memory_embeddings WHERE user_id = $1`, [bob.id]);
    expect(n.rows[0]!.n).toBe(120);
  });

  it('the routes are in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/memories']!).sort()).toEqual(['delete', 'get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/memories/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(doc.paths['/api/v1/memories/search']!.post).toBeDefined();
  });

  it('TRIPSAGE_MEMORY=off: every memory route answers 503 feature_disabled with how to enable it', async () => {
    const off = await buildTestApp(db, { TRIPSAGE_MEMORY: 'off' });
    try {
      const u = await makeUser(off, db);
      for (const [method, url] of [['GET', BASE], ['POST', BASE], ['POST', `${BASE}/search`], ['DELETE', `${BASE}?confirm=true`], ['GET', `${BASE}/00000000-0000-0000-0000-000000000000`]] as const) {
        const res = await off.app.inject({ method, url, headers: u.headers, payload: method === 'POST' ? {} : undefined });
        expect(res.statusCode, `${method} ${url}`).toBe(503);
        const body = res.json();
        expect(body.code).toBe('feature_disabled');
        expect(body.message).toMatch(/TRIPSAGE_MEMORY=off/);
        expect(body.message).toMatch(/pgvector/);
        expect(body.message).toMatch(/tripsage db migrate/);
      }
    } finally {
      await off.app.close();
    }
  });

  it('no memory table (migration skipped): 503 feature_disabled', async () => {
    const e = await pglite.clone();
    try {
      await e.db.query('DROP TABLE public.memory_embeddings');
      const t2 = await buildTestApp(e.db);
      try {
        const u = await makeUser(t2, e.db);
        const res = await t2.app.inject({ method: 'GET', url: BASE, headers: u.headers });
        expect(res.statusCode).toBe(503);
        expect(res.json().message).toMatch(/does not exist/);
      } finally {
        await t2.app.close();
      }
    } finally {
      await e.db.close();
    }
  });
});
