/**
 * Reads through /rest/v1, driven by supabase-js against a real `tripsage serve`, on both backends:
 * select (columns, aliases, casts, JSON paths), embedding (both directions, nested, !inner, !hint,
 * filters/order/limit inside), every filter operator, order, ranges, counts, single objects, CSV,
 * HEAD, and values encoded as PostgREST encodes them.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from './harness/backends.ts';
import { startRestServer, type RestServer, type RestUser } from './harness/rest.ts';
import { REST_FIXTURE_SQL } from './harness/rest-fixture.ts';

for (const backend of testBackends()) {
  describe(`/rest/v1 reads with supabase-js [${backend.name}]`, () => {
    let server: RestServer;
    let alice: RestUser;
    let db: SupabaseClient;
    const ids: Record<string, number> = {};

    beforeAll(async () => {
      server = await startRestServer(backend, REST_FIXTURE_SQL);
      alice = await server.signUp();
      db = alice.db;
      const trips = await db.from('trips').insert([
        { name: 'Lisbon', destination: 'Lisbon, Portugal', start_date: '2026-05-01', end_date: '2026-05-05', budget: 1000.1, travelers: 2, flexibility: { dates: { days: 2 }, tags: ['beach', 'food'] }, description: 'Tiles and custard tarts' },
        { name: 'Kyoto', destination: 'Kyoto, Japan', start_date: '2026-10-01', end_date: '2026-10-09', budget: 2500, status: 'booked', trip_type: 'business', flexibility: null, description: null },
        { name: 'Oslo', destination: 'Oslo, Norway', start_date: '2026-02-01', end_date: '2026-02-03', budget: 900, status: 'completed', flexibility: { tags: ['fjords'] }, description: 'Fjords and smoked fish' },
      ], { defaultToNull: false }).select('id, name'); // keys absent from a row take the column default
      if (trips.error) throw new Error(JSON.stringify(trips.error));
      for (const t of trips.data) ids[t.name] = t.id;
      const flights = await db.from('flights').insert([
        { trip_id: ids.Lisbon, origin: 'BER', destination: 'LIS', airline: 'TP', departure_time: '2026-05-01T08:00:00Z', arrival_time: '2026-05-01T11:00:00Z', price: 120.5 },
        { trip_id: ids.Lisbon, origin: 'LIS', destination: 'BER', airline: null, departure_time: '2026-05-05T18:00:00Z', arrival_time: '2026-05-05T23:00:00Z', price: 99.99 },
        { trip_id: ids.Kyoto, origin: 'BER', destination: 'KIX', airline: 'LH', departure_time: '2026-10-01T08:00:00Z', arrival_time: '2026-10-02T08:00:00Z', price: 890 },
      ]);
      expect(flights.error).toBeNull();
      expect((await db.from('itinerary_items').insert({ trip_id: ids.Lisbon, day_number: 2, start_time: '09:30', end_time: '11:00', title: 'Tram 28', cost: 3 })).error).toBeNull();
      expect((await db.from('rest_test_links').insert([
        { id: 1, from_trip: ids.Lisbon, to_trip: ids.Kyoto, note: 'then', tags: ['train', 'night'], span: '[1,5)' },
        { id: 2, from_trip: ids.Kyoto, to_trip: ids.Oslo, note: null, tags: ['plane'], span: '[10,20)' },
      ])).error).toBeNull();
    }, 180_000);
    afterAll(async () => server?.stop());

    it('selects columns with aliases, casts and JSON paths', async () => {
      const { data, error } = await db
        .from('trips')
        .select('trip:name, budget_text:budget::text, days:flexibility->dates->days, first_tag:flexibility->tags->>0, flexibility->>tags')
        .eq('name', 'Lisbon')
        .single();
      expect(error).toBeNull();
      expect(data).toEqual({ trip: 'Lisbon', budget_text: '1000.1', days: 2, first_tag: 'beach', tags: '["beach", "food"]' });
    });

    it('embeds one-to-many and many-to-one, nested, with filters, order and limit inside the embed', async () => {
      const { data, error } = await db
        .from('trips')
        .select('name, flights(origin, price, trips(name)), itinerary_items(title, start_time)')
        .eq('name', 'Lisbon')
        .order('departure_time', { referencedTable: 'flights', ascending: false })
        .limit(1, { referencedTable: 'flights' })
        .single();
      expect(error).toBeNull();
      expect(data).toEqual({
        name: 'Lisbon',
        flights: [{ origin: 'LIS', price: 99.99, trips: { name: 'Lisbon' } }],
        itinerary_items: [{ title: 'Tram 28', start_time: '09:30:00' }],
      });
      const filtered = await db.from('trips').select('name, flights(origin)').eq('flights.origin', 'BER').order('name');
      expect(filtered.data).toEqual([
        { name: 'Kyoto', flights: [{ origin: 'BER' }] },
        { name: 'Lisbon', flights: [{ origin: 'BER' }] },
        { name: 'Oslo', flights: [] },
      ]);
    });

    it('!inner keeps only rows whose embed matches; an empty embed filters without showing', async () => {
      const { data } = await db.from('trips').select('name, flights!inner(airline)').eq('flights.airline', 'LH');
      expect(data).toEqual([{ name: 'Kyoto', flights: [{ airline: 'LH' }] }]);
      const hidden = await db.from('trips').select('name, flights!inner()').order('name');
      expect(hidden.data).toEqual([{ name: 'Kyoto' }, { name: 'Lisbon' }]);
      const none = await db.from('trips').select('name, itinerary_items(id)').is('itinerary_items', null).order('name');
      expect(none.data).toEqual([{ name: 'Kyoto', itinerary_items: [] }, { name: 'Oslo', itinerary_items: [] }]);
    });

    it('!fk_name chooses between two keys to the same table; without it the embed is ambiguous (PGRST201)', async () => {
      const ambiguous = await db.from('rest_test_links').select('id, trips(name)');
      expect(ambiguous.status).toBe(300);
      expect(ambiguous.error).toMatchObject({ code: 'PGRST201', message: "Could not embed because more than one relationship was found for 'rest_test_links' and 'trips'" });
      const { data } = await db.from('rest_test_links').select('id, from:trips!rest_test_links_from_fkey(name), to:trips!to_trip(name)');
      expect(data).toEqual([
        { id: 1, from: { name: 'Lisbon' }, to: { name: 'Kyoto' } },
        { id: 2, from: { name: 'Kyoto' }, to: { name: 'Oslo' } },
      ]);
      const missing = await db.from('trips').select('name, nothing(*)');
      expect(missing.error?.code).toBe('PGRST200');
    });

    it('filters with every operator', async () => {
      const names = async (q: PromiseLike<{ data: { name: string }[] | null; error: unknown }>) => {
        const { data, error } = await q;
        expect(error).toBeNull();
        return data!.map((r) => r.name).sort();
      };
      const t = () => db.from('trips').select('name');
      expect(await names(t().eq('status', 'booked'))).toEqual(['Kyoto']);
      expect(await names(t().neq('status', 'booked'))).toEqual(['Lisbon', 'Oslo']);
      expect(await names(t().gt('budget', 1000.1))).toEqual(['Kyoto']);
      expect(await names(t().gte('budget', 1000.1))).toEqual(['Kyoto', 'Lisbon']);
      expect(await names(t().lt('budget', 1000))).toEqual(['Oslo']);
      expect(await names(t().lte('start_date', '2026-05-01'))).toEqual(['Lisbon', 'Oslo']);
      expect(await names(t().gte('budget', 900).lte('budget', 1000.1))).toEqual(['Lisbon', 'Oslo']); // one key, twice
      expect(await names(t().like('destination', '%Jap*'))).toEqual(['Kyoto']);
      expect(await names(t().ilike('destination', '%portugal'))).toEqual(['Lisbon']);
      expect(await names(t().match({ status: 'completed', trip_type: 'leisure' }))).toEqual(['Oslo']);
      expect(await names(t().regexMatch('name', '^K'))).toEqual(['Kyoto']);
      expect(await names(t().regexIMatch('name', '^o'))).toEqual(['Oslo']);
      expect(await names(t().is('description', null))).toEqual(['Kyoto']);
      expect(await names(t().in('status', ['booked', 'completed']))).toEqual(['Kyoto', 'Oslo']);
      expect(await names(t().contains('flexibility', { tags: ['beach'] }))).toEqual(['Lisbon']);
      expect(await names(t().containedBy('flexibility', { tags: ['fjords'], extra: 1 }))).toEqual(['Oslo']);
      expect(await names(t().not('status', 'eq', 'booked').not('description', 'is', null))).toEqual(['Lisbon', 'Oslo']);
      expect(await names(t().or('status.eq.booked,budget.lt.950'))).toEqual(['Kyoto', 'Oslo']);
      expect(await names(t().or('and(status.eq.planning,travelers.eq.2),name.eq.Oslo'))).toEqual(['Lisbon', 'Oslo']);
      expect(await names(t().textSearch('description', 'fjords & fish', { config: 'english' }))).toEqual(['Oslo']);
      expect(await names(t().textSearch('description', 'custard tarts', { type: 'plain' }))).toEqual(['Lisbon']);
      expect(await names(t().textSearch('description', 'smoked fish', { type: 'phrase', config: 'english' }))).toEqual(['Oslo']);
      expect(await names(t().textSearch('description', 'tiles -fish', { type: 'websearch' }))).toEqual(['Lisbon']);
      expect(await names(t().filter('flexibility->tags', 'cs', '["fjords"]'))).toEqual(['Oslo']);
    });

    it('array and range operators: cs, cd, ov, sl, sr, nxl, nxr, adj', async () => {
      const ids_ = async (q: PromiseLike<{ data: { id: number }[] | null; error: unknown }>) => {
        const { data, error } = await q;
        expect(error).toBeNull();
        return data!.map((r) => r.id).sort();
      };
      const l = () => db.from('rest_test_links').select('id');
      expect(await ids_(l().contains('tags', ['night']))).toEqual([1]);
      expect(await ids_(l().containedBy('tags', ['plane', 'bus']))).toEqual([2]);
      expect(await ids_(l().overlaps('tags', ['plane', 'train']))).toEqual([1, 2]);
      expect(await ids_(l().contains('span', '[2,3)'))).toEqual([1]);
      expect(await ids_(l().overlaps('span', '[4,11)'))).toEqual([1, 2]);
      expect(await ids_(l().rangeLt('span', '[6,8)'))).toEqual([1]);
      expect(await ids_(l().rangeGt('span', '[6,8)'))).toEqual([2]);
      expect(await ids_(l().rangeLte('span', '[3,8)'))).toEqual([1]);
      expect(await ids_(l().rangeGte('span', '[3,8)'))).toEqual([2]);
      expect(await ids_(l().rangeAdjacent('span', '[5,10)'))).toEqual([1, 2]);
    });

    it('orders with nulls first/last and pages with range, limit/offset and Range headers', async () => {
      const nullsFirst = await db.from('trips').select('name').order('description', { ascending: true, nullsFirst: true });
      expect(nullsFirst.data!.map((r) => r.name)).toEqual(['Kyoto', 'Oslo', 'Lisbon']);
      const nullsLast = await db.from('trips').select('name').order('description', { ascending: false, nullsFirst: false });
      expect(nullsLast.data!.map((r) => r.name)).toEqual(['Lisbon', 'Oslo', 'Kyoto']);
      const page = await db.from('trips').select('name', { count: 'exact' }).order('name').range(1, 1);
      expect(page).toMatchObject({ data: [{ name: 'Lisbon' }], count: 3, status: 206 });
      const res = await fetch(`${server.url}/rest/v1/trips?select=name&order=name`, {
        headers: { apikey: server.anonKey, authorization: `Bearer ${alice.token}`, range: '1-1', prefer: 'count=exact' },
      });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe('1-1/3');
      expect(await res.json()).toEqual([{ name: 'Lisbon' }]);
      const beyond = await db.from('trips').select('name', { count: 'exact' }).range(10, 12);
      expect(beyond).toMatchObject({ status: 416, error: { code: 'PGRST103' } });
    });

    it('counts exactly, by the planner, or estimated; HEAD returns the count alone', async () => {
      const exact = await db.from('trips').select('*', { count: 'exact', head: true });
      expect(exact).toMatchObject({ count: 3, data: null, status: 200 });
      const planned = await db.from('trips').select('*', { count: 'planned', head: true });
      expect(planned.count).toEqual(expect.any(Number));
      const estimated = await db.from('flights').select('id', { count: 'estimated' });
      expect(estimated.count).toBe(3);
    });

    it('single and maybeSingle: PGRST116 unless exactly one row', async () => {
      const many = await db.from('trips').select('name').single();
      expect(many).toMatchObject({ status: 406, error: { code: 'PGRST116', details: 'The result contains 3 rows' } });
      const none = await db.from('trips').select('name').eq('name', 'Nowhere').maybeSingle();
      expect(none).toMatchObject({ status: 200, data: null, error: null });
    });

    it('text/csv', async () => {
      const { data } = await db.from('trips').select('name, budget, description').order('name').csv();
      expect(data).toBe('name,budget,description\nKyoto,2500,\nLisbon,1000.1,"Tiles and custard tarts"\nOslo,900,"Fjords and smoked fish"');
    });

    it('encodes NUMERIC, BIGINT, JSON, dates and times as PostgREST does (built in the database)', async () => {
      const res = await fetch(`${server.url}/rest/v1/trips?select=id,budget,start_date,created_at,flexibility&name=eq.Lisbon`, {
        headers: { apikey: server.anonKey, authorization: `Bearer ${alice.token}` },
      });
      const text = await res.text();
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(text).toMatch(/"budget":1000\.1,/);
      expect(text).toMatch(/"start_date":"2026-05-01"/);
      expect(text).toMatch(/"created_at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00"/);
      expect(text).toContain('"flexibility":{"tags": ["beach", "food"], "dates": {"days": 2}}'); // jsonb's own text
      const big = await fetch(`${server.url}/rest/v1/rpc/rest_test_big`, { headers: { apikey: server.anonKey, authorization: `Bearer ${alice.token}` } });
      expect(await big.text()).toBe('9007199254740993');
    });

    it('GET /rest/v1/ describes what the caller may use (OpenAPI 2.0)', async () => {
      const res = await fetch(`${server.url}/rest/v1/`, { headers: { apikey: server.anonKey, authorization: `Bearer ${alice.token}` } });
      const doc = (await res.json()) as { swagger: string; paths: Record<string, unknown>; definitions: Record<string, { properties: Record<string, { format: string }> }> };
      expect(doc.swagger).toBe('2.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/trips', '/flights', '/rpc/rest_test_add']));
      expect(doc.paths).not.toHaveProperty('/table_sizes');
      expect(doc.definitions.trips!.properties.budget!.format).toBe('numeric');
      const anon = (await (await fetch(`${server.url}/rest/v1/`, { headers: { apikey: server.anonKey } })).json()) as { paths: object };
      expect(Object.keys(anon.paths).filter((p) => !p.startsWith('/rpc/'))).toEqual(['/']);
    });
  });
}
