/**
 * /api/v1/prices: service-only ingestion, history, exact per-currency statistics and the deal rule.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, serviceHeaders, type TestApp, type TestUser } from './harness/http.ts';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

describeEachBackend('prices', (ctx) => {
  let t: TestApp;
  let user: TestUser;
  let service: { authorization: string };

  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
    user = await makeUser(t, ctx.db);
    service = await serviceHeaders(t);
  });

  const ingest = (payload: unknown, headers = service) => t.app.inject({ method: 'POST', url: '/api/v1/prices', headers, payload: payload as object });
  const obs = (entity_type: string, entity_ref: string, price: string | number, days: number, currency = 'EUR') =>
    ({ entity_type, entity_ref, price, currency, timestamp: ago(days), source: 'test' });

  it('ingestion is for service_role only: users get 403, anonymous callers 401', async () => {
    const one = obs('flight', `ref-${randomUUID()}`, '199.99', 1);
    expect((await ingest(one, user.headers)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/prices', payload: one })).statusCode).toBe(401);
    const ok = await ingest(one);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ entity_ref: one.entity_ref, price: '199.99', currency: 'EUR', source: 'test' });
    // Even with a crafted request, the user's role cannot write the table (RLS has no write policy).
    const err = await ctx.db.withSession(async (s) => {
      await s.query('SET ROLE authenticated');
      try {
        await s.query(`INSERT INTO public.price_history (entity_type, entity_ref, price, currency, timestamp, source) VALUES ('x','x',1,'EUR',now(),'x')`);
        return null;
      } catch (e) {
        return e;
      } finally {
        await s.query('RESET ROLE');
      }
    });
    expect(err).toMatchObject({ sqlstate: '42501' });
  });

  it('accepts an array of up to 1000 rows and validates each', async () => {
    const ref = `batch-${randomUUID()}`;
    const many = Array.from({ length: 1000 }, (_, i) => obs('hotel', ref, `${100 + (i % 7)}.50`, i / 100));
    const r = await ingest(many);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toHaveLength(1000);
    expect((await ingest([...many, many[0]])).statusCode).toBe(400);
    expect((await ingest([])).statusCode).toBe(400);
    expect((await ingest(obs('hotel', ref, '-1', 1))).statusCode).toBe(400);
    expect((await ingest(obs('hotel', ref, '1', 1, 'euro'))).statusCode).toBe(400);
    expect((await ingest({ ...obs('hotel', ref, '1', 1), extra: 1 })).statusCode).toBe(400);
  });

  it('history: signed-in users read it, oldest first, filtered by from/to and currency; anonymous callers get 401', async () => {
    const ref = `hist-${randomUUID()}`;
    await ingest([obs('flight', ref, '300', 10), obs('flight', ref, '250', 5), obs('flight', ref, '275', 2), obs('flight', ref, '99', 3, 'USD')]);
    const all = await t.app.inject({ method: 'GET', url: `/api/v1/prices/${ref}/history`, headers: user.headers });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().map((r: { price: string }) => r.price)).toEqual(['300', '250', '99', '275']);
    const win = await t.app.inject({ method: 'GET', url: `/api/v1/prices/${ref}/history?from=${encodeURIComponent(ago(6))}&to=${encodeURIComponent(ago(2.5))}&currency=EUR`, headers: user.headers });
    expect(win.json().map((r: { price: string }) => r.price)).toEqual(['250']);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/prices/${ref}/history` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/prices/${ref}/history?from=yesterday`, headers: user.headers })).statusCode).toBe(400);
  });

  it('stats: per currency, exact decimals, percentiles interpolated like percentile_cont', async () => {
    const ref = `stats-${randomUUID()}`;
    await ingest([
      obs('flight', ref, '10.10', 9), obs('flight', ref, '50.50', 8), obs('flight', ref, '30.30', 7), obs('flight', ref, '20.20', 6),
      obs('flight', ref, '40.40', 5),
      obs('flight', ref, '0.1', 4, 'USD'), obs('flight', ref, '0.2', 3, 'USD'),
    ]);
    const r = await t.app.inject({ method: 'GET', url: `/api/v1/prices/${ref}/stats`, headers: user.headers });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.currencies).toHaveLength(2);
    const [eur, usd] = body.currencies;
    expect(eur).toMatchObject({
      currency: 'EUR', count: 5, min: '10.10', max: '50.50', mean: '30.3', median: '30.3', p10: '14.14', p90: '46.46',
      latest: { price: '40.40' },
    });
    expect(Date.parse(eur.latest.timestamp)).toBeCloseTo(Date.parse(ago(5)), -4);
    // 0.1 + 0.2 in NUMERIC, not in floating point.
    expect(usd).toMatchObject({ currency: 'USD', count: 2, mean: '0.15', median: '0.15', p10: '0.11', p90: '0.19', latest: { price: '0.2' } });
    // The same numbers as PostgreSQL's percentile_cont where double precision is exact enough.
    const check = await ctx.db.query<{ m: number; p10: number; p90: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY price) AS m, percentile_cont(0.1) WITHIN GROUP (ORDER BY price) AS p10,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY price) AS p90
       FROM public.price_history WHERE entity_ref = $1 AND currency = 'EUR'`, [ref]);
    expect(Number(eur.median)).toBeCloseTo(check.rows[0]!.m, 9);
    expect(Number(eur.p10)).toBeCloseTo(check.rows[0]!.p10, 9);
    expect(Number(eur.p90)).toBeCloseTo(check.rows[0]!.p90, 9);
    const empty = await t.app.inject({ method: 'GET', url: `/api/v1/prices/nothing-${randomUUID()}/stats`, headers: user.headers });
    expect(empty.json()).toMatchObject({ currencies: [] });
  });

  it('deals: a stable series is no deal, a sharp drop is, too little history gets no verdict', async () => {
    const type = `deal-${randomUUID().slice(0, 8)}`;
    const history = ['100', '101', '99', '100', '102', '98', '100', '101', '99'];
    const series = (ref: string, latest: string) => [...history.map((p, i) => obs(type, ref, p, 20 - i)), obs(type, ref, latest, 0.1)];
    await ingest([
      ...series('stable', '97'),
      ...series('drop', '70'),
      obs(type, 'young', '100', 3), obs(type, 'young', '100', 2), obs(type, 'young', '10', 0.1),
      // The drop in another currency is judged on its own: its EUR-like history does not count.
      obs(type, 'drop', '5000', 1, 'JPY'),
      // Outside the window: ignored.
      obs(type, 'old', '100', 90), obs(type, 'old', '1', 80),
    ]);
    const r = await t.app.inject({ method: 'GET', url: `/api/v1/prices/deals?entity_type=${type}&window_days=30&threshold=0.2`, headers: user.headers });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.rule).toEqual({ window_days: 30, threshold: '0.2', min_observations: 5 });
    expect(body.evaluated).toBe(2); // stable and drop (EUR)
    expect(body.deals).toEqual([
      {
        entity_type: type, entity_ref: 'drop', currency: 'EUR', latest_price: '70', latest_at: expect.any(String),
        observations: 9, median: '100', p10: '98.8', bound: '80', discount: '0.3000',
      },
    ]);
    expect(body.no_verdict.map((n: { entity_ref: string; currency: string; observations: number }) => [n.entity_ref, n.currency, n.observations]).sort()).toEqual([
      ['drop', 'JPY', 0],
      ['young', 'EUR', 2],
    ]);
    // A lower bar for history gives the young series a verdict (a deal: 10 < 0.8 × 100, ≤ p10).
    const lax = await t.app.inject({ method: 'GET', url: `/api/v1/prices/deals?entity_type=${type}&min_observations=2`, headers: user.headers });
    expect(lax.json().deals.map((d: { entity_ref: string }) => d.entity_ref)).toEqual(['young', 'drop']);
    // A steeper threshold leaves only the young series' 90 % drop.
    const steep = await t.app.inject({ method: 'GET', url: `/api/v1/prices/deals?entity_type=${type}&min_observations=2&threshold=0.5`, headers: user.headers });
    expect(steep.json().deals.map((d: { entity_ref: string }) => d.entity_ref)).toEqual(['young']);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/prices/deals?threshold=1.5`, headers: user.headers })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/prices/deals` })).statusCode).toBe(401);
  });
});
