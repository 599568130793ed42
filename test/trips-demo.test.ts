/**
 * The demo data set on every backend: deterministic for a seed, realistic enough to pass every
 * constraint and trigger, signs in with the documented password, memories only where the table
 * exists, price series as shared data.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asCaller, userCaller } from '../src/db/transaction.ts';
import { AccountError, createAccount, deleteAccount, listAccounts, userIdByEmail } from '../src/trips/accounts.ts';
import { createDemo, DEMO_PASSWORD, demoEmail, demoVector, prng } from '../src/trips/demo.ts';
import { exportTrips } from '../src/trips/transfer.ts';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, type TestApp } from './harness/http.ts';

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

  it('the PRNG and vectors are deterministic', () => {
    const a = prng(7);
    const b = prng(7);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
    expect(demoVector(1, 8)).toBe(demoVector(1, 8));
    expect(demoVector(1, 8)).not.toBe(demoVector(2, 8));
    expect(demoVector(3).split(',')).toHaveLength(1536);
  });

  it('creates users with trips, chats, prices (and memories where the table exists); the same seed gives the same data', async () => {
    const progress: string[] = [];
    const r = await createDemo(ctx.db, { users: 2, seed: 7, onProgress: (d, n, label) => progress.push(`${d}/${n} ${label}`) });
    expect(r.users.map((u) => u.email)).toEqual([demoEmail(1), demoEmail(2)]);
    expect(progress).toHaveLength(3);
    expect(progress[2]).toMatch(/^3\/3 price history: 600 rows/);
    expect(r.memories).toBe(ctx.memory ? 'written' : 'skipped: no memory_embeddings table (TRIPSAGE_MEMORY=off or no pgvector)');
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
    const again = await createDemo(ctx.db, { users: 2, seed: 7 });
    expect(again.users[0]!.id).not.toBe(r.users[0]!.id);
    expect(content(await exportOf(demoEmail(1)))).toEqual(content(first));
    const users = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM auth.users WHERE email LIKE 'demo%@demo.tripsage.test'`);
    expect(users.rows[0]!.n).toBe(2);
    const prices = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.price_history WHERE source = 'tripsage-demo'`);
    expect(prices.rows[0]!.n).toBe(600);

    // Another seed: other data.
    await createDemo(ctx.db, { users: 1, seed: 8 });
    expect(content(await exportOf(demoEmail(1)))).not.toEqual(content(first));
  });

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
    await expect(createAccount(ctx.db, 'not-an-email', 'long enough')).rejects.toThrow(AccountError);
    const id = await createAccount(ctx.db, ' Carol@Example.TEST ', 'long enough');
    await expect(createAccount(ctx.db, 'carol@example.test', 'long enough')).rejects.toThrow(/already exists/);
    expect(await userIdByEmail(ctx.db, 'CAROL@example.test')).toBe(id);
    await expect(userIdByEmail(ctx.db, 'nobody@example.test')).rejects.toThrow(/no user with email nobody@example\.test/);
    const r = await t.app.inject({ method: 'POST', url: '/auth/v1/token?grant_type=password', payload: { email: 'carol@example.test', password: 'long enough' } });
    expect(r.statusCode, r.body).toBe(200);
    await ctx.db.query(`INSERT INTO public.trips (user_id, name, start_date, end_date, destination, budget) VALUES ($1, 'T', '2026-01-01', '2026-01-02', 'X', 1)`, [id]);
    expect((await listAccounts(ctx.db)).find((a) => a.email === 'carol@example.test')).toMatchObject({ id, trips: 1 });
    expect(await deleteAccount(ctx.db, 'carol@EXAMPLE.test')).toBe(true);
    expect(await deleteAccount(ctx.db, 'carol@example.test')).toBe(false);
    expect((await ctx.db.query(`SELECT count(*)::int AS n FROM public.trips WHERE user_id = $1`, [id])).rows[0]).toEqual({ n: 0 });
  });
});
