/**
 * The demo data set on every backend: deterministic for a seed and day, realistic enough to pass
 * every constraint and trigger, signs in with the documented password, dated from today so that
 * every feature shows something (memory search, deals, insights), written all or nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asCaller, userCaller } from '../src/db/transaction.ts';
import { createAccount, deleteAccount, listAccounts, userIdByEmail } from '../src/accounts/accounts.ts';
import { DomainError } from '../src/domain/errors.ts';
import { createDemo, DEMO_PASSWORD, demoEmail } from '../src/trips/demo.ts';
import { prng } from '../src/util/prng.ts';
import { exportTrips } from '../src/trips/transfer.ts';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, type TestApp } from './harness/http.ts';

/** Several demos per case: a cap for a busy machine, not an expectation. */
const SLOW = 600_000;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The export without what differs between runs (ids, owners, write timestamps). */
function content(doc: Json): unknown {
  const VOLATILE = new Set(['id', 'trip_id', 'user_id', 'created_at', 'updated_at', 'search_timestamp', 'exported_at']);
  const clean = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(clean)
      : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !VOLATILE.has(k)).map(([k, x]) => [k, clean(x)]))
        : v;
  return clean(doc);
}

describeEachBackend('tripsage demo', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
  });

  const exportOf = async (email: string) => {
    const { rows } = await ctx.db.query<{ id: string }>(`SELECT id FROM auth.users WHERE email = $1`, [email]);
    return asCaller(ctx.db, userCaller(rows[0]!.id), (trx) => exportTrips(trx), { readOnly: true });
  };

  it('the PRNG is deterministic', () => {
    const a = prng(7);
    const b = prng(7);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });

  it('creates users with trips, chats, prices (and memories where the table exists); the same seed and day give the same data', async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    const progress: unknown[] = [];
    const r = await createDemo(ctx.db, { users: 2, seed: 7, now, onProgress: (d, n, what) => progress.push([d, n, what]) });
    expect(r.users.map((u) => u.email)).toEqual([demoEmail(1), demoEmail(2)]);
    expect(progress).toHaveLength(3);
    expect(progress[2]).toEqual([3, 3, { priceHistoryRows: 600 }]);
    expect(r.memories).toBe(ctx.memory ? 'written (embedded with tripsage-hashing-v1)' : 'skipped: no memory_embeddings table (TRIPSAGE_MEMORY=off or no pgvector)');
    for (const u of r.users) {
      expect(u.trips).toBeGreaterThanOrEqual(2);
      expect(u.chats).toBeGreaterThanOrEqual(1);
      expect(u.memories).toBe(ctx.memory ? 3 : 0);
    }
    const first = await exportOf(demoEmail(1));
    expect((first.trips as Json[])[0]!.itinerary_items.length).toBeGreaterThan(0);
    const msgs = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM public.chat_messages m JOIN public.chat_sessions s ON s.id = m.session_id WHERE s.user_id = $1`, [r.users[0]!.id]);
    expect(msgs.rows[0]!.n).toBe(4 * r.users[0]!.chats);

    // Again with the same seed: replaced, not duplicated, and the same content.
    const again = await createDemo(ctx.db, { users: 2, seed: 7, now });
    expect(again.users[0]!.id).not.toBe(r.users[0]!.id);
    expect(content(await exportOf(demoEmail(1)))).toEqual(content(first));
    const users = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM auth.users WHERE email LIKE 'demo%@demo.tripsage.test'`);
    expect(users.rows[0]!.n).toBe(2);
    const prices = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.price_history WHERE source = 'tripsage-demo'`);
    expect(prices.rows[0]!.n).toBe(600);

    // Another seed: other data.
    await createDemo(ctx.db, { users: 1, seed: 8, now });
    expect(content(await exportOf(demoEmail(1)))).not.toEqual(content(first));
  }, SLOW);

  it('everything is dated from today: past and upcoming trips, and memories, deals and insights all have something to show', async () => {
    const demo = await createDemo(ctx.db, { users: 2, seed: 11 });
    const signIn = async (n: number) => {
      const r = await t.app.inject({ method: 'POST', url: '/auth/v1/token?grant_type=password', payload: { email: demoEmail(n), password: DEMO_PASSWORD } });
      return { authorization: `Bearer ${r.json().access_token}` };
    };
    let headers = await signIn(1);
    const get = async (url: string, h: Record<string, string> | undefined = headers) => {
      const res = await t.app.inject({ method: 'GET', url, headers: h });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const today = new Date().toISOString().slice(0, 10);
    const trips = await get('/api/v1/trips');
    expect(trips.some((x: Json) => x.status === 'completed' && x.end_date < today)).toBe(true);
    expect(trips.some((x: Json) => x.start_date > today)).toBe(true);
    expect((await get('/api/v1/trip-comparisons'))[0].comparison_data.trip_ids).toHaveLength(trips.length);
    // The next trip is shared: by a link anyone may open, and with the second user.
    const shared = await get(demo.sharedTripPath, {});
    expect(shared).toBeTruthy();
    const own = trips.map((x: Json) => x.id);
    headers = await signIn(2);
    const second = await get('/api/v1/trips');
    expect(second.some((x: Json) => own.includes(x.id))).toBe(true);
    // The second user's budgets are in pounds and the flights in euros: converted, nothing left over.
    const mine = second.find((x: Json) => !own.includes(x.id));
    const summary = await get(`/api/v1/trips/${mine.id}/summary`);
    expect(summary).toMatchObject({ currency: 'GBP', complete: true, unconverted: [] });
    expect(Number(summary.planned.flights)).toBeGreaterThan(0);

    const deals = await get('/api/v1/prices/deals');
    expect(deals.deals.length).toBeGreaterThan(0);
    expect(deals.deals[0]).toMatchObject({ entity_type: 'flight', entity_ref: expect.stringMatching(/^[A-Z]{3}-[A-Z]{3}$/), currency: 'EUR' });

    const insights = await get('/api/v1/search-history/insights');
    expect(insights.total_searches).toBeGreaterThan(0);
    expect(insights.top_destinations.length).toBeGreaterThan(0);
    expect(insights.unbooked_destinations.length).toBeGreaterThan(0);

    if (ctx.memory) {
      const hits = await t.app.inject({ method: 'POST', url: '/api/v1/memories/search', headers, payload: { query: 'boutique hotels near the old town' } });
      expect(hits.statusCode, hits.body).toBe(200);
      expect(hits.json()[0].content_text).toMatch(/boutique hotels/);
    }
  }, SLOW);

  it('a failure part-way leaves nothing half-made: the earlier demo is still there', async () => {
    await createDemo(ctx.db, { users: 2, seed: 5 });
    const before = content(await exportOf(demoEmail(2)));
    await expect(createDemo(ctx.db, {
      users: 2, seed: 6,
      onProgress: (done) => {
        if (done === 2) throw new Error('interrupted');
      },
    })).rejects.toThrow('interrupted');
    expect(content(await exportOf(demoEmail(2)))).toEqual(before);
  }, SLOW);

  it('a demo user signs in with the documented password and sees a consistent budget summary', async () => {
    await createDemo(ctx.db, { users: 1, seed: 42 });
    const r = await t.app.inject({ method: 'POST', url: '/auth/v1/token?grant_type=password', payload: { email: demoEmail(1), password: DEMO_PASSWORD } });
    expect(r.statusCode, r.body).toBe(200);
    const headers = { authorization: `Bearer ${r.json().access_token}` };
    const trips = (await t.app.inject({ method: 'GET', url: '/api/v1/trips', headers })).json();
    expect(trips.length).toBeGreaterThanOrEqual(2);
    const s = (await t.app.inject({ method: 'GET', url: `/api/v1/trips/${trips[0].id}/summary`, headers })).json();
    expect(Number(s.total)).toBeGreaterThan(0);
    expect(s.counts.flights).toBe(2);
    const days = (await t.app.inject({ method: 'GET', url: `/api/v1/trips/${trips[0].id}/days`, headers })).json();
    expect(days.days.flatMap((d: Json) => d.warnings)).toEqual([]);
  });

  it('accounts (the users command): create with a checked password, list with trip counts, delete with everything owned', async () => {
    await expect(createAccount(ctx.db, 'short@example.test', 'short')).rejects.toThrow(/8 to 72 characters/);
    await expect(createAccount(ctx.db, 'not-an-email', 'long enough')).rejects.toThrow(DomainError);
    const id = await createAccount(ctx.db, ' Carol@Example.TEST ', 'long enough');
    await expect(createAccount(ctx.db, 'carol@example.test', 'long enough')).rejects.toThrow(/already exists/);
    expect(await userIdByEmail(ctx.db, 'CAROL@example.test')).toBe(id);
    await expect(userIdByEmail(ctx.db, 'nobody@example.test')).rejects.toThrow(/user with email nobody@example\.test not found/);
    const r = await t.app.inject({ method: 'POST', url: '/auth/v1/token?grant_type=password', payload: { email: 'carol@example.test', password: 'long enough' } });
    expect(r.statusCode, r.body).toBe(200);
    await ctx.db.query(`INSERT INTO public.trips (user_id, name, start_date, end_date, destination, budget) VALUES ($1, 'T', '2026-01-01', '2026-01-02', 'X', 1)`, [id]);
    expect((await listAccounts(ctx.db)).find((a) => a.email === 'carol@example.test')).toMatchObject({ id, trips: 1 });
    expect(await deleteAccount(ctx.db, 'carol@EXAMPLE.test')).toBe(true);
    expect(await deleteAccount(ctx.db, 'carol@example.test')).toBe(false);
    expect((await ctx.db.query(`SELECT count(*)::int AS n FROM public.trips WHERE user_id = $1`, [id])).rows[0]).toEqual({ n: 0 });
  });
});
