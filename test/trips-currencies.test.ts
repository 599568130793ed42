/**
 * Budgets in several currencies on every backend: ISO 4217 codes checked by the database, costs
 * defaulting to their trip's currency, exchange rates written by service_role only, and the
 * summary, days and comparisons converting every cost exactly (latest rate on or before its date,
 * either direction, rounded to the minor unit) with per-currency subtotals and the costs that have
 * no rate reported, never summed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { apiAs, buildTestApp, makeUser, serviceHeaders, type TestApp, type TestUser } from './harness/http.ts';

describeEachBackend('currencies', (ctx) => {
  let t: TestApp;
  let alice: TestUser;
  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
    alice = await makeUser(t, ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
  });

  const { req, ok } = apiAs(() => t);
  const postRates = async (rates: unknown[]) =>
    t.app.inject({ method: 'POST', url: '/api/v1/exchange-rates', headers: await serviceHeaders(t), payload: { rates } });
  const rate = (base: string, quote: string, r: string, asOf: string) => ({ base, quote, rate: r, as_of: asOf });
  const newTrip = (over: Record<string, unknown> = {}) =>
    ok(alice, 'POST', '/trips', { name: 'Europe', start_date: '2026-05-01', end_date: '2026-05-04', destination: 'Europe', budget: '1000.00', currency: 'EUR', ...over });

  it('a trip with costs in three currencies (and one without a rate) has an exact budget in its own', async () => {
    // Each test uses its own currency pairs: rates are shared reference data.
    expect((await postRates([
      rate('USD', 'EUR', '0.9', '2026-04-01'),
      rate('USD', 'EUR', '0.5', '2026-05-02'), // after the flight's day: not used for it
      rate('EUR', 'JPY', '160', '2026-04-15'), // JPY → EUR divides
    ])).json()).toEqual({ written: 3 });
    const trip = await newTrip();
    const url = `/trips/${trip.id}`;
    await ok(alice, 'POST', `${url}/flights`, { origin: 'JFK', destination: 'CDG', departure_time: '2026-05-01T20:00:00Z', arrival_time: '2026-05-02T08:00:00Z', price: '33.33', currency: 'USD' });
    const stay = await ok(alice, 'POST', `${url}/accommodations`, { name: 'Hotel', type: 'hotel', check_in_date: '2026-05-01', check_out_date: '2026-05-04', price_per_night: '100', total_price: '300.00', location: 'Paris' });
    expect(stay.currency).toBe('EUR'); // the trip's currency by default
    await ok(alice, 'POST', `${url}/transportation`, { type: 'train', origin: 'Paris', destination: 'Lyon', departure_time: '2026-05-02T09:00:00Z', arrival_time: '2026-05-02T11:00:00Z', price: '2000', currency: 'JPY' });
    const pub = await ok(alice, 'POST', `${url}/itinerary-items`, { day_number: 1, start_time: '18:00', end_time: '19:00', title: 'Pub', cost: '10.00', currency: 'GBP' });

    const s = await ok(alice, 'GET', `${url}/summary`);
    expect(s).toMatchObject({
      currency: 'EUR', budget: '1000.00',
      // 33.33 × 0.9 = 29.997 → 30.00 (EUR has 2 decimals); 2000 / 160 = 12.50
      planned: { flights: '30.00', accommodations: '300.00', transportation: '12.50', itinerary: '0' },
      total: '342.50', remaining: '657.50', complete: false,
      unconverted: [{ kind: 'itinerary_item', id: pub.id, currency: 'GBP', amount: '10.00', date: '2026-05-01' }],
      by_currency: [
        { currency: 'EUR', amount: '300.00', converted: '300.00', unconverted: '0', costs: 1, unconverted_costs: 0 },
        { currency: 'GBP', amount: '10.00', converted: '0', unconverted: '10.00', costs: 1, unconverted_costs: 1 },
        { currency: 'JPY', amount: '2000', converted: '12.50', unconverted: '0', costs: 1, unconverted_costs: 0 },
        { currency: 'USD', amount: '33.33', converted: '30.00', unconverted: '0', costs: 1, unconverted_costs: 0 },
      ],
    });

    // A GBP rate arrives: everything converts, exactly.
    await postRates([rate('GBP', 'EUR', '1.1725', '2026-01-01')]);
    expect(await ok(alice, 'GET', `${url}/summary`)).toMatchObject({
      planned: { flights: '30.00', accommodations: '300.00', transportation: '12.50', itinerary: '11.73' },
      total: '354.23', remaining: '645.77', complete: true, unconverted: [], budget_used_percent: '35.42',
    });
    const days = await ok(alice, 'GET', `${url}/days`);
    expect(days.currency).toBe('EUR');
    expect(days.days[0]).toMatchObject({ day_number: 1, planned_cost: '11.73', unconverted: [] });
    const timeline = await ok(alice, 'GET', `${url}/timeline`);
    expect(timeline.entries.find((e: { kind: string }) => e.kind === 'transportation')).toMatchObject({ price: '2000', currency: 'JPY' });
  });

  it('days list a cost without a rate as unconverted; comparisons convert each trip into its own currency', async () => {
    const trip = await newTrip({ currency: 'CHF' });
    await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, { day_number: 2, start_time: '10:00', end_time: '11:00', title: 'Museum', cost: '15.50', currency: 'SEK' });
    await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, { day_number: 2, start_time: '12:00', end_time: '13:00', title: 'Lunch', cost: '20.05' });
    const day = (await ok(alice, 'GET', `/trips/${trip.id}/days`)).days[1];
    expect(day).toMatchObject({ planned_cost: '20.05', unconverted: [{ currency: 'SEK', amount: '15.50' }] });

    const other = await newTrip({ currency: 'NOK', budget: '5000' });
    await ok(alice, 'POST', `/trips/${other.id}/flights`, { origin: 'OSL', destination: 'BGO', departure_time: '2026-05-01T08:00:00Z', arrival_time: '2026-05-01T09:00:00Z', price: '999.99' });
    const c = await ok(alice, 'POST', '/trip-comparisons', { title: 'CHF vs NOK', trip_ids: [trip.id, other.id] });
    expect(c.comparison_data.trips).toMatchObject([
      { trip_id: trip.id, currency: 'CHF', total_planned: '20.05', complete: false, unconverted: [{ currency: 'SEK', amount: '15.50' }] },
      { trip_id: other.id, currency: 'NOK', total_planned: '999.99', complete: true, by_currency: [{ currency: 'NOK', amount: '999.99' }] },
    ]);
  });

  it('the latest rate on or before the cost\'s date, the direct pair on a tie, rounded to the minor unit', async () => {
    await postRates([
      rate('CAD', 'KWD', '0.2', '2026-03-01'),
      rate('KWD', 'CAD', '4', '2026-04-01'), // later, inverse: 1 / 4 = 0.25
      rate('CAD', 'KWD', '0.3', '2026-04-01'), // same day, direct: wins
    ]);
    const trip = await newTrip({ currency: 'KWD' });
    await ok(alice, 'POST', `/trips/${trip.id}/flights`, { origin: 'A', destination: 'B', departure_time: '2026-05-01T00:00:00Z', arrival_time: '2026-05-01T01:00:00Z', price: '10.0005', currency: 'CAD' });
    await ok(alice, 'POST', `/trips/${trip.id}/flights`, { origin: 'A', destination: 'B', departure_time: '2026-03-15T00:00:00Z', arrival_time: '2026-03-15T01:00:00Z', price: '10', currency: 'CAD' });
    await ok(alice, 'POST', `/trips/${trip.id}/flights`, { origin: 'A', destination: 'B', departure_time: '2026-02-01T00:00:00Z', arrival_time: '2026-02-01T01:00:00Z', price: '10', currency: 'CAD' });
    // 10.0005 × 0.3 = 3.00015 → 3.000 (KWD has 3 decimals); 10 × 0.2 = 2.0 → 2.000; before any rate: unconverted.
    expect(await ok(alice, 'GET', `/trips/${trip.id}/summary`)).toMatchObject({
      planned: { flights: '5.000' }, complete: false, unconverted: [{ kind: 'flight', currency: 'CAD', amount: '10', date: '2026-02-01' }],
    });
  });

  it('currencies are ISO 4217 codes, checked by the database', async () => {
    expect(await ok(alice, 'GET', '/currencies')).toEqual(expect.arrayContaining(['EUR', 'JPY', 'USD', 'XCG']));
    const bad = await req(alice, 'POST', '/trips', { name: 'x', start_date: '2026-05-01', end_date: '2026-05-01', destination: 'x', budget: '1', currency: 'ABC' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: '23514', message: 'invalid value: violates currency_code_check' });
    expect((await req(alice, 'POST', '/trips', { name: 'x', start_date: '2026-05-01', end_date: '2026-05-01', destination: 'x', budget: '1', currency: 'eur' })).statusCode).toBe(400);
    const trip = await newTrip();
    expect((await req(alice, 'POST', `/trips/${trip.id}/itinerary-items`, { day_number: 1, start_time: '10:00', end_time: '11:00', title: 'x', cost: '1', currency: 'XYZ' })).statusCode).toBe(400);
    // Changing the trip's currency leaves each cost in its own.
    const item = await ok(alice, 'POST', `/trips/${trip.id}/itinerary-items`, { day_number: 1, start_time: '10:00', end_time: '11:00', title: 'x', cost: '1' });
    expect(await ok(alice, 'PATCH', `/trips/${trip.id}`, { currency: 'DKK' })).toMatchObject({ currency: 'DKK' });
    expect(await ok(alice, 'GET', `/trips/${trip.id}/itinerary-items/${item.id}`)).toMatchObject({ currency: 'EUR' });
    // The database checks every writer, not only the API.
    await expect(ctx.db.query(`INSERT INTO public.exchange_rates (base, quote, rate, as_of) VALUES ('EUR', 'QQQ', 1, '2026-01-01')`)).rejects.toThrow(/currency_code_check/);
  });

  it('exchange rates: written by service_role only (replacing a day\'s rate), read by signed-in users', async () => {
    const first = await postRates([rate('AUD', 'NZD', '1.08', '2026-06-01')]);
    expect(first.statusCode).toBe(200);
    expect((await postRates([{ ...rate('AUD', 'NZD', '1.09', '2026-06-01'), source: 'ecb' }])).json()).toEqual({ written: 1 });
    expect(await ok(alice, 'GET', '/exchange-rates?base=AUD&quote=NZD')).toMatchObject([{ base: 'AUD', quote: 'NZD', rate: '1.09', as_of: '2026-06-01', source: 'ecb' }]);
    expect(await ok(alice, 'GET', '/exchange-rates?base=AUD&on_or_before=2026-05-31')).toEqual([]);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/exchange-rates', headers: alice.headers, payload: { rates: [rate('AUD', 'NZD', '1', '2026-06-02')] } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/exchange-rates' })).statusCode).toBe(401);
    for (const bad of [rate('AUD', 'NZD', '0', '2026-06-03'), rate('AUD', 'AUD', '1', '2026-06-03'), rate('AUD', 'NZD', '-1', '2026-06-03'), rate('aud', 'NZD', '1', '2026-06-03')]) {
      expect((await postRates([bad])).statusCode, JSON.stringify(bad)).toBe(400);
    }
  });
});
