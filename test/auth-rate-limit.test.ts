/**
 * The sign-in rate limit (issue 10, security item 6): counted in the database, so it holds across
 * server instances; keyed by the client address Fastify sees, which believes X-Forwarded-For only
 * from the proxies TRIPSAGE_TRUST_PROXY names; and its table holds only live buckets.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { buildAuthApp, newEmail, PASSWORD, type AuthApp } from './harness/auth.ts';

describeEachBackend('auth rate limit', (ctx) => {
  const apps: AuthApp[] = [];
  const build = async (env: Record<string, string>) => {
    const t = await buildAuthApp(ctx.db, { TRIPSAGE_AUTH_RATE_LIMIT: '2', ...env });
    apps.push(t);
    return t;
  };
  afterAll(async () => {
    for (const t of apps) await t.app.close();
  });
  beforeAll(async () => {
    await ctx.db.query(`DELETE FROM tripsage.auth_rate_limits`);
  });
  const signIn = (t: AuthApp, headers: Record<string, string> = {}, remoteAddress?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/v1/token?grant_type=password',
      payload: { email: newEmail(), password: PASSWORD },
      headers: { 'x-supabase-api-version': '2024-01-01', ...headers },
      ...(remoteAddress ? { remoteAddress } : {}),
    });

  it('two instances share one limit: the third attempt from an address is 429 over_request_rate_limit, wherever it lands', async () => {
    const a = await build({});
    const b = await build({});
    const from = '203.0.113.7';
    expect((await signIn(a, {}, from)).statusCode).toBe(400);
    expect((await signIn(b, {}, from)).statusCode).toBe(400);
    const third = await signIn(a, {}, from);
    expect(third.statusCode).toBe(429);
    expect(third.json()).toEqual({ code: 'over_request_rate_limit', message: 'Request rate limit reached' });
    expect(third.headers['retry-after']).toBeDefined();
    // Another address has its own bucket.
    expect((await signIn(b, {}, '203.0.113.8')).statusCode).toBe(400);
  });

  it('X-Forwarded-For is ignored by default (a client cannot pick its bucket) and believed from a trusted proxy', async () => {
    const direct = await build({});
    const proxy = '198.51.100.1';
    for (let i = 0; i < 2; i++) expect((await signIn(direct, { 'x-forwarded-for': `192.0.2.${i}` }, proxy)).statusCode).toBe(400);
    expect((await signIn(direct, { 'x-forwarded-for': '192.0.2.99' }, proxy)).statusCode).toBe(429);

    const behind = await build({ TRIPSAGE_TRUST_PROXY: '198.51.100.0/24' });
    const viaProxy = '198.51.100.2';
    for (let i = 0; i < 2; i++) expect((await signIn(behind, { 'x-forwarded-for': '192.0.2.50' }, viaProxy)).statusCode).toBe(400);
    expect((await signIn(behind, { 'x-forwarded-for': '192.0.2.50' }, viaProxy)).statusCode).toBe(429);
    // Behind the proxy, each client has its own bucket.
    expect((await signIn(behind, { 'x-forwarded-for': '192.0.2.51' }, viaProxy)).statusCode).toBe(400);
  });

  it('each hit clears expired buckets, so the table holds about the live ones', async () => {
    await ctx.db.query(
      `INSERT INTO tripsage.auth_rate_limits (bucket, window_end, hits)
       SELECT 'stale ' || g, now() - interval '1 minute', 1 FROM generate_series(1, 15) g`,
    );
    const t = await build({});
    await signIn(t, {}, '203.0.113.200');
    const { rows } = await ctx.db.query<{ stale: number }>(`SELECT count(*)::int AS stale FROM tripsage.auth_rate_limits WHERE bucket LIKE 'stale %'`);
    expect(rows[0]!.stale).toBe(0);
  });
});
