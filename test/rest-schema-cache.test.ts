/**
 * The /rest/v1 schema cache: read from pg_catalog, replaced by the service_role reload endpoint
 * and `tripsage rest reload`, and reloaded on its own (throttled) when a request names a relation
 * it does not know yet.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../src/http/app.ts';
import { SchemaCacheHolder } from '../src/rest/cache-holder.ts';
import { tableRoot } from '../src/rest/plan-read.ts';
import { withCache, type RestSettings } from '../src/rest/request.ts';
import { describeEachBackend } from './harness/backends.ts';
import { tripsage } from './harness/cli.ts';
import { buildTestApp, makeUser, serviceHeaders, TEST_JWT_SECRET, type TestApp, type TestUser } from './harness/http.ts';

describeEachBackend('/rest/v1 schema cache', (ctx) => {
  let t: TestApp;
  let app: App;
  let user: TestUser;

  beforeAll(async () => {
    t = await buildTestApp(ctx.db, { TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS: '0' });
    app = t.app;
    user = await makeUser(t, ctx.db);
  });
  afterAll(async () => app?.close());

  const create = async (name: string) => {
    await ctx.db.query(`CREATE TABLE public.${name} (id int PRIMARY KEY, label text)`);
    await ctx.db.query(`GRANT SELECT ON public.${name} TO authenticated`);
  };
  const get = (name: string) => app.inject({ method: 'GET', url: `/rest/v1/${name}?select=id,label`, headers: user.headers });

  it('knows the catalog: tables, primary keys, foreign keys as relationships, functions', async () => {
    expect((await app.inject({ method: 'GET', url: '/rest/v1/trips?select=id', headers: user.headers })).statusCode).toBe(200);
    const embed = await app.inject({ method: 'GET', url: '/rest/v1/flights?select=id,trips(id)', headers: user.headers });
    expect(embed.statusCode).toBe(200);
    const rpc = await app.inject({ method: 'POST', url: '/rest/v1/rpc/cleanup_old_price_history', headers: { ...user.headers, 'content-type': 'application/json' }, payload: '{}' });
    expect(rpc.json()).toMatchObject({ code: '42501' }); // found in the cache; the database refuses the caller
  });

  it('a table created while serving is found after the service_role reload', async () => {
    await create('rest_cache_late');
    const denied = await app.inject({ method: 'POST', url: '/api/v1/admin/rest/reload', headers: user.headers });
    expect(denied.statusCode).toBe(403);
    const reload = await app.inject({ method: 'POST', url: '/api/v1/admin/rest/reload', headers: await serviceHeaders(t) });
    expect(reload.statusCode).toBe(200);
    expect(reload.json()).toMatchObject({ schemas: ['public'], tables: expect.any(Number) });
    expect((await get('rest_cache_late')).json()).toEqual([]);
  });

  it('`tripsage rest reload` asks the running server to reload', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    await create('rest_cache_cli');
    const r = await tripsage(['rest', 'reload', '--url', `http://127.0.0.1:${port}`], { TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET });
    expect(r.stdout, r.stderr).toMatch(/schema cache reloaded: \d+ tables and views, \d+ functions in public/);
    expect((await get('rest_cache_cli')).statusCode).toBe(200);
    const down = await tripsage(['rest', 'reload', '--url', 'http://127.0.0.1:9'], { TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET });
    expect(down.code).not.toBe(0);
    expect(down.stderr).toMatch(/no server answered/);
  });

  it('a request naming an unknown relation reloads the cache itself, at most once per interval', async () => {
    const holder = new SchemaCacheHolder(ctx.db, ['public'], 0);
    const settings = { holder, schemas: ['public'], maxRows: 10, maxDepth: 8, maxEmbeds: 32, aggregates: false, plans: false, statementTimeoutMs: 1000 } as RestSettings;
    await holder.get();
    await create('rest_cache_self');
    const table = await withCache(settings, 'public', (env) => tableRoot(env, 'rest_cache_self').table);
    expect(table.primaryKey).toEqual(['id']);
    const throttled = new SchemaCacheHolder(ctx.db, ['public'], 60_000);
    await throttled.get();
    await create('rest_cache_throttled');
    await expect(withCache({ ...settings, holder: throttled }, 'public', (env) => tableRoot(env, 'rest_cache_throttled'))).rejects.toMatchObject({ code: 'PGRST205' });
  });
});
