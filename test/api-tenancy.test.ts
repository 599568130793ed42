/**
 * Tenancy through the HTTP API: user B against everything user A owns, on every route. Another
 * user's row is indistinguishable from a missing one: always 404 (never 403, never data), B's
 * lists and counts never include A's rows, B cannot create under A's trip or session, and after
 * every attempt A's rows are exactly as they were (checked as the superuser).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

type Json = Record<string, unknown>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const ENV = { TRIPSAGE_ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 9).toString('base64')}` };
const SECRET = { A: 'sk-tenant-a-secret-value-7Q2Z', B: 'sk-tenant-b-secret-value-4K9W' };

/** What A owns (ids), filled in beforeAll. */
interface Owned {
  who: 'A' | 'B';
  trip: number;
  session: string;
  [k: string]: number | string;
}

interface RouteSpec {
  name: string;
  table: string;
  /** Key in Owned of A's row. */
  key: string;
  /** The collection, given whose trip / session it is under. */
  collection(o: Owned): string;
  create(o: Owned): Json;
  patch?: Json;
  methods: ReadonlyArray<'GET' | 'PATCH' | 'DELETE'>;
  /** Under a trip or a session (the parent in the path). */
  parent?: 'trip' | 'session';
}

const ITEM = ['GET', 'PATCH', 'DELETE'] as const;
const tripBody = (o: Owned) => ({ name: `${o.who} secret trip`, start_date: '2026-05-01', end_date: '2026-05-08', destination: 'Lisbon', budget: '1000.10' });

const ROUTES: RouteSpec[] = [
  { name: 'trip', table: 'trips', key: 'trip', collection: () => '/api/v1/trips', create: tripBody, patch: { name: 'hijacked', budget: 1 }, methods: ITEM },
  {
    name: 'flight', table: 'flights', key: 'flight', parent: 'trip', methods: ITEM, patch: { price: 0 },
    collection: (o) => `/api/v1/trips/${o.trip}/flights`,
    create: () => ({ origin: 'JFK', destination: 'LIS', departure_time: '2026-05-01T09:00:00Z', arrival_time: '2026-05-01T20:00:00Z', price: '612.30' }),
  },
  {
    name: 'accommodation', table: 'accommodations', key: 'accommodation', parent: 'trip', methods: ITEM, patch: { name: 'hijacked' },
    collection: (o) => `/api/v1/trips/${o.trip}/accommodations`,
    create: () => ({ name: 'Casa', type: 'hotel', check_in_date: '2026-05-01', check_out_date: '2026-05-08', price_per_night: '120.00', total_price: '840.00', location: 'Alfama' }),
  },
  {
    name: 'transportation', table: 'transportation', key: 'transportation', parent: 'trip', methods: ITEM, patch: { status: 'canceled' },
    collection: (o) => `/api/v1/trips/${o.trip}/transportation`,
    create: () => ({ type: 'train', origin: 'Lisbon', destination: 'Sintra', departure_time: '2026-05-03T08:00:00Z', arrival_time: '2026-05-03T08:40:00Z', price: '2.35' }),
  },
  {
    name: 'itinerary item', table: 'itinerary_items', key: 'itinerary_item', parent: 'trip', methods: ITEM, patch: { title: 'hijacked' },
    collection: (o) => `/api/v1/trips/${o.trip}/itinerary-items`,
    create: () => ({ day_number: 1, start_time: '09:00', end_time: '11:00', title: 'Castle' }),
  },
  {
    name: 'note', table: 'trip_notes', key: 'note', parent: 'trip', methods: ITEM, patch: { content: 'hijacked' },
    collection: (o) => `/api/v1/trips/${o.trip}/notes`,
    create: (o) => ({ title: 'Private', content: `${o.who} door code 1234` }),
  },
  {
    name: 'saved option', table: 'saved_options', key: 'saved_option', parent: 'trip', methods: ITEM, patch: { is_selected: true },
    collection: (o) => `/api/v1/trips/${o.trip}/saved-options`,
    create: () => ({ option_type: 'hotel', option_data: { name: 'Casa' } }),
  },
  {
    name: 'trip comparison', table: 'trip_comparisons', key: 'comparison', methods: ITEM, patch: { title: 'hijacked' },
    collection: () => '/api/v1/trip-comparisons',
    create: (o) => ({ title: 'Mine', trip_ids: [o.trip] }),
  },
  {
    name: 'chat session', table: 'chat_sessions', key: 'session', methods: ITEM, patch: { title: 'hijacked', is_active: false },
    collection: () => '/api/v1/chat/sessions',
    create: (o) => ({ title: `${o.who} private chat` }),
  },
  {
    name: 'chat message', table: 'chat_messages', key: 'message', parent: 'session', methods: [],
    collection: (o) => `/api/v1/chat/sessions/${o.session}/messages`,
    create: (o) => ({ role: 'user', content: `${o.who}: my passport number is X123` }),
  },
  {
    name: 'search', table: 'search_history', key: 'search', methods: ['DELETE'],
    collection: () => '/api/v1/search-history',
    create: () => ({ search_type: 'flight', search_params: { to: 'LIS' } }),
  },
  {
    name: 'api key', table: 'api_keys', key: 'api_key', methods: ITEM, patch: { key_name: 'hijacked', value: 'attacker-value' },
    collection: () => '/api/v1/api-keys',
    create: (o) => ({ service_name: 'openai', key_name: 'main', value: SECRET[o.who] }),
  },
];

