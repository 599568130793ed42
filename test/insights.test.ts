/**
 * GET /api/v1/search-history/insights: counts, destinations, travel dates and destinations searched
 * but not booked — each caller sees only their own.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

describeEachBackend('search history insights', (ctx) => {
  let t: TestApp;
  let a: TestUser;
  let b: TestUser;

  const search = (u: TestUser, search_type: string, search_params: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/search-history', headers: u.headers, payload: { search_type, search_params } }).then((r) => {
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as { id: number };
    });

  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
    a = await makeUser(t, ctx.db);
    b = await makeUser(t, ctx.db);
    await search(a, 'flight', { origin: 'JFK', destination: 'Lisbon', departure_date: '2026-06-01', return_date: '2026-06-10' });
    await search(a, 'flight', { origin: 'JFK', destination: 'lisbon ', departure_date: '2026-05-20' });
    await search(a, 'accommodation', { location: 'Lisbon', check_in_date: '2026-06-01', check_out_date: '2026-06-12' });
    await search(a, 'flight', { destination: 'Tokyo', start_date: '2026-09-01T10:00:00Z', end_date: '2026-09-15' });
    await search(a, 'activity', { destination: 'Tokyo' });
    await search(a, 'activity', { city: 'Paris', start_date: 'soon', end_date: 42 });
    await search(a, 'general_web', { query: 'best beaches', destination: { nested: true } });
    const old = await search(a, 'destination', { destination: 'Oslo' });
    await search(a, 'destination', { destination: 'Oslo' });
    await ctx.db.query(`UPDATE public.search_history SET created_at = now() - interval '200 days' WHERE id = $1`, [old.id]);
    // A trip to Tokyo exists (different case): Tokyo is booked.
    const trip = await t.app.inject({
      method: 'POST', url: '/api/v1/trips', headers: a.headers,
      payload: { name: 'Japan', start_date: '2026-09-01', end_date: '2026-09-15', destination: 'TOKYO', budget: '3000' },
    });
    expect(trip.statusCode, trip.body).toBe(201);
    // Another user's searches and trips never count.
    await search(b, 'flight', { destination: 'Lisbon' });
    await search(b, 'flight', { destination: 'Lisbon' });
    await search(b, 'flight', { destination: 'Oslo' });
  });

  it('counts per type, top destinations (case-insensitive), travel dates and unbooked destinations', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/search-history/insights?days=90', headers: a.headers });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.days).toBe(90);
    expect(body.total_searches).toBe(8);
    expect(body.by_type).toEqual([
      { search_type: 'flight', count: 3 },
      { search_type: 'activity', count: 2 },
      { search_type: 'accommodation', count: 1 },
      { search_type: 'destination', count: 1 },
      { search_type: 'general_web', count: 1 },
    ]);
    expect(body.top_destinations.map((d: { destination: string; count: number }) => [d.destination, d.count])).toEqual([
      ['Lisbon', 3], ['Tokyo', 2], ['Oslo', 1], ['Paris', 1],
    ]);
    expect(body.travel_dates).toEqual([
      { search_type: 'accommodation', earliest: '2026-06-01', latest: '2026-06-12', searches_with_dates: 1 },
      { search_type: 'flight', earliest: '2026-05-20', latest: '2026-09-15', searches_with_dates: 3 },
    ]);
    // Lisbon: searched 3 times, no trip. Tokyo has a trip; Oslo only once in the window.
    expect(body.unbooked_destinations.map((d: { destination: string; count: number }) => [d.destination, d.count])).toEqual([['Lisbon', 3]]);
  });

  it('a longer window reaches older searches', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/search-history/insights?days=365', headers: a.headers });
    expect(r.json().unbooked_destinations.map((d: { destination: string }) => d.destination)).toEqual(['Lisbon', 'Oslo']);
  });

  it('each user sees only their own; anonymous callers get 401; bad days 400', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/search-history/insights', headers: b.headers });
    expect(r.json()).toMatchObject({ total_searches: 3, by_type: [{ search_type: 'flight', count: 3 }] });
    expect(r.json().unbooked_destinations.map((d: { destination: string }) => d.destination)).toEqual(['Lisbon']);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/search-history/insights' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/search-history/insights?days=0', headers: a.headers })).statusCode).toBe(400);
    // The plain list route still works beside it.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/search-history', headers: b.headers })).json()).toHaveLength(3);
  });

  it('the destination lists are bounded: the 10 most searched, however many there are', async () => {
    const c = await makeUser(t, ctx.db);
    const rows = Array.from({ length: 30 }, (_, k) => `('${c.id}', 'destination', '{"destination": "City ${k}"}')`);
    await ctx.db.query(`INSERT INTO public.search_history (user_id, search_type, search_params) VALUES ${[...rows, ...rows].join(', ')}`);
    const body = (await t.app.inject({ method: 'GET', url: '/api/v1/search-history/insights', headers: c.headers })).json();
    expect(body.total_searches).toBe(60);
    expect(body.top_destinations).toHaveLength(10);
    expect(body.unbooked_destinations).toHaveLength(10);
  });
});
