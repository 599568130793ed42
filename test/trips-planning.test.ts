/**
 * Trip planning over HTTP on every backend: budget summary (exact decimals), days with dates and
 * overlap warnings, the itinerary-day guarantee (DB trigger → 400), saved-option selection,
 * comparisons (create, refresh, patch) and the timeline.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

describeEachBackend('trip planning', (ctx) => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
    alice = await makeUser(t, ctx.db);
    bob = await makeUser(t, ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
  });

  const req = (u: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: u.headers, payload: payload as object });
  const ok = async (u: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
    const r = await req(u, method, url, payload);
    expect(r.statusCode, r.body).toBeLessThan(300);
    return r.json();
  };
  const newTrip = (u: TestUser, over: Record<string, unknown> = {}) =>
    ok(u, 'POST', '/trips', { name: 'Lisbon', start_date: '2026-05-01', end_date: '2026-05-04', destination: 'Lisbon', budget: '1000.10', travelers: 2, ...over });
  const item = (day: number, start: string, end: string, extra: Record<string, unknown> = {}) =>
    ({ day_number: day, start_time: start, end_time: end, title: `item ${day} ${start}`, ...extra });

  it('summary: planned spend by category, total, remaining, per traveller and per day, in exact decimals', async () => {
    const trip = await newTrip(alice);
    await ok(alice, 'POST', `/trips/${trip.id}/flights`, { origin: 'BER', destination: 'LIS', departure_time: '2026-05-01T08:00:00Z', arrival_time: '2026-05-01T11:30:00Z', price: '200.10' });
    await ok(alice, 'POST', `/trips/${trip.id}/accommodations`, { name: 'Casa', type: 'hotel', check_in_date: '2026-05-01', check_out_date: '2026-05-04', price_per_night: '100.00', total_price: '300.00', location: 'Alfama' });
    await ok(alice, 'POST', `/trips/${trip.id}/transportation`, { type: 'tram', origin: 'A', destination: 'B', departure_time: '2026-05-02T09:00:00Z', arrival_time: '2026-05-02T09:20:00Z', price: '0.05' });
    await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, item(1, '14:00', '16:00', { cost: '60.05' }));
    await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, item(2, '10:00', '11:00'));
    const s = await ok(alice, 'GET', `/trips/${trip.id}/summary`);
    expect(s).toMatchObject({
      trip_id: trip.id, duration_days: 4, travelers: 2, currency: 'USD', budget: '1000.10',
      planned: { flights: '200.10', accommodations: '300.00', transportation: '0.05', itinerary: '60.05' },
      total: '560.20', remaining: '439.90', over_budget: false,
      per_traveller: '280.10', per_day: '140.05', budget_used_percent: '56.01',
      counts: { flights: 1, accommodations: 1, transportation: 1, itinerary_items: 2, itinerary_items_with_cost: 1 },
    });
    // An empty trip: zeros, not nulls.
    const empty = await newTrip(alice, { budget: 10 });
    expect(await ok(alice, 'GET', `/trips/${empty.id}/summary`)).toMatchObject({ total: '0', remaining: '10', per_day: '0.00' });
    // Over budget: a negative remainder.
    await ok(alice, 'POST', `/trips/${empty.id}/flights`, { origin: 'A', destination: 'B', departure_time: '2026-05-01T08:00:00Z', arrival_time: '2026-05-01T09:00:00Z', price: '10.01' });
    expect(await ok(alice, 'GET', `/trips/${empty.id}/summary`)).toMatchObject({ remaining: '-0.01', over_budget: true });
    // Another user's trip does not exist for bob.
    expect((await req(bob, 'GET', `/trips/${trip.id}/summary`)).statusCode).toBe(404);
  });

  it('days: every day with its date, items in time order, overlap warnings', async () => {
    const trip = await newTrip(alice, { start_date: '2026-02-27', end_date: '2026-03-02' }); // 2026 is no leap year
    const a = await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, item(2, '10:00', '12:00', { title: 'Museum', cost: '12.50' }));
    const b = await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, item(2, '11:30', '13:00', { title: 'Lunch', cost: '20.25' }));
    await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, item(2, '13:00', '14:00', { title: 'Walk' })); // touches, no overlap
    await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, item(2, '08:00', '09:00', { title: 'Breakfast' }));
    const v = await ok(alice, 'GET', `/trips/${trip.id}/days`);
    expect(v.duration_days).toBe(4);
    expect(v.days.map((d: { date: string }) => d.date)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    const day2 = v.days[1];
    expect(day2.items.map((i: { title: string }) => i.title)).toEqual(['Breakfast', 'Museum', 'Lunch', 'Walk']);
    expect(day2.planned_cost).toBe('32.75');
    expect(day2.warnings).toEqual([
      { type: 'overlap', message: '"Museum" and "Lunch" overlap from 11:30:00 to 12:00:00', item_ids: [a.id, b.id], item_count: 2 },
    ]);
    expect(day2.items.map((i: { overlaps: unknown }) => i.overlaps)).toEqual([
      { count: 0, item_ids: [] }, { count: 1, item_ids: [b.id] }, { count: 1, item_ids: [a.id] }, { count: 0, item_ids: [] },
    ]);
    expect(v.days[0]).toMatchObject({ items: [], warnings: [], planned_cost: '0', beyond_trip: false });
    expect((await req(bob, 'GET', `/trips/${trip.id}/days`)).statusCode).toBe(404);
  });

  it('days page through long trips (at most 366 per response)', async () => {
    const trip = await newTrip(alice, { start_date: '2026-01-01', end_date: '2027-12-31' }); // 730 days
    await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, item(400, '10:00', '11:00', { title: 'Late' }));
    const p1 = await ok(alice, 'GET', `/trips/${trip.id}/days`);
    expect(p1.days).toHaveLength(366);
    expect(p1.next_from_day).toBe(367);
    const p2 = await ok(alice, 'GET', `/trips/${trip.id}/days?from_day=367`);
    expect(p2.days[0]).toMatchObject({ day_number: 367, date: '2027-01-02' });
    expect(p2.days.find((d: { day_number: number }) => d.day_number === 400).items.map((i: { title: string }) => i.title)).toEqual(['Late']);
    expect(p2.next_from_day).toBeNull();
    const small = await ok(alice, 'GET', `/trips/${trip.id}/days?from_day=729&days=5`);
    expect(small.days.map((d: { date: string }) => d.date)).toEqual(['2027-12-30', '2027-12-31']);
    expect((await req(alice, 'GET', `/trips/${trip.id}/days?days=367`)).statusCode).toBe(400);
  });

  it('the new routes need a signed-in caller, and are in the OpenAPI document', async () => {
    const trip = await newTrip(alice);
    for (const [method, url] of [
      ['GET', `/trips/${trip.id}/summary`], ['GET', `/trips/${trip.id}/days`], ['GET', `/trips/${trip.id}/timeline`],
      ['GET', `/trips/${trip.id}/calendar.ics`], ['GET', `/trips/${trip.id}/export`],
    ] as const) {
      const r = await t.app.inject({ method, url: `/api/v1${url}` });
      expect(r.statusCode, `${method} ${url}: ${r.body}`).toBe(401);
    }
    const imp = await t.app.inject({ method: 'POST', url: '/api/v1/trips/import', payload: { format: 'tripsage.trip', version: 1, trip: { name: 'x', start_date: '2026-01-01', end_date: '2026-01-01', destination: 'x', budget: '1' } } });
    expect(imp.statusCode).toBe(401);
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const p of ['/api/v1/trips/{trip_id}/summary', '/api/v1/trips/{trip_id}/days', '/api/v1/trips/{trip_id}/timeline',
      '/api/v1/trips/{trip_id}/calendar.ics', '/api/v1/trips/{trip_id}/export', '/api/v1/trips/import', '/api/v1/trip-comparisons/{id}/refresh']) {
      expect(Object.keys(doc.paths), p).toContain(p);
    }
  });

  it('an itinerary item beyond the trip length is a 400, on create and on move; a trip cannot shrink below its items', async () => {
    const trip = await newTrip(alice); // 4 days
    const r = await req(alice, 'POST', `/trips/${trip.id}/itinerary-items`, item(5, '10:00', '11:00'));
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'P0001', message: expect.stringMatching(/day_number 5 is beyond the trip's last day \(the trip has 4 day\(s\)/), hint: expect.stringMatching(/1 to 4/) });
    const last = await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, item(4, '10:00', '11:00'));
    const moved = await req(alice, 'PATCH', `/trips/${trip.id}/itinerary-items/${last.id}`, { day_number: 9 });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().message).toMatch(/day_number 9/);
    const shrink = await req(alice, 'PATCH', `/trips/${trip.id}`, { end_date: '2026-05-02' });
    expect(shrink.statusCode).toBe(400);
    expect(shrink.json().message).toMatch(/itinerary has items on day 4/);
    // Extending the trip first makes the move possible.
    await ok(alice, 'PATCH', `/trips/${trip.id}`, { end_date: '2026-05-10' });
    expect((await ok(alice, 'PATCH', `/trips/${trip.id}/itinerary-items/${last.id}`, { day_number: 9 })).day_number).toBe(9);
  });

  it('saved options: selecting one deselects the others of its type in that trip, atomically', async () => {
    const trip = await newTrip(alice);
    const other = await newTrip(alice);
    const mk = (tripId: number, type: string, sel = false) =>
      ok(alice, 'POST', `/trips/${tripId}/saved-options`, { option_type: type, option_data: { n: Math.random() }, is_selected: sel });
    const f1 = await mk(trip.id, 'flight', true);
    const f2 = await mk(trip.id, 'flight');
    const h1 = await mk(trip.id, 'hotel', true);
    const elsewhere = await mk(other.id, 'flight', true);
    const sel = await ok(alice, 'PATCH', `/trips/${trip.id}/saved-options/${f2.id}`, { is_selected: true });
    expect(sel.is_selected).toBe(true);
    const list = await ok(alice, 'GET', `/trips/${trip.id}/saved-options`);
    const byId = Object.fromEntries(list.map((o: { id: number; is_selected: boolean }) => [o.id, o.is_selected]));
    expect(byId).toEqual({ [f1.id]: false, [f2.id]: true, [h1.id]: true });
    expect((await ok(alice, 'GET', `/trips/${other.id}/saved-options/${elsewhere.id}`)).is_selected).toBe(true);
    // Creating a selected one takes the selection too.
    const f3 = await mk(trip.id, 'flight', true);
    const after = await ok(alice, 'GET', `/trips/${trip.id}/saved-options`);
    expect(after.filter((o: { is_selected: boolean; option_type: string }) => o.is_selected && o.option_type === 'flight').map((o: { id: number }) => o.id)).toEqual([f3.id]);
    // Moving a selected option to another type deselects that type's selection.
    await ok(alice, 'PATCH', `/trips/${trip.id}/saved-options/${f3.id}`, { option_type: 'hotel', is_selected: true });
    expect((await ok(alice, 'GET', `/trips/${trip.id}/saved-options/${h1.id}`)).is_selected).toBe(false);
    // The database guarantees it: a direct second selection is refused.
    await expect(ctx.db.query(`UPDATE public.saved_options SET is_selected = true WHERE id = $1`, [f1.id]))
      .resolves.toBeDefined(); // f1 is 'flight' and no flight is selected now
    await expect(ctx.db.query(`UPDATE public.saved_options SET is_selected = true WHERE id = $1`, [f2.id])).rejects.toThrow(/idx_saved_options_one_selected|duplicate key/);
    // Concurrent selections in one trip serialise on the trip lock: exactly one ends selected.
    const c1 = await mk(trip.id, 'car');
    const c2 = await mk(trip.id, 'car');
    const rs = await Promise.all([c1, c2].map((c) => req(alice, 'PATCH', `/trips/${trip.id}/saved-options/${c.id}`, { is_selected: true })));
    expect(rs.map((r) => r.statusCode).every((s) => s === 200 || s === 409 || s === 503)).toBe(true);
    const cars = (await ok(alice, 'GET', `/trips/${trip.id}/saved-options`)).filter((o: { option_type: string; is_selected: boolean }) => o.option_type === 'car' && o.is_selected);
    expect(cars).toHaveLength(1);
    // Bob cannot select in Alice's trip.
    expect((await req(bob, 'PATCH', `/trips/${trip.id}/saved-options/${c1.id}`, { is_selected: true })).statusCode).toBe(404);
  });

  it('comparisons: computed for own trips, 404 naming a trip that is not visible, refresh, patch, delete', async () => {
    const a = await newTrip(alice, { name: 'A', budget: '1000.10' });
    const b = await newTrip(alice, { name: 'B', start_date: '2026-06-01', end_date: '2026-06-10', budget: '500', travelers: 1 });
    await ok(alice, 'POST', `/trips/${a.id}/flights`, { origin: 'X', destination: 'Y', departure_time: '2026-05-01T08:00:00Z', arrival_time: '2026-05-01T09:00:00Z', price: '560.20' });
    const c = await ok(alice, 'POST', '/trip-comparisons', { title: 'Spring', trip_ids: [a.id, b.id] });
    expect(c.comparison_data).toMatchObject({ version: 2, trip_ids: [a.id, b.id], missing_trip_ids: [] });
    expect(c.comparison_data.trips).toHaveLength(2);
    expect(c.comparison_data.trips[0]).toMatchObject({
      trip_id: a.id, days: 4, travelers: 2, budget: '1000.10', total_planned: '560.20', per_day: '140.05', per_traveller: '280.10',
      budget_headroom: '439.90', counts: { flights: 1, accommodations: 0, transportation: 0, itinerary_items: 0 },
    });
    expect(c.comparison_data.trips[1]).toMatchObject({ trip_id: b.id, days: 10, total_planned: '0', budget_headroom: '500' });

    const bobs = await newTrip(bob);
    const r = await req(alice, 'POST', '/trip-comparisons', { title: 'x', trip_ids: [a.id, bobs.id] });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ message: `trip(s) not found: ${bobs.id}`, details: { missing_trip_ids: [bobs.id] } });
    expect((await req(alice, 'POST', '/trip-comparisons', { title: 'x', trip_ids: [] })).statusCode).toBe(400);
    expect((await req(alice, 'POST', '/trip-comparisons', { title: 'x', trip_ids: [a.id, a.id] })).statusCode).toBe(400);
    expect((await req(alice, 'POST', '/trip-comparisons', { title: 'x', trip_ids: [a.id], comparison_data: {} })).statusCode).toBe(400);

    // Refresh picks up new spend; a deleted trip is reported, not fatal.
    await ok(alice, 'POST', `/trips/${b.id}/itinerary-items`, item(1, '10:00', '11:00', { cost: '99.99' }));
    expect((await req(alice, 'DELETE', `/trips/${a.id}`)).statusCode).toBe(204);
    const fresh = await ok(alice, 'POST', `/trip-comparisons/${c.id}/refresh`);
    expect(fresh.comparison_data).toMatchObject({ trip_ids: [a.id, b.id], missing_trip_ids: [a.id] });
    expect(fresh.comparison_data.trips).toMatchObject([{ trip_id: b.id, total_planned: '99.99', budget_headroom: '400.01', per_day: '10.00' }]);
    expect((await req(bob, 'POST', `/trip-comparisons/${c.id}/refresh`)).statusCode).toBe(404);

    const patched = await ok(alice, 'PATCH', `/trip-comparisons/${c.id}`, { title: 'Spring v2', description: 'd' });
    expect(patched).toMatchObject({ title: 'Spring v2', description: 'd' });
    expect((await req(alice, 'PATCH', `/trip-comparisons/${c.id}`, { comparison_data: {} })).statusCode).toBe(400);
    expect((await ok(alice, 'GET', `/trip-comparisons/${c.id}`)).title).toBe('Spring v2');
    expect((await req(alice, 'DELETE', `/trip-comparisons/${c.id}`)).statusCode).toBe(204);

    // A comparison written without trip_ids (before this API, or by SQL) cannot be refreshed.
    const legacy = await ctx.db.query<{ id: number }>(
      `INSERT INTO public.trip_comparisons (user_id, title, comparison_data) VALUES ($1, 'legacy', '{"notes": 1}') RETURNING id`, [alice.id]);
    const lr = await req(alice, 'POST', `/trip-comparisons/${legacy.rows[0]!.id}/refresh`);
    expect(lr.statusCode).toBe(409);
    expect(lr.json()).toMatchObject({ code: 'not_refreshable' });
  });

  it('timeline: flights, stays, transport and items in one time-ordered list; floating times in ?tz', async () => {
    const trip = await newTrip(alice, { start_date: '2026-05-01', end_date: '2026-05-03' });
    await ok(alice, 'POST', `/trips/${trip.id}/flights`, { origin: 'BER', destination: 'LIS', airline: 'TP', departure_time: '2026-05-01T08:00:00Z', arrival_time: '2026-05-01T11:30:00Z', price: '200' });
    await ok(alice, 'POST', `/trips/${trip.id}/accommodations`, { name: 'Casa', type: 'hotel', check_in_date: '2026-05-01', check_out_date: '2026-05-03', price_per_night: '100', total_price: '200', location: 'Alfama' });
    await ok(alice, 'POST', `/trips/${trip.id}/transportation`, { type: 'taxi', origin: 'LIS', destination: 'Alfama', departure_time: '2026-05-01T12:00:00Z', arrival_time: '2026-05-01T12:30:00Z', price: '25' });
    await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, item(1, '09:30', '10:00', { title: 'Coffee' }));
    await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, item(2, '10:00', '12:00', { title: 'Museum' }));
    const v = await ok(alice, 'GET', `/trips/${trip.id}/timeline`);
    expect(v.time_zone).toBe('UTC');
    const order = v.entries.map((e: { kind: string; title: string }) => `${e.kind}:${e.title}`);
    expect(order).toEqual(['accommodation:Casa', 'flight:TP BER → LIS', 'itinerary_item:Coffee', 'transportation:taxi: LIS → Alfama', 'itinerary_item:Museum']);
    const museum = v.entries.find((e: { title: string }) => e.title === 'Museum');
    expect(museum).toMatchObject({ date: '2026-05-02', day_number: 2, start_time: '10:00:00', start_at: '2026-05-02T10:00:00+00:00' });
    expect(v.entries[0]).toMatchObject({ all_day: true, date: '2026-05-01', end_date: '2026-05-03', price: '200' });
    // Ordering follows the zone the floating times are read in.
    const tokyo = await ok(alice, 'GET', `/trips/${trip.id}/timeline?tz=Asia/Tokyo`); // UTC+9: 09:30 local = 00:30Z
    expect(tokyo.entries.map((e: { title: string }) => e.title).indexOf('Coffee')).toBeLessThan(
      tokyo.entries.map((e: { title: string }) => e.title).indexOf('TP BER → LIS'));
    expect(tokyo.entries.find((e: { title: string }) => e.title === 'Coffee').start_at).toBe('2026-05-01T00:30:00+00:00');
    expect((await req(alice, 'GET', `/trips/${trip.id}/timeline?tz=Not/AZone`)).statusCode).toBe(400);
    expect((await req(bob, 'GET', `/trips/${trip.id}/timeline`)).statusCode).toBe(404);
  });
});
