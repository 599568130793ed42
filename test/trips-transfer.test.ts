/**
 * Export/import of trips over HTTP (round trip, all-or-nothing, validation) and the trip as an
 * iCalendar file, parsed back with ical.js (Mozilla's parser, as calendar apps use), on every
 * backend.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describeEachBackend('trip export/import and calendar', (ctx) => {
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
  const ok = async (u: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<Json> => {
    const r = await req(u, method, url, payload);
    expect(r.statusCode, r.body).toBeLessThan(300);
    return r.json();
  };
  const tripCount = async (u: TestUser) => (await ok(u, 'GET', '/trips?limit=1000') as unknown as unknown[]).length;

  async function fullTrip(u: TestUser): Promise<Json> {
    const trip = await ok(u, 'POST', '/trips', {
      name: 'Kyoto', start_date: '2026-10-01', end_date: '2026-10-05', destination: 'Kyoto', budget: '3000.50', travelers: 2,
      trip_type: 'family', flexibility: { dates: ['±2'] }, description: 'autumn leaves',
    });
    const id = trip.id;
    await ok(u, 'POST', `/trips/${id}/flights`, { origin: 'FRA', destination: 'KIX', airline: 'LH', departure_time: '2026-10-01T12:00:00.123456Z', arrival_time: '2026-10-02T07:00:00Z', price: '812.40', segment_number: 1 });
    await ok(u, 'POST', `/trips/${id}/flights`, { origin: 'KIX', destination: 'FRA', departure_time: '2026-10-05T10:00:00+09:00', arrival_time: '2026-10-05T18:00:00+02:00', price: '799.99', segment_number: 2 });
    await ok(u, 'POST', `/trips/${id}/accommodations`, { name: 'Ryokan', type: 'ryokan', check_in_date: '2026-10-02', check_out_date: '2026-10-05', price_per_night: '150.00', total_price: '450.00', location: 'Gion', rating: '4.5', amenities: ['onsen', 'wifi'] });
    await ok(u, 'POST', `/trips/${id}/transportation`, { type: 'train', origin: 'KIX', destination: 'Kyoto', departure_time: '2026-10-02T08:00:00Z', arrival_time: '2026-10-02T09:15:00Z', price: '30.00', provider_name: 'JR' });
    await ok(u, 'POST', `/trips/${id}/itinerary-items`, { day_number: 2, start_time: '14:00', end_time: '16:30', title: 'Fushimi Inari', location: 'Fushimi', cost: '0' });
    await ok(u, 'POST', `/trips/${id}/itinerary-items`, { day_number: 3, start_time: '09:00:00', end_time: '11:00:00', title: 'Kinkaku-ji', cost: '5.00', priority: 1 });
    await ok(u, 'POST', `/trips/${id}/notes`, { title: 'Packing', content: 'umbrella' });
    await ok(u, 'POST', `/trips/${id}/saved-options`, { option_type: 'hotel', option_data: { name: 'Alt', tags: ['a', 'b'] }, is_selected: true });
    return trip;
  }

  it('GET /export → POST /import makes an equal copy for the caller, with new ids', async () => {
    const trip = await fullTrip(alice);
    const doc = await ok(alice, 'GET', `/trips/${trip.id}/export`);
    expect(doc).toMatchObject({ format: 'tripsage.trip', version: 1, trip: { id: trip.id, name: 'Kyoto' } });
    expect([doc.flights, doc.accommodations, doc.transportation, doc.itinerary_items, doc.notes, doc.saved_options].map((a) => a.length)).toEqual([2, 1, 1, 2, 1, 1]);
    expect((await req(bob, 'GET', `/trips/${trip.id}/export`)).statusCode).toBe(404);

    const r = await req(bob, 'POST', '/trips/import', doc);
    expect(r.statusCode, r.body).toBe(201);
    const imported = r.json();
    expect(imported.trip.id).not.toBe(trip.id);
    expect(imported.trip.user_id).toBe(bob.id);
    expect(imported.counts).toEqual({ flights: 2, accommodations: 1, transportation: 1, itinerary_items: 2, notes: 1, saved_options: 1 });

    const copy = await ok(bob, 'GET', `/trips/${imported.trip.id}/export`);
    const norm = (d: Json) => {
      const drop = (r: Json) => Object.fromEntries(Object.entries(r).filter(([k]) => !['id', 'trip_id', 'user_id', 'created_at', 'updated_at'].includes(k)));
      return Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'exported_at').map(([k, v]) => [k, Array.isArray(v) ? v.map(drop) : typeof v === 'object' ? drop(v) : v]));
    };
    expect(norm(copy)).toEqual(norm(doc));
    expect(copy.notes[0].user_id).toBe(bob.id);
    // Same summary, to the cent.
    expect((await ok(bob, 'GET', `/trips/${imported.trip.id}/summary`)).total).toBe((await ok(alice, 'GET', `/trips/${trip.id}/summary`)).total);
  });

  it('import is all or nothing: a 3rd flight violating a check constraint leaves no trip behind', async () => {
    const before = await tripCount(bob);
    const flight = (n: number, dep: string, arr: string) => ({ origin: 'A', destination: 'B', departure_time: dep, arrival_time: arr, price: `${n}.00` });
    const doc = {
      format: 'tripsage.trip', version: 1,
      trip: { name: 'Bad', start_date: '2026-01-01', end_date: '2026-01-03', destination: 'X', budget: '100' },
      flights: [
        flight(1, '2026-01-01T08:00:00Z', '2026-01-01T09:00:00Z'),
        flight(2, '2026-01-02T08:00:00Z', '2026-01-02T09:00:00Z'),
        flight(3, '2026-01-03T08:00:00Z', '2026-01-03T07:00:00Z'), // arrives before it departs
      ],
      itinerary_items: [{ day_number: 1, start_time: '10:00', end_time: '11:00', title: 'x' }],
    };
    const r = await req(bob, 'POST', '/trips/import', doc);
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: '23514', message: expect.stringMatching(/flights_time_check/) });
    expect(await tripCount(bob)).toBe(before);

    // The itinerary-day trigger also rolls the whole import back.
    const late = { ...doc, flights: [], itinerary_items: [{ day_number: 4, start_time: '10:00', end_time: '11:00', title: 'x' }] };
    const r2 = await req(bob, 'POST', '/trips/import', late);
    expect(r2.statusCode).toBe(400);
    expect(r2.json().message).toMatch(/day_number 4 is beyond/);
    expect(await tripCount(bob)).toBe(before);
  });

  it('bad documents are rejected with the reason, before anything is written', async () => {
    const base = { format: 'tripsage.trip', version: 1, trip: { name: 'T', start_date: '2026-01-01', end_date: '2026-01-02', destination: 'X', budget: '1' } };
    const cases: Array<[unknown, RegExp]> = [
      [{ ...base, format: 'other' }, /format/],
      [{ ...base, version: 2 }, /version/],
      [{ ...base, trip: { ...base.trip, budget: '-1' } }, /budget|negative/],
      [{ ...base, flights: [{ origin: 'A' }] }, /flights/],
      [{ ...base, surprise: true }, /surprise|unrecognized/i],
    ];
    for (const [doc, reason] of cases) {
      const r = await req(bob, 'POST', '/trips/import', doc);
      expect(r.statusCode, r.body).toBe(400);
      expect(r.body).toMatch(reason);
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/trips/import', payload: base })).statusCode).toBeGreaterThanOrEqual(401);
  });

  it('a tripsage.trips document imports several trips in one transaction', async () => {
    const a = await ok(alice, 'GET', `/trips/${(await fullTrip(alice)).id}/export`);
    const r = await req(bob, 'POST', '/trips/import', { format: 'tripsage.trips', version: 1, trips: [a, { ...a, trip: { ...a.trip, name: 'Kyoto 2' } }] });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().trips.map((x: Json) => x.trip.name)).toEqual(['Kyoto', 'Kyoto 2']);
  });

  it('calendar.ics: one VEVENT per flight, stay, transport and item, with the right DTSTART forms', async () => {
    const trip = await fullTrip(alice);
    const r = await req(alice, 'GET', `/trips/${trip.id}/calendar.ics`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/calendar/);
    const text = r.body;
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
    expect(text).toMatch(/\r\nVERSION:2\.0\r\n/);
    expect(text).toMatch(/\r\nPRODID:-\/\/TripSage\/\/trip-calendar\/\/EN\r\n/);

    const cal = new ICAL.Component(ICAL.parse(text));
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events).toHaveLength(2 + 1 + 1 + 2);
    const by = (s: string) => events.find((e) => e.summary.includes(s))!;

    const stay = by('Ryokan');
    expect(stay.startDate.isDate).toBe(true);
    expect(stay.startDate.toString()).toBe('2026-10-02');
    expect(stay.endDate.toString()).toBe('2026-10-05');
    expect(text).toMatch(/DTSTART;VALUE=DATE:20261002\r\n/);
    expect(text).toMatch(/DTEND;VALUE=DATE:20261005\r\n/);

    const flight = by('FRA → KIX');
    expect(flight.startDate.zone?.tzid).toBe('UTC');
    expect(flight.startDate.toJSDate().toISOString()).toBe('2026-10-01T12:00:00.000Z');
    expect(by('KIX → FRA').endDate.toJSDate().toISOString()).toBe('2026-10-05T16:00:00.000Z');
    expect(text).toMatch(/DTSTART:20261001T120000Z\r\n/);

    const inari = by('Fushimi Inari');
    expect(inari.startDate.isDate).toBe(false);
    expect(inari.startDate.zone?.tzid).toBe('floating');
    expect(inari.startDate.toString()).toBe('2026-10-02T14:00:00');
    expect(inari.endDate.toString()).toBe('2026-10-02T16:30:00');
    expect(text).toMatch(/DTSTART:20261002T140000\r\n/); // floating: no Z, no TZID
    expect(by('Kinkaku-ji').startDate.toString()).toBe('2026-10-03T09:00:00');
    expect(by('train').location).toBe('KIX → Kyoto');

    // Stable UIDs: the same file twice has the same event ids.
    const again = (await req(alice, 'GET', `/trips/${trip.id}/calendar.ics`)).body;
    const uids = (s: string) => [...s.matchAll(/^UID:(.*)$/gm)].map((m) => m[1]).sort();
    expect(uids(again)).toEqual(uids(text));
    expect(new Set(uids(text)).size).toBe(6);

    expect((await req(bob, 'GET', `/trips/${trip.id}/calendar.ics`)).statusCode).toBe(404);
  });
});
