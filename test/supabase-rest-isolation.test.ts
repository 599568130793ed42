/**
 * Row-level security through /rest/v1, with supabase-js against a real `tripsage serve` on both
 * backends: one user can neither see nor change another's rows through any filter, embedding,
 * upsert or function call — the database decides, as the caller.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from './harness/backends.ts';
import { startRestServer, type RestServer, type RestUser } from './harness/rest.ts';
import { REST_FIXTURE_SQL } from './harness/rest-fixture.ts';

for (const backend of testBackends()) {
  describe(`/rest/v1 row-level security with supabase-js [${backend.name}]`, () => {
    let server: RestServer;
    let alice: RestUser;
    let bob: RestUser;
    let asAlice: SupabaseClient;
    let asBob: SupabaseClient;
    let aliceTrip: number;
    let bobTrip: number;

    const newTrip = (name: string) => ({ name, destination: name, start_date: '2026-07-01', end_date: '2026-07-04', budget: 800 });

    beforeAll(async () => {
      server = await startRestServer(backend, REST_FIXTURE_SQL);
      [alice, bob] = [await server.signUp(), await server.signUp()];
      [asAlice, asBob] = [alice.db, bob.db];
      aliceTrip = ((await asAlice.from('trips').insert(newTrip("Alice's secret trip")).select('id').single()).data as { id: number }).id;
      bobTrip = ((await asBob.from('trips').insert(newTrip("Bob's trip")).select('id').single()).data as { id: number }).id;
      await asAlice.from('flights').insert({ trip_id: aliceTrip, origin: 'AAA', destination: 'BBB', departure_time: '2026-07-01T10:00:00Z', arrival_time: '2026-07-01T12:00:00Z', price: 10 });
      await asAlice.from('rest_test_links').insert({ id: 100, from_trip: aliceTrip, to_trip: aliceTrip, note: 'alice' });
    }, 180_000);
    afterAll(async () => server?.stop());

    const aliceStill = async () => (await asAlice.from('trips').select('name, budget').eq('id', aliceTrip).single()).data;

    it('no filter reaches another user\'s rows', async () => {
      const probes = [
        asBob.from('trips').select('id'),
        asBob.from('trips').select('id').eq('id', aliceTrip),
        asBob.from('trips').select('id').eq('user_id', alice.id),
        asBob.from('trips').select('id').or(`id.eq.${aliceTrip},user_id.eq.${alice.id}`),
        asBob.from('trips').select('id').not('user_id', 'eq', bob.id),
        asBob.from('trips').select('id').ilike('name', '%secret%'),
        asBob.from('flights').select('id'),
      ];
      const results = await Promise.all(probes);
      expect(results[0]!.data).toEqual([{ id: bobTrip }]);
      for (const r of results.slice(1)) expect(r).toMatchObject({ status: 200, data: [] });
      expect(await asBob.from('trips').select('*', { count: 'exact', head: true })).toMatchObject({ count: 1 });
    });

    it('no embedding reveals them, from either side, even through a key that points at them', async () => {
      const { data } = await asBob.from('trips').select('id, flights(*), itinerary_items(*)');
      expect(data).toEqual([{ id: bobTrip, flights: [], itinerary_items: [] }]);
      // A foreign key check does not apply RLS, so Bob may point a row of his at Alice's trip …
      expect((await asBob.from('rest_test_links').insert({ id: 200, from_trip: bobTrip, to_trip: aliceTrip })).status).toBe(201);
      // … but following it shows nothing of hers.
      const link = await asBob.from('rest_test_links').select('id, to:trips!to_trip(name, flights(price))').eq('id', 200).single();
      expect(link.data).toEqual({ id: 200, to: null });
      const inner = await asBob.from('rest_test_links').select('id, to:trips!to_trip!inner(name)');
      expect(inner.data).toEqual([]);
    });

    it('no update, delete or insert touches them', async () => {
      expect(await asBob.from('trips').update({ budget: 1 }).eq('id', aliceTrip).select()).toMatchObject({ status: 200, data: [] });
      expect(await asBob.from('trips').update({ budget: 1 }).neq('id', -1).select('id')).toMatchObject({ data: [{ id: bobTrip }] });
      expect(await asBob.from('trips').delete().eq('id', aliceTrip).select()).toMatchObject({ status: 200, data: [] });
      expect(await asBob.from('trips').insert({ ...newTrip('Forged'), user_id: alice.id })).toMatchObject({ status: 403, error: { code: '42501' } });
      expect(await asBob.from('flights').insert({ trip_id: aliceTrip, origin: 'X', destination: 'Y', departure_time: '2026-07-01T10:00:00Z', arrival_time: '2026-07-01T11:00:00Z', price: 1 }))
        .toMatchObject({ status: 403, error: { code: '42501' } });
      expect(await aliceStill()).toEqual({ name: "Alice's secret trip", budget: 800 });
    });

    it('no upsert overwrites them, merging or ignoring', async () => {
      const forged = { id: 100, from_trip: bobTrip, to_trip: bobTrip, note: 'bob was here' };
      expect(await asBob.from('rest_test_links').upsert(forged).select()).toMatchObject({ status: 403, error: { code: '42501' } });
      expect(await asBob.from('rest_test_links').upsert(forged, { ignoreDuplicates: true }).select()).toMatchObject({ status: 201, data: [] });
      expect((await asAlice.from('rest_test_links').select('note').eq('id', 100).single()).data).toEqual({ note: 'alice' });
    });

    it('no function call sees or changes them (functions run as the caller)', async () => {
      const rows = await asBob.rpc('rest_test_trips_under', { max_budget: 1e9 }).select('id');
      expect(rows.data).toEqual([{ id: bobTrip }]);
      expect(await asBob.rpc('rest_test_rename', { trip: aliceTrip, new_name: 'mine now' })).toMatchObject({ status: 204 });
      expect(await aliceStill()).toEqual({ name: "Alice's secret trip", budget: 800 });
    });

    it('without a user token nothing is readable; the service role sees everyone', async () => {
      const anon = server.client();
      expect(await anon.from('trips').select('id')).toMatchObject({ status: 401, error: { code: '42501' } });
      expect(await anon.rpc('rest_test_add', { a: 1 })).toMatchObject({ status: 401, error: { code: '42501' } });
      const service = server.client(server.serviceKey);
      expect(await service.from('trips').select('id', { count: 'exact', head: true })).toMatchObject({ count: 2 });
    });
  });
}