/** Texts of A's that must never reach B. */
const A_TEXTS = ['A secret trip', 'A door code 1234', 'A private chat', 'A: my passport number is X123', SECRET.A, SECRET.A.slice(-4)];

describeEachBackend('API tenancy', (ctx) => {
  let t: TestApp;
  let a: TestUser;
  let b: TestUser;
  const A = { who: 'A' } as Owned;
  const B = { who: 'B' } as Owned;
  const before = new Map<string, string>();
  const childCounts = async () =>
    (
      await ctx.db.query<{ counts: string }>(
        `SELECT jsonb_build_object(
           'flights', (SELECT count(*) FROM public.flights WHERE trip_id = $1),
           'accommodations', (SELECT count(*) FROM public.accommodations WHERE trip_id = $1),
           'transportation', (SELECT count(*) FROM public.transportation WHERE trip_id = $1),
           'itinerary_items', (SELECT count(*) FROM public.itinerary_items WHERE trip_id = $1),
           'trip_notes', (SELECT count(*) FROM public.trip_notes WHERE trip_id = $1),
           'saved_options', (SELECT count(*) FROM public.saved_options WHERE trip_id = $1),
           'chat_messages', (SELECT count(*) FROM public.chat_messages WHERE session_id = $2),
           'trips', (SELECT count(*) FROM public.trips WHERE user_id = $3),
           'trip_comparisons', (SELECT count(*) FROM public.trip_comparisons WHERE user_id = $3),
           'chat_sessions', (SELECT count(*) FROM public.chat_sessions WHERE user_id = $3),
           'search_history', (SELECT count(*) FROM public.search_history WHERE user_id = $3),
           'api_keys', (SELECT count(*) FROM public.api_keys WHERE user_id = $3))::text AS counts`,
        [A.trip, A.session, a.id],
      )
    ).rows[0]!.counts;
  let countsBefore = '';

  const snapshot = async (r: RouteSpec): Promise<string | undefined> =>
    (await ctx.db.query<{ j: string }>(`SELECT to_jsonb(x)::text AS j FROM public.${r.table} x WHERE id = $1`, [A[r.key]])).rows[0]?.j;

  async function call(u: TestUser, method: Method, url: string, body?: unknown) {
    const r = await t.app.inject({
      method,
      url,
      headers: { ...u.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    return { status: r.statusCode, text: r.body, json: () => JSON.parse(r.body) as unknown };
  }

  /** B's attempt: exactly 404 not_found, and nothing of A's in the answer. */
  async function expectHidden(method: Method, url: string, body?: unknown) {
    const r = await call(b, method, url, body);
    expect(r.status, `${method} ${url}: ${r.text}`).toBe(404);
    expect((r.json() as Json).code).toBe('not_found');
    for (const text of [...A_TEXTS, a.id]) expect(r.text).not.toContain(text);
  }

  async function create(u: TestUser, o: Owned, r: RouteSpec): Promise<number | string> {
    const res = await call(u, 'POST', r.collection(o), r.create(o));
    expect(res.status, `${r.name}: ${res.text}`).toBe(201);
    return (res.json() as Json).id as number | string;
  }

  beforeAll(async () => {
    t = await buildTestApp(ctx.db, ENV);
    a = await makeUser(t, ctx.db);
    b = await makeUser(t, ctx.db);
    for (const [u, o] of [[a, A], [b, B]] as const) {
      o.trip = (await create(u, o, ROUTES[0]!)) as number;
      o.session = (await create(u, o, ROUTES.find((r) => r.key === 'session')!)) as string;
      for (const r of ROUTES) if (r.key !== 'trip' && r.key !== 'session') o[r.key] = await create(u, o, r);
    }
    for (const r of ROUTES) before.set(r.key, (await snapshot(r))!);
    countsBefore = await childCounts();
  });
  afterAll(async () => {
    await t?.app.close();
  });

  for (const r of ROUTES) {
    describe(r.name, () => {
      if (r.methods.length) {
        it(`B: ${r.methods.join(' / ')} of A's ${r.name} → 404`, async () => {
          const url = `${r.collection(A)}/${A[r.key]}`;
          for (const m of r.methods) await expectHidden(m, url, m === 'PATCH' ? r.patch : undefined);
        });
      }

      if (r.parent === 'trip' && r.methods.length) {
        it(`B: A's ${r.name} through B's own trip in the path → 404`, async () => {
          const url = `${r.collection(B)}/${A[r.key]}`;
          for (const m of r.methods) await expectHidden(m, url, m === 'PATCH' ? r.patch : undefined);
        });
      }

      if (r.parent) {
        it(`B: list or create under A's ${r.parent} → 404`, async () => {
          await expectHidden('GET', r.collection(A));
          await expectHidden('GET', `${r.collection(A)}?limit=1000`);
          await expectHidden('POST', r.collection(A), r.create(B));
        });
      }

      it(`B's list never contains A's ${r.name}s, and B's count is B's own`, async () => {
        const res = await call(b, 'GET', `${r.collection(B)}?limit=1000`);
        expect(res.status, res.text).toBe(200);
        const rows = res.json() as Json[];
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.map((x) => x.id)).not.toContain(A[r.key]);
        expect(rows.map((x) => x.id)).toContain(B[r.key]);
        for (const row of rows) if ('user_id' in row) expect(row.user_id).toBe(b.id);
        for (const text of [...A_TEXTS, a.id]) expect(res.text).not.toContain(text);
        const counted = await t.app.inject({ method: 'GET', url: r.collection(B), headers: { ...b.headers, prefer: 'count=exact' } });
        expect(counted.headers['content-range']).toBe(`0-${rows.length - 1}/${rows.length}`);
      });
    });
  }

  describe('more attempts', () => {
    it("B cannot compare A's trips or refresh A's comparison", async () => {
      await expectHidden('POST', '/api/v1/trip-comparisons', { title: 'peek', trip_ids: [A.trip] });
      await expectHidden('POST', '/api/v1/trip-comparisons', { title: 'peek', trip_ids: [B.trip, A.trip] });
      await expectHidden('POST', `/api/v1/trip-comparisons/${A.comparison}/refresh`);
    });

    it("B cannot move its rows under A's trip or session (the parent is never a body field)", async () => {
      const moveFlight = await call(b, 'PATCH', `/api/v1/trips/${B.trip}/flights/${B.flight}`, { trip_id: A.trip });
      expect(moveFlight.status).toBe(400);
      const forged = await call(b, 'POST', `/api/v1/trips/${B.trip}/notes`, { title: 't', content: 'c', user_id: a.id });
      expect(forged.status).toBe(400);
      const forgedTrip = await call(b, 'POST', '/api/v1/trips', { ...tripBody(B), user_id: a.id });
      expect(forgedTrip.status).toBe(400);
    });

    it('filters and ordering never widen what B sees', async () => {
      for (const q of ['status=planning', 'from=2000-01-01&to=2100-01-01', 'order=budget.desc', 'offset=0&limit=1000']) {
        const res = await call(b, 'GET', `/api/v1/trips?${q}`);
        expect(res.status).toBe(200);
        expect((res.json() as Json[]).map((x) => x.id)).toEqual([B.trip]);
      }
      const inactive = await call(b, 'GET', '/api/v1/chat/sessions?is_active=true');
      expect((inactive.json() as Json[]).map((x) => x.id)).toEqual([B.session]);
      const keys = await call(b, 'GET', '/api/v1/api-keys?service_name=openai');
      expect((keys.json() as Json[]).map((x) => x.id)).toEqual([B.api_key]);
      const searches = await call(b, 'GET', '/api/v1/search-history?search_type=flight');
      expect((searches.json() as Json[]).map((x) => x.id)).toEqual([B.search]);
    });

    it("after every attempt, A's rows are unchanged (as the superuser) and A still sees them", async () => {
      for (const r of ROUTES) expect(await snapshot(r), r.name).toBe(before.get(r.key));
      expect(await childCounts()).toBe(countsBefore);
      for (const r of ROUTES) {
        const list = await call(a, 'GET', `${r.collection(A)}?limit=1000`);
        expect(list.status).toBe(200);
        expect((list.json() as Json[]).map((x) => x.id), r.name).toContain(A[r.key]);
        if (r.methods.includes('GET')) expect((await call(a, 'GET', `${r.collection(A)}/${A[r.key]}`)).status).toBe(200);
      }
      // The key still decrypts to A's value under A's binding (B's PATCH did not re-key it).
      const k = await call(a, 'GET', `/api/v1/api-keys/${A.api_key}`);
      expect(k.json()).toMatchObject({ key_name: 'main', key_hint: SECRET.A.slice(-4) });
    });
  });
});
