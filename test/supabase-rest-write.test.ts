/**
 * Writes, function calls and errors through /rest/v1, driven by supabase-js against a real
 * `tripsage serve`, on both backends: insert (one, many, columns=, missing=default, return=…),
 * upsert (on_conflict, merge/ignore), update and delete with filters, max-affected, tx=rollback,
 * rpc by POST and GET, and PostgREST's error codes and statuses.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from './harness/backends.ts';
import { startRestServer, type RestServer, type RestUser } from './harness/rest.ts';
import { REST_FIXTURE_SQL } from './harness/rest-fixture.ts';

const trip = (name: string, budget = 500) => ({ name, destination: `${name} centre`, start_date: '2026-06-01', end_date: '2026-06-03', budget });

for (const backend of testBackends()) {
  describe(`/rest/v1 writes, rpc and errors with supabase-js [${backend.name}]`, () => {
    let server: RestServer;
    let alice: RestUser;
    let db: SupabaseClient;
    const raw = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
      fetch(`${server.url}/rest/v1${path}`, { ...init, headers: { apikey: server.anonKey, authorization: `Bearer ${alice.token}`, ...init.headers } });

    beforeAll(async () => {
      server = await startRestServer(backend, REST_FIXTURE_SQL);
      alice = await server.signUp();
      db = alice.db;
    }, 180_000);
    afterAll(async () => server?.stop());

    it('inserts one row without user_id (the owner defaults to the caller); return=minimal answers 201 with no body', async () => {
      const minimal = await db.from('trips').insert(trip('Minimal'));
      expect(minimal).toMatchObject({ status: 201, data: null, error: null });
      const { data, status } = await db.from('trips').insert(trip('Porto', 1234.5)).select('user_id, name, budget, travelers, status').single();
      expect(status).toBe(201);
      expect(data).toEqual({ user_id: alice.id, name: 'Porto', budget: 1234.5, travelers: 1, status: 'planning' });
    });

    it('inserts many with columns=, missing=default, and counts them', async () => {
      const res = await db
        .from('trips')
        .insert([trip('A1'), { ...trip('A2'), travelers: 3 }], { count: 'exact', defaultToNull: false })
        .select('name, travelers');
      expect(res).toMatchObject({ status: 201, count: 2, data: [{ name: 'A1', travelers: 1 }, { name: 'A2', travelers: 3 }] });
      // Without missing=default a key absent from one row is NULL for it, as with PostgREST.
      const nulls = await db.from('trips').insert([trip('B1'), { ...trip('B2'), status: 'booked' }]);
      expect(nulls).toMatchObject({ status: 400, error: { code: '23502' } });
    });

    it('Prefer: return=headers-only answers with the Location of the new row', async () => {
      const res = await raw('/rest_test_links', {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'return=headers-only' },
        body: JSON.stringify({ id: 41, from_trip: await tripId('Porto'), to_trip: await tripId('Porto') }),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe('/rest_test_links?id=eq.41');
      expect(await res.text()).toBe('');
    });

    async function tripId(name: string): Promise<number> {
      const { data } = await db.from('trips').select('id').eq('name', name).single();
      return (data as { id: number }).id;
    }

    it('upserts on a key: merge-duplicates updates (200), ignore-duplicates leaves the row (201, nothing returned)', async () => {
      const [a1, porto] = [await tripId('A1'), await tripId('Porto')];
      const link = { id: 7, from_trip: a1, to_trip: porto, note: 'first' };
      expect(await db.from('rest_test_links').upsert(link).select('id, note')).toMatchObject({ status: 201, data: [{ id: 7, note: 'first' }] });
      const merged = await db.from('rest_test_links').upsert({ ...link, note: 'merged' }, { onConflict: 'id' }).select('id, note');
      expect(merged).toMatchObject({ status: 200, data: [{ id: 7, note: 'merged' }] });
      const ignored = await db.from('rest_test_links').upsert({ ...link, note: 'ignored' }, { ignoreDuplicates: true }).select('id');
      expect(ignored).toMatchObject({ status: 201, data: [] });
      const both = await db.from('rest_test_links').upsert([{ ...link, note: 'again' }, { ...link, id: 8 }]).select('id, note');
      expect(both).toMatchObject({ status: 201, data: [{ id: 7, note: 'again' }, { id: 8, note: 'first' }] });
      // PostgreSQL reads EXCLUDED.encrypted_value to merge, a column the user's role may not read.
      const key = { service_name: 'openai', key_name: 'main', encrypted_value: 'v1' };
      expect((await db.from('api_keys').insert(key)).status).toBe(201);
      expect(await db.from('api_keys').upsert(key, { onConflict: 'user_id,service_name,key_name' })).toMatchObject({ status: 403, error: { code: '42501' } });
    });

    it('PUT inserts or replaces the one row its primary key names (as PostgREST; supabase-js does not send PUT)', async () => {
      const body = { id: 50, from_trip: await tripId('A1'), to_trip: await tripId('A1'), note: 'put' };
      const put = (query: string, b: object) => raw(`/rest_test_links?${query}`, { method: 'PUT', headers: { 'content-type': 'application/json', prefer: 'return=representation' }, body: JSON.stringify(b) });
      const created = await put('id=eq.50&select=id,note', body);
      expect([created.status, await created.json()]).toEqual([201, [{ id: 50, note: 'put' }]]);
      const replaced = await put('id=eq.50&select=id,note', { ...body, note: 'again' });
      expect([replaced.status, await replaced.json()]).toEqual([200, [{ id: 50, note: 'again' }]]);
      expect((await (await put('id=eq.51', body)).json()).code).toBe('PGRST115');
      expect((await (await put('note=eq.x', body)).json()).code).toBe('PGRST105');
      expect((await (await put('id=eq.50&limit=1', body)).json()).code).toBe('PGRST114');
    });

    it('updates and deletes with filters; max-affected refuses (and rolls back) a larger change', async () => {
      const updated = await db.from('trips').update({ status: 'booked' }).in('name', ['A1', 'A2']).select('name, status');
      expect(updated).toMatchObject({ status: 200, data: [{ name: 'A1', status: 'booked' }, { name: 'A2', status: 'booked' }] });
      const none = await db.from('trips').update({ status: 'booked' }).eq('name', 'nobody');
      expect(none).toMatchObject({ status: 204, error: null });
      const tooMany = await db.from('trips').update({ status: 'canceled' }).eq('status', 'booked').maxAffected(1);
      expect(tooMany).toMatchObject({ status: 400, error: { code: 'PGRST124', details: 'The query affects 2 rows' } });
      expect((await db.from('trips').select('name').eq('status', 'canceled')).data).toEqual([]);
      const deleted = await db.from('trips').delete().eq('name', 'A2').select('name');
      expect(deleted).toMatchObject({ status: 200, data: [{ name: 'A2' }] });
      const gone = await db.from('trips').delete({ count: 'exact' }).eq('name', 'A2');
      expect(gone).toMatchObject({ status: 204, count: 0 });
    });

    it('tx=rollback answers with the result and keeps nothing', async () => {
      const res = await db.from('trips').insert(trip('Ghost')).select('name').rollback();
      expect(res).toMatchObject({ status: 201, data: [{ name: 'Ghost' }] });
      expect((await db.from('trips').select('name').eq('name', 'Ghost')).data).toEqual([]);
    });

    it('rpc by POST with named arguments and defaults, by GET, table-returning with filters, void', async () => {
      expect(await db.rpc('rest_test_add', { a: 2, b: 40 })).toMatchObject({ status: 200, data: 42 });
      expect(await db.rpc('rest_test_add', { a: 2 })).toMatchObject({ data: 3 });
      expect(await db.rpc('rest_test_add', { a: 5 }, { get: true })).toMatchObject({ status: 200, data: 6 });
      const rows = await db.rpc('rest_test_trips_under', { max_budget: 1000 }).select('name, budget').lt('budget', 600).order('name');
      expect((rows.data as { name: string }[]).map((r) => r.name)).toEqual(['A1', 'Minimal']);
      const counted = await db.rpc('rest_test_trips_under', { max_budget: 1000 }, { count: 'exact', head: true });
      expect(counted).toMatchObject({ status: 200, count: 2 });
      const renamed = await db.rpc('rest_test_rename', { trip: await tripId('Porto'), new_name: 'Porto!' });
      expect(renamed).toMatchObject({ status: 204, data: null, error: null });
      expect(await tripId('Porto!')).toEqual(expect.any(Number));
      const missing = await db.rpc('rest_test_add', { z: 1 });
      expect(missing).toMatchObject({ status: 404, error: { code: 'PGRST202', message: 'Could not find the function public.rest_test_add(z) in the schema cache' } });
    });

    it('sets request.method, request.path, request.headers and the claims; honours response.status and response.headers', async () => {
      const { data } = await db.rpc('rest_test_request', {}, { get: true });
      expect(data).toEqual({ method: 'GET', path: '/rest/v1/rpc/rest_test_request', client: expect.stringMatching(/^supabase-js/), role: 'authenticated', sub: alice.id });
      const res = await raw('/rpc/rest_test_teapot', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(418);
      expect(res.headers.get('x-brewed')).toBe('yes');
      expect(await res.json()).toBe('short and stout');
    });

    it("answers errors in PostgREST's shape, codes and statuses", async () => {
      const dup = await db.from('rest_test_links').insert({ id: 41, from_trip: await tripId('Minimal'), to_trip: await tripId('Minimal') });
      // PostgreSQL leaves the key out of DETAIL on a table with row-level security.
      expect(dup).toMatchObject({ status: 409, error: { code: '23505', message: 'duplicate key value violates unique constraint "rest_test_links_pkey"', details: null } });
      expect(await db.from('trips').insert(trip('Cheap', -1))).toMatchObject({ status: 400, error: { code: '23514' } });
      expect(await db.from('trips').select('id').eq('id', 'not-a-number')).toMatchObject({ status: 400, error: { code: '22P02' } });
      expect(await db.from('trips').insert({ ...trip('X'), nope: 1 })).toMatchObject({ status: 400, error: { code: 'PGRST204', message: "Could not find the 'nope' column of 'trips' in the schema cache" } });
      expect(await db.from('nope').select()).toMatchObject({ status: 404, error: { code: 'PGRST205', message: "Could not find the table 'public.nope' in the schema cache" } });
      expect(await db.from('trips').select('name').filter('name', 'huh' as never, 'x')).toMatchObject({ status: 400, error: { code: 'PGRST100' } });
      expect(await db.from('trips').select('nope')).toMatchObject({ status: 400, error: { code: '42703', message: 'column trips.nope does not exist' } });
      expect(await db.schema('tripsage').from('job_runs').select()).toMatchObject({ status: 406, error: { code: 'PGRST106' } });
      const anon = server.client();
      expect(await anon.from('trips').select()).toMatchObject({ status: 401, error: { code: '42501' } });
      expect(await db.from('table_sizes').select()).toMatchObject({ status: 403, error: { code: '42501' } });
      const bad = await fetch(`${server.url}/rest/v1/trips`, { headers: { apikey: server.anonKey, authorization: 'Bearer not-a-jwt' } });
      expect(bad.status).toBe(401);
      expect(await bad.json()).toMatchObject({ code: 'PGRST301' });
      const head = await raw('/trips?select=nope', { method: 'HEAD' });
      expect([head.status, await head.text()]).toEqual([400, '']);
      const path = await raw('/trips/1');
      expect([path.status, (await path.json()).code]).toEqual([404, 'PGRST125']);
    });

    it('lets a browser app send and read the headers supabase-js uses (CORS)', async () => {
      const res = await fetch(`${server.url}/rest/v1/trips`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://app.example',
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'apikey, authorization, x-client-info, prefer, range, accept-profile, content-profile, content-type',
        },
      });
      expect(res.status).toBe(204);
      const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase();
      for (const h of ['apikey', 'x-client-info', 'prefer', 'range', 'accept-profile', 'content-profile']) expect(allowed).toContain(h);
      const get = await raw('/trips?select=id', { headers: { origin: 'http://app.example', prefer: 'count=exact' } });
      expect(get.headers.get('access-control-expose-headers')).toContain('content-range');
    });
  });
}
