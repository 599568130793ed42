/**
 * The HTTP API, route by route, over both backends: every route's success case, its validation
 * errors and its 404, then the cross-cutting conventions (paging, ordering, filters, error
 * mapping, request ids, security headers, body limit, OpenAPI, health). Tenancy (another user's
 * rows) is in api-tenancy.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecret, loadKeyRing } from '../src/keys/crypto.ts';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

/** A fixed key ring, so no test writes a generated one into the working directory. */
const TEST_ENV = { TRIPSAGE_ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 7).toString('base64')}` };

type Json = Record<string, unknown>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface Res {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: unknown;
  text: string;
}

const SNAKE = /^[a-z][a-z0-9_]*$/;
const ERROR_KEYS = ['code', 'details', 'hint', 'message', 'request_id'];
const BAD_IDS = ['abc', '-1', '99999999999999999999'];
const MISSING_BIGINT = 987_654_321;

async function call(t: TestApp, method: Method, url: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Res> {
  const r = await t.app.inject({
    method,
    url,
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    ...(opts.body !== undefined ? { payload: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
  });
  let body: unknown = undefined;
  if (r.body) {
    try {
      body = JSON.parse(r.body);
    } catch {
      body = r.body;
    }
  }
  return { status: r.statusCode, headers: r.headers, body, text: r.body };
}

/** The error body's shape, and its request id matching the response header. */
function expectError(r: Res, status: number, code?: string): Json {
  expect(r.status, r.text).toBe(status);
  expect(String(r.headers['content-type'])).toMatch(/^application\/json/);
  const b = r.body as Json;
  expect(Object.keys(b).sort()).toEqual(ERROR_KEYS);
  expect(typeof b.message).toBe('string');
  expect(b.request_id).toBe(r.headers['x-request-id']);
  if (code) expect(b.code).toBe(code);
  return b;
}

/** A 400 from request validation: names the field in the message and in the details array. */
function expectInvalid(r: Res, field: string): Json {
  const b = expectError(r, 400);
  expect(b.message).toContain(field);
  expect(typeof b.hint).toBe('string');
  if (b.code === 'invalid_request') {
    expect(Array.isArray(b.details)).toBe(true);
    expect(JSON.stringify(b.details)).toContain(field);
  }
  return b;
}

function expectSnakeCase(row: Json): void {
  for (const k of Object.keys(row)) expect(k).toMatch(SNAKE);
}

// ------------------------------------------------------------------------------------------------
// The resources, described once: each gets the same battery of tests.

interface ResourceSpec {
  name: string;
  /** Collection URL (depends on the world: a trip id, a session id). */
  collection(w: World): string;
  /** A valid body (a function when it refers to the world's rows). */
  create: Json | ((w: World) => Json);
  /** What the created row must contain (defaults to `create`). NUMERIC values are exact strings. */
  expected?: Json;
  patch?: Json;
  /** A body with one bad field, and that field's name. */
  invalid: { body: Json; field: string };
  /** A string field, for the NUL-byte case. */
  textField: string;
  idKind: 'bigint' | 'uuid';
  has: { get: boolean; patch: boolean; delete: boolean };
  /** Parent in the path (trip_id / session_id), to test a bad and a missing parent. */
  parent?: 'trip' | 'session';
  /** Fields reads add to the written row (a trip's list and get say the caller's role). */
  onRead?: Json;
}

interface World {
  trip: number;
  session: string;
}

const all = { get: true, patch: true, delete: true };
const tripBody = (over: Json = {}): Json => ({
  name: 'Lisbon spring',
  start_date: '2026-05-01',
  end_date: '2026-05-08',
  destination: 'Lisbon',
  budget: '1000.10',
  ...over,
});

const RESOURCES: ResourceSpec[] = [
  {
    name: 'trips',
    onRead: { role: 'owner' },
    collection: () => '/api/v1/trips',
    create: tripBody({ travelers: 2, trip_type: 'family', flexibility: { days: 2 }, description: 'first' }),
    expected: { budget: '1000.10', travelers: 2, status: 'planning', trip_type: 'family', flexibility: { days: 2 } },
    patch: { name: 'Lisbon in May', budget: 2500.5 },
    invalid: { body: tripBody({ budget: -5 }), field: 'budget' },
    textField: 'name',
    idKind: 'bigint',
    has: all,
  },
  {
    name: 'flights',
    collection: (w) => `/api/v1/trips/${w.trip}/flights`,
    create: { origin: 'JFK', destination: 'LIS', airline: 'TAP', departure_time: '2026-05-01T09:30:00Z', arrival_time: '2026-05-01T21:00:00+02:00', price: '612.30' },
    expected: { origin: 'JFK', destination: 'LIS', airline: 'TAP', price: '612.30', booking_status: 'saved', segment_number: null },
    patch: { booking_status: 'booked', price: '599.99' },
    invalid: { body: { origin: 'JFK', destination: 'LIS', departure_time: 'tomorrow', arrival_time: '2026-05-01T21:00:00Z', price: 1 }, field: 'departure_time' },
    textField: 'origin',
    idKind: 'bigint',
    has: all,
    parent: 'trip',
  },
  {
    name: 'accommodations',
    collection: (w) => `/api/v1/trips/${w.trip}/accommodations`,
    create: {
      name: 'Casa Azul', type: 'hotel', check_in_date: '2026-05-01', check_out_date: '2026-05-08', price_per_night: '120.00',
      total_price: '840.00', location: 'Alfama', rating: '4.50', amenities: { wifi: true, breakfast: 'included' },
    },
    expected: { price_per_night: '120.00', total_price: '840.00', rating: '4.50', amenities: { wifi: true, breakfast: 'included' }, booking_status: 'saved' },
    patch: { rating: 4.8, neighborhood: 'Alfama' },
    invalid: {
      body: { name: 'X', type: 'hotel', check_in_date: '2026-02-30', check_out_date: '2026-03-02', price_per_night: 1, total_price: 2, location: 'L' },
      field: 'check_in_date',
    },
    textField: 'location',
    idKind: 'bigint',
    has: all,
    parent: 'trip',
  },
  {
    name: 'transportation',
    collection: (w) => `/api/v1/trips/${w.trip}/transportation`,
    create: { type: 'train', origin: 'Lisbon', destination: 'Sintra', departure_time: '2026-05-03T08:00:00Z', arrival_time: '2026-05-03T08:40:00Z', price: '2.35' },
    expected: { type: 'train', price: '2.35', status: 'planned', provider_name: null },
    patch: { status: 'booked', provider_name: 'CP' },
    invalid: { body: { type: 'train', origin: 'A', destination: 'B', departure_time: '2026-05-03T08:00:00Z', arrival_time: '2026-05-03T08:40:00Z', price: 1e300 }, field: 'price' },
    textField: 'destination',
    idKind: 'bigint',
    has: all,
    parent: 'trip',
  },
  {
    name: 'itinerary items',
    collection: (w) => `/api/v1/trips/${w.trip}/itinerary-items`,
    create: { day_number: 1, start_time: '09:00', end_time: '11:30', title: 'Castle', cost: '15.00', priority: 2 },
    expected: { day_number: 1, start_time: '09:00:00', end_time: '11:30:00', title: 'Castle', cost: '15.00', priority: 2 },
    patch: { title: 'São Jorge castle', end_time: '12:00' },
    invalid: { body: { day_number: 0, start_time: '09:00', end_time: '10:00', title: 'T' }, field: 'day_number' },
    textField: 'title',
    idKind: 'bigint',
    has: all,
    parent: 'trip',
  },
  {
    name: 'notes',
    collection: (w) => `/api/v1/trips/${w.trip}/notes`,
    create: { title: 'Packing', content: 'sunscreen, adapter' },
    patch: { content: 'sunscreen, adapter, hat' },
    invalid: { body: { title: '', content: 'x' }, field: 'title' },
    textField: 'content',
    idKind: 'bigint',
    has: all,
    parent: 'trip',
  },
  {
    name: 'saved options',
    collection: (w) => `/api/v1/trips/${w.trip}/saved-options`,
    create: { option_type: 'flight', option_data: { price: '612.30', carrier: 'TAP' } },
    expected: { option_type: 'flight', option_data: { price: '612.30', carrier: 'TAP' }, is_selected: false },
    patch: { is_selected: true },
    invalid: { body: { option_type: 'flight', option_data: {}, is_selected: 'yes' }, field: 'is_selected' },
    textField: 'option_type',
    idKind: 'bigint',
    has: all,
    parent: 'trip',
  },
  {
    name: 'trip comparisons',
    collection: () => '/api/v1/trip-comparisons',
    create: (w) => ({ title: 'Lisbon vs Porto', trip_ids: [w.trip] }),
    expected: { title: 'Lisbon vs Porto', description: null, comparison_data: expect.objectContaining({ trips: [expect.objectContaining({ budget: '1000.10' })] }) },
    patch: { description: 'Porto wins on price' },
    invalid: { body: { title: 'x'.repeat(501), trip_ids: [1] }, field: 'title' },
    textField: 'title',
    idKind: 'bigint',
    has: all,
  },
  {
    name: 'chat sessions',
    collection: () => '/api/v1/chat/sessions',
    create: { title: 'Planning Lisbon', context_data: { trip: 'lisbon' } },
    expected: { title: 'Planning Lisbon', context_data: { trip: 'lisbon' }, is_active: true, last_message_at: null },
    patch: { is_active: false },
    invalid: { body: { context_data: [1, 2] }, field: 'context_data' },
    textField: 'title',
    idKind: 'uuid',
    has: all,
  },
  {
    name: 'chat messages',
    collection: (w) => `/api/v1/chat/sessions/${w.session}/messages`,
    create: { role: 'user', content: 'Where should I stay?', metadata: { lang: 'en' } },
    invalid: { body: { role: 'robot', content: 'hi' }, field: 'role' },
    textField: 'content',
    idKind: 'uuid',
    has: { get: false, patch: false, delete: false },
    parent: 'session',
  },
  {
    name: 'search history',
    collection: () => '/api/v1/search-history',
    create: { search_type: 'flight', search_params: { from: 'JFK', to: 'LIS' }, results_count: 42 },
    invalid: { body: { search_type: 'spaceship', search_params: {} }, field: 'search_type' },
    textField: 'search_params',
    idKind: 'bigint',
    has: { get: false, patch: false, delete: true },
  },
];

function missingId(spec: ResourceSpec): string {
  return spec.idKind === 'uuid' ? randomUUID() : String(MISSING_BIGINT);
}

/** The collection URL with its parent id replaced (bad or missing parent). */
function withParent(spec: ResourceSpec, w: World, parentId: string): string {
  return spec.parent === 'trip' ? spec.collection({ ...w, trip: parentId as unknown as number }) : spec.collection({ ...w, session: parentId });
}

function createOf(spec: ResourceSpec, w: World): Json {
  return typeof spec.create === 'function' ? spec.create(w) : spec.create;
}

function nulBody(spec: ResourceSpec, w: World): Json {
  const body = createOf(spec, w);
  const v = body[spec.textField];
  return { ...body, [spec.textField]: typeof v === 'string' ? `bad\u0000text` : { nested: 'bad\u0000text' } };
}

describeEachBackend('HTTP API', (ctx) => {
  let t: TestApp;
  let a: TestUser;
  const w = {} as World;

  const as = (u: TestUser) => ({
    get: (url: string, headers: Record<string, string> = {}) => call(t, 'GET', url, { headers: { ...u.headers, ...headers } }),
    post: (url: string, body: unknown) => call(t, 'POST', url, { body, headers: u.headers }),
    patch: (url: string, body: unknown) => call(t, 'PATCH', url, { body, headers: u.headers }),
    del: (url: string) => call(t, 'DELETE', url, { headers: u.headers }),
  });

  beforeAll(async () => {
    t = await buildTestApp(ctx.db, TEST_ENV);
    a = await makeUser(t, ctx.db);
    const trip = await as(a).post('/api/v1/trips', tripBody({ name: 'World trip' }));
    expect(trip.status, trip.text).toBe(201);
    w.trip = (trip.body as Json).id as number;
    const session = await as(a).post('/api/v1/chat/sessions', {});
    expect(session.status, session.text).toBe(201);
    w.session = (session.body as Json).id as string;
  });
  afterAll(async () => {
    await t?.app.close();
  });

  for (const spec of RESOURCES) {
    describe(spec.name, () => {
      let created: Json;
      const itemUrl = (id: unknown = created.id) => `${spec.collection(w)}/${id}`;

      it('POST creates (201): snake_case fields, NUMERIC as exact strings', async () => {
        const r = await as(a).post(spec.collection(w), createOf(spec, w));
        expect(r.status, r.text).toBe(201);
        created = r.body as Json;
        expectSnakeCase(created);
        expect(created).toMatchObject(spec.expected ?? createOf(spec, w));
        expect(created.id).toEqual(spec.idKind === 'uuid' ? expect.stringMatching(/^[0-9a-f-]{36}$/) : expect.any(Number));
        expect(Date.parse(created.created_at as string)).not.toBeNaN();
      });

      it('GET lists it (200, array)', async () => {
        const r = await as(a).get(spec.collection(w));
        expect(r.status, r.text).toBe(200);
        expect(Array.isArray(r.body)).toBe(true);
        const found = (r.body as Json[]).find((x) => x.id === created.id);
        expect(found).toEqual({ ...created, ...spec.onRead });
      });

      if (spec.has.get) {
        it('GET /{id} returns it; a missing id is a JSON 404', async () => {
          const r = await as(a).get(itemUrl());
          expect(r.status, r.text).toBe(200);
          expect(r.body).toEqual({ ...created, ...spec.onRead });
          expectError(await as(a).get(itemUrl(missingId(spec))), 404, 'not_found');
        });
      }

      if (spec.has.patch && spec.patch) {
        it('PATCH updates (200) and returns the row; missing id → 404; empty / unknown field → 400', async () => {
          const r = await as(a).patch(itemUrl(), spec.patch);
          expect(r.status, r.text).toBe(200);
          const row = r.body as Json;
          expectSnakeCase(row);
          for (const [k, v] of Object.entries(spec.patch!)) {
            if (typeof v === 'number' && typeof row[k] === 'string') expect(row[k]).toBe(String(v));
            else if (/^\d\d:\d\d$/.test(String(v))) expect(row[k]).toBe(`${v}:00`);
            else expect(row[k]).toEqual(v);
          }
          expect(row.id).toBe(created.id);
          if ('updated_at' in row) expect(Date.parse(row.updated_at as string)).toBeGreaterThanOrEqual(Date.parse(created.updated_at as string));
          created = row;
          expectError(await as(a).patch(itemUrl(missingId(spec)), spec.patch), 404, 'not_found');
          expectError(await as(a).patch(itemUrl(), {}), 400, 'invalid_request');
          expectInvalid(await as(a).patch(itemUrl(), { bogus_field: 1 }), 'bogus_field');
          // The owner and the parent are never writable through the body.
          expectInvalid(await as(a).patch(itemUrl(), { id: 1 }), 'id');
          expectInvalid(await as(a).patch(itemUrl(), { user_id: randomUUID() }), 'user_id');
        });
      }

      it('POST validation: a bad field → 400 naming it (code, message, details[], hint, request_id)', async () => {
        const b = expectInvalid(await as(a).post(spec.collection(w), spec.invalid.body), spec.invalid.field);
        expect(b.code).toBe('invalid_request');
        expect(b.message).toMatch(/^invalid body: /);
        const details = b.details as Array<{ path: string; message: string }>;
        expect(details.some((d) => d.path === spec.invalid.field)).toBe(true);
      });

      it('POST validation: unknown field, NUL byte, non-JSON body, wrong content type → 400/415', async () => {
        expectInvalid(await as(a).post(spec.collection(w), { ...createOf(spec, w), surprise: true }), 'surprise');
        const nul = expectError(await as(a).post(spec.collection(w), nulBody(spec, w)), 400, 'invalid_text');
        expect(nul.message).toContain(spec.textField);
        expectError(await as(a).post(spec.collection(w), '{"oops":'), 400, 'invalid_json');
        expectError(await call(t, 'POST', spec.collection(w), { body: '<trip/>', headers: { ...a.headers, 'content-type': 'application/xml' } }), 415, 'unsupported_media_type');
      });

      it('bad ids in the path → 400', async () => {
        for (const bad of BAD_IDS) {
          const urls: Array<[Method, string]> = [];
          if (spec.has.get) urls.push(['GET', itemUrl(bad)]);
          if (spec.has.patch) urls.push(['PATCH', itemUrl(bad)]);
          if (spec.has.delete) urls.push(['DELETE', itemUrl(bad)]);
          if (spec.parent) urls.push(['GET', withParent(spec, w, bad)], ['POST', withParent(spec, w, bad)]);
          for (const [method, url] of urls) {
            const body = method === 'PATCH' ? spec.patch : method === 'POST' ? createOf(spec, w) : undefined;
            const r = await call(t, method, url, { body, headers: a.headers });
            const e = expectError(r, 400, 'invalid_request');
            expect(e.message, `${method} ${url}`).toMatch(/^invalid params: /);
          }
        }
      });

      if (spec.parent) {
        it(`a missing ${spec.parent} in the path → 404 (list and create)`, async () => {
          const missing = spec.parent === 'trip' ? String(MISSING_BIGINT) : randomUUID();
          expectError(await as(a).get(withParent(spec, w, missing)), 404, 'not_found');
          expectError(await as(a).post(withParent(spec, w, missing), createOf(spec, w)), 404, 'not_found');
        });
      }

      it('list query validation: limit, offset, unknown parameter, order', async () => {
        const base = spec.collection(w);
        expectInvalid(await as(a).get(`${base}?limit=0`), 'limit');
        expectInvalid(await as(a).get(`${base}?limit=1001`), 'limit');
        expectInvalid(await as(a).get(`${base}?offset=-1`), 'offset');
        expectInvalid(await as(a).get(`${base}?colour=red`), 'colour');
        expectError(await as(a).get(`${base}?order=encrypted_value.asc`), 400, 'invalid_order');
        const ok = await as(a).get(`${base}?order=created_at.desc,id.asc&limit=1000`);
        expect(ok.status, ok.text).toBe(200);
      });

      if (spec.has.delete) {
        it('DELETE → 204 with no body, then 404', async () => {
          const r = await as(a).del(itemUrl());
          expect(r.status, r.text).toBe(204);
          expect(r.text).toBe('');
          if (spec.has.get) expectError(await as(a).get(itemUrl()), 404, 'not_found');
          expectError(await as(a).del(itemUrl()), 404, 'not_found');
        });
      }
    });
  }

  describe('trips', () => {
    it('budget keeps its exact decimal text; numbers are accepted and returned as strings', async () => {
      const r1 = await as(a).post('/api/v1/trips', tripBody({ budget: '1000.10' }));
      expect((r1.body as Json).budget).toBe('1000.10');
      const r2 = await as(a).post('/api/v1/trips', tripBody({ budget: 0.1 }));
      expect((r2.body as Json).budget).toBe('0.1');
      const r3 = await as(a).post('/api/v1/trips', tripBody({ budget: '123456789012345.123456' }));
      expect((r3.body as Json).budget).toBe('123456789012345.123456');
      const got = await as(a).get(`/api/v1/trips/${(r3.body as Json).id}`);
      expect((got.body as Json).budget).toBe('123456789012345.123456');
    });

    it('impossible dates, enormous numbers and wrong types → 400 naming the field', async () => {
      expectInvalid(await as(a).post('/api/v1/trips', tripBody({ start_date: '2026-02-30' })), 'start_date');
      expectInvalid(await as(a).post('/api/v1/trips', tripBody({ end_date: '2026-13-01' })), 'end_date');
      expectInvalid(await as(a).post('/api/v1/trips', tripBody({ start_date: '2026-5-1' })), 'start_date');
      expectInvalid(await as(a).post('/api/v1/trips', tripBody({ budget: 1e300 })), 'budget');
      expectInvalid(await as(a).post('/api/v1/trips', tripBody({ budget: '1e3' })), 'budget');
      expectInvalid(await as(a).post('/api/v1/trips', tripBody({ budget: 'NaN' })), 'budget');
      expectInvalid(await as(a).post('/api/v1/trips', tripBody({ travelers: 99_999_999_999 })), 'travelers');
      // 1e400 parses to Infinity: still a 400 naming the field, never a 500.
      const huge = JSON.stringify(tripBody()).replace('"1000.10"', '1e400');
      expectInvalid(await call(t, 'POST', '/api/v1/trips', { body: huge, headers: a.headers }), 'budget');
      const hugeTravelers = JSON.stringify(tripBody()).replace('}', ',"travelers":1e400}');
      expectInvalid(await call(t, 'POST', '/api/v1/trips', { body: hugeTravelers, headers: a.headers }), 'travelers');
      expectInvalid(await as(a).post('/api/v1/trips', tripBody({ travelers: 1.5 })), 'travelers');
      expectInvalid(await as(a).post('/api/v1/trips', tripBody({ status: 'dreaming' })), 'status');
      expectInvalid(await as(a).post('/api/v1/trips', tripBody({ flexibility: 'loose' })), 'flexibility');
      const missing = expectInvalid(await as(a).post('/api/v1/trips', { name: 'x' }), 'destination');
      expect(missing.message).toContain('start_date');
      expectInvalid(await as(a).post('/api/v1/trips', tripBody({ user_id: randomUUID() })), 'user_id');
    });

    it('a check-constraint violation → 400 naming the constraint (end_date before start_date)', async () => {
      const b = expectError(await as(a).post('/api/v1/trips', tripBody({ start_date: '2026-05-08', end_date: '2026-05-01' })), 400, '23514');
      expect(`${b.message} ${JSON.stringify(b.details)}`).toContain('trips_date_check');
      expect(b.hint).toContain('end_date');
      // The same through PATCH, and a budget of zero (trips_budget_check).
      const b2 = expectError(await as(a).patch(`/api/v1/trips/${w.trip}`, { end_date: '2020-01-01' }), 400, '23514');
      expect(b2.message).toContain('trips_date_check');
      const b3 = expectError(await as(a).post('/api/v1/trips', tripBody({ budget: 0 })), 400, '23514');
      expect(b3.message).toContain('trips_budget_check');
    });

    it('filters: status, and the from / to date range (overlap)', async () => {
      const u = await makeUser(t, ctx.db);
      const mk = async (name: string, start: string, end: string, status?: string) => {
        const r = await as(u).post('/api/v1/trips', tripBody({ name, start_date: start, end_date: end, ...(status ? { status } : {}) }));
        expect(r.status, r.text).toBe(201);
      };
      await mk('march', '2026-03-01', '2026-03-10', 'completed');
      await mk('may', '2026-05-01', '2026-05-08', 'booked');
      await mk('july', '2026-07-01', '2026-07-20');
      const names = async (q: string) => ((await as(u).get(`/api/v1/trips?${q}`)).body as Json[]).map((x) => x.name);
      expect(await names('status=booked')).toEqual(['may']);
      expect(await names('status=planning')).toEqual(['july']);
      expect(await names('from=2026-05-05')).toEqual(['may', 'july']);
      expect(await names('to=2026-05-01')).toEqual(['march', 'may']);
      expect(await names('from=2026-03-10&to=2026-05-01')).toEqual(['march', 'may']);
      expect(await names('from=2026-06-01&status=booked')).toEqual([]);
      expectInvalid(await as(u).get('/api/v1/trips?status=dreaming'), 'status');
      expectInvalid(await as(u).get('/api/v1/trips?from=2026-02-30'), 'from');
    });

    it('paging with limit / offset and Prefer: count=exact → Content-Range; order by an allowed column', async () => {
      const u = await makeUser(t, ctx.db);
      for (const [name, budget] of [['a', '300'], ['b', '100'], ['c', '200']] as const) {
        await as(u).post('/api/v1/trips', tripBody({ name, budget }));
      }
      const count = { prefer: 'count=exact' };
      const p1 = await as(u).get('/api/v1/trips?order=budget.desc&limit=2', count);
      expect(p1.status).toBe(200);
      expect(p1.headers['content-range']).toBe('0-1/3');
      expect((p1.body as Json[]).map((x) => x.name)).toEqual(['a', 'c']);
      const p2 = await as(u).get('/api/v1/trips?order=budget.desc&limit=2&offset=2', count);
      expect(p2.headers['content-range']).toBe('2-2/3');
      expect((p2.body as Json[]).map((x) => x.name)).toEqual(['b']);
      const p3 = await as(u).get('/api/v1/trips?limit=2&offset=10', count);
      expect(p3.headers['content-range']).toBe('*/3');
      expect(p3.body).toEqual([]);
      // No Prefer header: no Content-Range.
      const p4 = await as(u).get('/api/v1/trips?order=name.asc');
      expect(p4.headers['content-range']).toBeUndefined();
      expect((p4.body as Json[]).map((x) => x.name)).toEqual(['a', 'b', 'c']);
      // Filters count too.
      const f = await as(u).get('/api/v1/trips?status=completed', count);
      expect(f.headers['content-range']).toBe('*/0');
    });

    it('order: a non-orderable column or a bad direction → 400 listing the orderable columns', async () => {
      for (const order of ['user_id.asc', 'budget.sideways', 'budget.asc.nulls', 'name;drop', '']) {
        const r = await as(a).get(`/api/v1/trips?order=${encodeURIComponent(order)}`);
        if (order === '') {
          expect(r.status).toBe(200);
          continue;
        }
        const b = expectError(r, 400, 'invalid_order');
        expect(b.details).toEqual({ orderable: expect.arrayContaining(['start_date', 'budget']) });
      }
    });
  });

  describe('JSON columns', () => {
    // Drivers bind a top-level array as a PostgreSQL array and a string as raw JSON text;
    // crud.repo.ts sends JSON columns as JSON text so every JSON value is stored exactly.
    it('any JSON value round-trips exactly (arrays, strings, numbers, booleans, objects)', async () => {
      const url = `/api/v1/trips/${w.trip}/saved-options`;
      for (const v of [[1, 'two', { three: 3 }], 'hello', '{"a":1}', 42, true, { a: [1] }]) {
        const r = await as(a).post(url, { option_type: 'probe', option_data: v });
        expect(r.status, `${JSON.stringify(v)}: ${r.text}`).toBe(201);
        expect((r.body as Json).option_data).toEqual(v);
      }
      const acc = await as(a).post(`/api/v1/trips/${w.trip}/accommodations`, {
        name: 'H', type: 'hotel', check_in_date: '2026-05-01', check_out_date: '2026-05-02', price_per_night: 1, total_price: 1, location: 'L',
        amenities: ['wifi', 'breakfast'],
      });
      expect(acc.status, acc.text).toBe(201);
      expect((acc.body as Json).amenities).toEqual(['wifi', 'breakfast']);
    });
  });

  describe('trip deletion', () => {
    it('deleting a trip takes everything planned under it', async () => {
      const trip = ((await as(a).post('/api/v1/trips', tripBody())).body as Json).id as number;
      const flight = (await as(a).post(`/api/v1/trips/${trip}/flights`, createOf(RESOURCES[1]!, w))).body as Json;
      const note = (await as(a).post(`/api/v1/trips/${trip}/notes`, { title: 't', content: 'c' })).body as Json;
      expect((await as(a).del(`/api/v1/trips/${trip}`)).status).toBe(204);
      expectError(await as(a).get(`/api/v1/trips/${trip}/flights`), 404, 'not_found');
      const left = await ctx.db.query<{ n: number }>(
        'SELECT (SELECT count(*) FROM public.flights WHERE id = $1)::int + (SELECT count(*) FROM public.trip_notes WHERE id = $2)::int AS n',
        [flight.id, note.id],
      );
      expect(left.rows[0]!.n).toBe(0);
    });
  });

  describe('itinerary', () => {
    it('day_number filter, default order by day then start time', async () => {
      const trip = ((await as(a).post('/api/v1/trips', tripBody())).body as Json).id;
      const url = `/api/v1/trips/${trip}/itinerary-items`;
      for (const [day, start, title] of [[2, '10:00', 'Sintra'], [1, '14:00', 'Tram 28'], [1, '09:00', 'Castle']] as const) {
        const r = await as(a).post(url, { day_number: day, start_time: start, end_time: '23:00', title });
        expect(r.status, r.text).toBe(201);
      }
      const day1 = await as(a).get(`${url}?day_number=1`);
      expect((day1.body as Json[]).map((x) => x.title)).toEqual(['Castle', 'Tram 28']);
      const everything = await as(a).get(url);
      expect((everything.body as Json[]).map((x) => x.title)).toEqual(['Castle', 'Tram 28', 'Sintra']);
      expect((await as(a).get(`${url}?day_number=3`)).body).toEqual([]);
      expectInvalid(await as(a).get(`${url}?day_number=0`), 'day_number');
      expectInvalid(await as(a).get(`${url}?day_number=abc`), 'day_number');
      // Time of day: 24:00 is not a time, end before start is itinerary_items_time_check.
      expectInvalid(await as(a).post(url, { day_number: 1, start_time: '24:00', end_time: '23:00', title: 'x' }), 'start_time');
      const c = expectError(await as(a).post(url, { day_number: 1, start_time: '12:00', end_time: '11:00', title: 'x' }), 400, '23514');
      expect(c.message).toContain('itinerary_items_time_check');
    });

    it('flights: an impossible instant → 400; arrival before departure → 400 naming flights_time_check', async () => {
      const url = `/api/v1/trips/${w.trip}/flights`;
      const f = { origin: 'A', destination: 'B', departure_time: '2026-02-30T10:00:00Z', arrival_time: '2026-03-01T10:00:00Z', price: 1 };
      expectInvalid(await as(a).post(url, f), 'departure_time');
      expectInvalid(await as(a).post(url, { ...f, departure_time: '2026-03-01T10:00:00' }), 'departure_time');
      const c = expectError(await as(a).post(url, { ...f, departure_time: '2026-03-02T10:00:00Z' }), 400, '23514');
      expect(c.message).toContain('flights_time_check');
    });
  });

  describe('chat', () => {
    it('posting a message sets the session’s last_message_at; since filters messages', async () => {
      const s = (await as(a).post('/api/v1/chat/sessions', { title: 'Activity' })).body as Json;
      expect(s.last_message_at).toBeNull();
      const url = `/api/v1/chat/sessions/${s.id}/messages`;
      const m1 = (await as(a).post(url, { role: 'user', content: 'one' })).body as Json;
      const after1 = (await as(a).get(`/api/v1/chat/sessions/${s.id}`)).body as Json;
      expect(after1.last_message_at).not.toBeNull();
      expect(Date.parse(after1.last_message_at as string)).toBeGreaterThanOrEqual(Date.parse(m1.created_at as string) - 1);
      await new Promise((r) => setTimeout(r, 5));
      const m2 = (await as(a).post(url, { role: 'assistant', content: 'two' })).body as Json;
      const m3 = (await as(a).post(url, { role: 'user', content: 'three' })).body as Json;
      expect(m2.metadata).toEqual({});
      const since = await as(a).get(`${url}?since=${encodeURIComponent(m1.created_at as string)}`);
      expect(since.status, since.text).toBe(200);
      expect((since.body as Json[]).map((x) => x.content)).toEqual(['two', 'three']);
      const sinceLast = await as(a).get(`${url}?since=${encodeURIComponent(m3.created_at as string)}`);
      expect(sinceLast.body).toEqual([]);
      const all = await as(a).get(url, { prefer: 'count=exact' });
      expect(all.headers['content-range']).toBe('0-2/3');
      expectInvalid(await as(a).get(`${url}?since=yesterday`), 'since');
      const after3 = (await as(a).get(`/api/v1/chat/sessions/${s.id}`)).body as Json;
      expect(Date.parse(after3.last_message_at as string)).toBeGreaterThanOrEqual(Date.parse(after1.last_message_at as string));
      // Deleting the session takes its messages.
      expect((await as(a).del(`/api/v1/chat/sessions/${s.id}`)).status).toBe(204);
      expectError(await as(a).get(url), 404, 'not_found');
    });

    it('is_active filter', async () => {
      const u = await makeUser(t, ctx.db);
      await as(u).post('/api/v1/chat/sessions', { title: 'live' });
      await as(u).post('/api/v1/chat/sessions', { title: 'archived', is_active: false });
      const titles = async (q: string) => ((await as(u).get(`/api/v1/chat/sessions?${q}`)).body as Json[]).map((x) => x.title);
      expect(await titles('is_active=true')).toEqual(['live']);
      expect(await titles('is_active=false')).toEqual(['archived']);
      expect((await titles('order=title.asc')).length).toBe(2);
      expectInvalid(await as(u).get('/api/v1/chat/sessions?is_active=maybe'), 'is_active');
    });
  });

  describe('search history', () => {
    it('search_type filter; POST a bad type → 400', async () => {
      const u = await makeUser(t, ctx.db);
      await as(u).post('/api/v1/search-history', { search_type: 'flight', search_params: { to: 'LIS' } });
      await as(u).post('/api/v1/search-history', { search_type: 'activity', search_params: { q: 'fado' }, results_count: 3 });
      const r = await as(u).get('/api/v1/search-history?search_type=activity', { prefer: 'count=exact' });
      expect((r.body as Json[]).map((x) => x.search_params)).toEqual([{ q: 'fado' }]);
      expect(r.headers['content-range']).toBe('0-0/1');
      expectInvalid(await as(u).post('/api/v1/search-history', { search_type: 'flight', search_params: 'to LIS' }), 'search_params');
      expectInvalid(await as(u).post('/api/v1/search-history', { search_type: 'flight', search_params: {}, results_count: -1 }), 'results_count');
    });
  });

  describe('api keys', () => {
    const SECRET = 'sk-live-0123456789-very-secret-WXYZ';
    const base = '/api/v1/api-keys';
    let key: Json;

    const expectNoSecret = (r: Res, secret = SECRET) => {
      expect(r.text).not.toContain(secret);
      expect(r.text).not.toContain('encrypted_value');
      expect(r.text).not.toContain('tsk1:');
    };

    it('POST stores it (201): metadata only, key_hint = last 4 characters', async () => {
      const r = await as(a).post(base, { service_name: 'openai', key_name: 'main', value: SECRET });
      expect(r.status, r.text).toBe(201);
      expectNoSecret(r);
      key = r.body as Json;
      expectSnakeCase(key);
      expect(key).toMatchObject({ service_name: 'openai', key_name: 'main', key_hint: 'WXYZ', is_active: true, usage_count: 0, user_id: a.id, expires_at: null });
      expect(Object.keys(key)).not.toContain('value');
      const stored = await ctx.db.query<{ encrypted_value: string }>('SELECT encrypted_value FROM public.api_keys WHERE id = $1', [key.id]);
      expect(stored.rows[0]!.encrypted_value).toMatch(/^tsk1:/);
      expect(stored.rows[0]!.encrypted_value).not.toContain(SECRET);
    });

    it('GET, list (with service_name filter) and PATCH never return the value', async () => {
      const one = await as(a).get(`${base}/${key.id}`);
      expect(one.status).toBe(200);
      expectNoSecret(one);
      expect(one.body).toEqual(key);
      const list = await as(a).get(`${base}?service_name=openai`, { prefer: 'count=exact' });
      expect(list.status).toBe(200);
      expectNoSecret(list);
      expect(list.body).toEqual([key]);
      expect(list.headers['content-range']).toBe('0-0/1');
      expect((await as(a).get(`${base}?service_name=none`)).body).toEqual([]);
      const p = await as(a).patch(`${base}/${key.id}`, { is_active: false, expires_at: '2030-01-01T00:00:00Z' });
      expect(p.status, p.text).toBe(200);
      expectNoSecret(p);
      expect(p.body).toMatchObject({ is_active: false, key_hint: 'WXYZ' });
      expect(Date.parse((p.body as Json).expires_at as string)).toBe(Date.parse('2030-01-01T00:00:00Z'));
    });

    it('the same service_name + key_name twice → 409 (also when renaming onto it)', async () => {
      const dup = expectError(await as(a).post(base, { service_name: 'openai', key_name: 'main', value: 'other-value-1234' }), 409, '23505');
      expect(`${dup.message}`).toContain('api_keys_user_service_key_unique');
      expect(JSON.stringify(dup)).not.toContain('other-value-1234');
      const second = await as(a).post(base, { service_name: 'openai', key_name: 'backup', value: 'backup-value-5678' });
      expect(second.status).toBe(201);
      expectError(await as(a).patch(`${base}/${(second.body as Json).id}`, { key_name: 'main' }), 409, '23505');
    });

    it('renaming keeps the value decryptable under the new binding; a new value changes the hint', async () => {
      const ring = loadKeyRing(t.config);
      const r = await as(a).patch(`${base}/${key.id}`, { key_name: 'primary', service_name: 'openai-eu' });
      expect(r.status, r.text).toBe(200);
      expectNoSecret(r);
      expect(r.body).toMatchObject({ key_name: 'primary', service_name: 'openai-eu', key_hint: 'WXYZ' });
      const stored = await ctx.db.query<{ encrypted_value: string }>('SELECT encrypted_value FROM public.api_keys WHERE id = $1', [key.id]);
      const envelope = stored.rows[0]!.encrypted_value;
      expect(decryptSecret(ring, envelope, { user_id: a.id, service_name: 'openai-eu', key_name: 'primary' })).toBe(SECRET);
      expect(() => decryptSecret(ring, envelope, { user_id: a.id, service_name: 'openai', key_name: 'main' })).toThrow();

      const NEW = 'sk-rotated-value-9876';
      const v = await as(a).patch(`${base}/${key.id}`, { value: NEW });
      expect(v.status, v.text).toBe(200);
      expectNoSecret(v, NEW);
      expect((v.body as Json).key_hint).toBe('9876');
      const again = await ctx.db.query<{ encrypted_value: string }>('SELECT encrypted_value FROM public.api_keys WHERE id = $1', [key.id]);
      expect(decryptSecret(ring, again.rows[0]!.encrypted_value, { user_id: a.id, service_name: 'openai-eu', key_name: 'primary' })).toBe(NEW);
    });

    it('validation (400 naming the field, never echoing the value), bad ids (400), missing id (404)', async () => {
      const e = expectInvalid(await as(a).post(base, { service_name: 'x', key_name: 'y' }), 'value');
      expect(e.code).toBe('invalid_request');
      const unknown = expectInvalid(await as(a).post(base, { service_name: 'x', key_name: 'y', value: 'secret-abc', encrypted_value: 'tsk1:x' }), 'encrypted_value');
      expect(JSON.stringify(unknown)).not.toContain('secret-abc');
      const nul = expectError(await as(a).post(base, { service_name: 'x', key_name: 'y', value: 'secret\u0000abc' }), 400, 'invalid_text');
      expect(nul.message).toContain('value');
      expect(JSON.stringify(nul)).not.toContain('secret');
      expectInvalid(await as(a).post(base, { service_name: 'x', key_name: 'y', value: 'vvvvvvvv', expires_at: '2026-02-30T00:00:00Z' }), 'expires_at');
      expectError(await as(a).patch(`${base}/${key.id}`, {}), 400, 'invalid_request');
      for (const bad of BAD_IDS) {
        for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
          const r = await call(t, method, `${base}/${bad}`, { headers: a.headers, ...(method === 'PATCH' ? { body: { is_active: true } } : {}) });
          expectError(r, 400, 'invalid_request');
        }
      }
      expectError(await as(a).get(`${base}/${MISSING_BIGINT}`), 404, 'not_found');
      expectError(await as(a).patch(`${base}/${MISSING_BIGINT}`, { key_name: 'zzz' }), 404, 'not_found');
      expectError(await as(a).del(`${base}/${MISSING_BIGINT}`), 404, 'not_found');
      expectError(await as(a).get(`${base}?order=encrypted_value.asc`), 400, 'invalid_order');
      expectError(await as(a).get(`${base}?order=key_hint.asc`), 400, 'invalid_order');
    });

    // A hint only where four characters are at most a fifth of the key.
    it('a short value is not disclosed through key_hint: no hint below 20 characters', async () => {
      const short = await as(a).post(base, { service_name: 'short', key_name: 'k8', value: 'abcd1234' });
      expect(short.status, short.text).toBe(201);
      expect((short.body as Json).key_hint).toBeNull();
      expect(short.text).not.toContain('1234');
      const nineteen = await as(a).post(base, { service_name: 'short', key_name: 'k19', value: 'sk-0123456789abcdef' });
      expect((nineteen.body as Json).key_hint).toBeNull();
      const twenty = await as(a).post(base, { service_name: 'short', key_name: 'k20', value: 'sk-0123456789abcdefg' });
      expect((twenty.body as Json).key_hint).toBe('defg');
      // Re-keying to a short value drops the hint.
      const rekeyed = await as(a).patch(`${base}/${(twenty.body as Json).id}`, { value: 'tiny-key' });
      expect((rekeyed.body as Json).key_hint).toBeNull();
      expectError(await as(a).post(base, { service_name: 'short', key_name: 'k4', value: 'abcd' }), 400, 'invalid_request');
    });

    it('DELETE → 204, then 404', async () => {
      expect((await as(a).del(`${base}/${key.id}`)).status).toBe(204);
      expectError(await as(a).get(`${base}/${key.id}`), 404, 'not_found');
      expectError(await as(a).del(`${base}/${key.id}`), 404, 'not_found');
    });
  });

  describe('authentication', () => {
    it('anon (no token) on data routes → 401', async () => {
      for (const url of ['/api/v1/trips', '/api/v1/trip-comparisons', '/api/v1/chat/sessions', '/api/v1/search-history', '/api/v1/api-keys', `/api/v1/trips/${w.trip}`, `/api/v1/trips/${w.trip}/flights`]) {
        const r = await call(t, 'GET', url);
        const e = expectError(r, 401, '42501');
        expect(e.hint).toContain('access token');
        // RFC 9110: a 401 names the scheme to authenticate with.
        expect(String(r.headers['www-authenticate'])).toMatch(/^Bearer/);
      }
      expectError(await call(t, 'POST', '/api/v1/trips', { body: tripBody() }), 401);
      expectError(await call(t, 'POST', '/api/v1/api-keys', { body: { service_name: 'x', key_name: 'y', value: 'zzzzzzzz' } }), 401);
      expectError(await call(t, 'DELETE', `/api/v1/trips/${w.trip}`), 401);
    });

    it('a bad, expired or malformed token → 401 with WWW-Authenticate', async () => {
      const expired = await t.tokens.sign({ sub: a.id, role: 'authenticated', aud: 'authenticated' }, -3600);
      for (const authorization of ['Bearer not-a-jwt', `Bearer ${a.token}x`, `Bearer ${expired}`, `Basic ${Buffer.from('a:b').toString('base64')}`]) {
        const r = await call(t, 'GET', '/api/v1/trips', { headers: { authorization } });
        const b = expectError(r, 401, 'invalid_token');
        expect(String(r.headers['www-authenticate'])).toMatch(/^Bearer error="/);
        expect(b.hint).toContain('Bearer');
      }
    });
  });

  describe('transport', () => {
    it('x-request-id: generated, or a well-formed one reused (also in error bodies)', async () => {
      const r = await call(t, 'GET', '/health');
      expect(String(r.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/);
      const mine = await call(t, 'GET', '/api/v1/trips/abc', { headers: { ...a.headers, 'x-request-id': 'trace-42.abc' } });
      expect(mine.headers['x-request-id']).toBe('trace-42.abc');
      expect((mine.body as Json).request_id).toBe('trace-42.abc');
      const weird = await call(t, 'GET', '/health', { headers: { 'x-request-id': 'no spaces <allowed>' } });
      expect(weird.headers['x-request-id']).not.toBe('no spaces <allowed>');
    });

    it('security headers on API responses', async () => {
      const r = await as(a).get('/api/v1/trips');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(String(r.headers['content-security-policy'])).toContain("default-src 'none'");
      expect(r.headers['x-frame-options']).toBeDefined();
      expect(r.headers['strict-transport-security']).toBeDefined();
      expect(r.headers['x-powered-by']).toBeUndefined();
    });

    it('CORS: off by default; TRIPSAGE_CORS_ORIGINS allows exactly the listed origins', async () => {
      const preflight = (app: TestApp, origin: string) =>
        app.app.inject({ method: 'OPTIONS', url: '/api/v1/trips', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
      expect((await preflight(t, 'https://app.example')).headers['access-control-allow-origin']).toBeUndefined();
      const open = await buildTestApp(ctx.db, { ...TEST_ENV, TRIPSAGE_CORS_ORIGINS: 'https://app.example' });
      try {
        const ok = await preflight(open, 'https://app.example');
        expect(ok.statusCode).toBe(204);
        expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
        expect(String(ok.headers['access-control-allow-headers'])).toContain('authorization');
        expect((await preflight(open, 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
        const get = await open.app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://app.example' } });
        expect(get.headers['access-control-allow-origin']).toBe('https://app.example');
        expect(String(get.headers['access-control-expose-headers'])).toContain('content-range');
      } finally {
        await open.app.close();
      }
    });

    it('an unknown route → JSON 404', async () => {
      const b = expectError(await as(a).get('/api/v1/nope'), 404, 'not_found');
      expect(b.message).toContain('/api/v1/nope');
    });

    it('a body over the limit → 413 (TRIPSAGE_BODY_LIMIT=2048)', async () => {
      const small = await buildTestApp(ctx.db, { ...TEST_ENV, TRIPSAGE_BODY_LIMIT: '2048' });
      try {
        const big = await call(small, 'POST', '/api/v1/trips', { body: tripBody({ description: 'x'.repeat(4096) }), headers: a.headers });
        expectError(big, 413, 'payload_too_large');
        const ok = await call(small, 'POST', '/api/v1/trips', { body: tripBody({ description: 'x'.repeat(512) }), headers: a.headers });
        expect(ok.status, ok.text).toBe(201);
      } finally {
        await small.app.close();
      }
    });
  });

  describe('service endpoints', () => {
    it('/health → 200', async () => {
      const r = await call(t, 'GET', '/health');
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ status: 'ok' });
    });

    it('/ready → 200 with no pending migrations', async () => {
      const r = await call(t, 'GET', '/ready');
      expect(r.status, r.text).toBe(200);
      expect(r.body).toMatchObject({ status: 'ready', database: ctx.backend, pending_migrations: [], drift: [] });
    });

    it('/openapi.json: OpenAPI 3.1 with the routes and their request-body schemas', async () => {
      const r = await call(t, 'GET', '/openapi.json');
      expect(r.status).toBe(200);
      const doc = r.body as { openapi: string; paths: Record<string, Record<string, Json>>; components: Json };
      expect(doc.openapi).toBe('3.1.0');
      const paths = Object.keys(doc.paths);
      for (const p of [
        '/api/v1/trips', '/api/v1/trips/{id}', '/api/v1/trips/{trip_id}/flights', '/api/v1/trips/{trip_id}/flights/{id}',
        '/api/v1/trips/{trip_id}/accommodations', '/api/v1/trips/{trip_id}/transportation', '/api/v1/trips/{trip_id}/itinerary-items',
        '/api/v1/trips/{trip_id}/notes', '/api/v1/trips/{trip_id}/saved-options', '/api/v1/trip-comparisons', '/api/v1/trip-comparisons/{id}',
        '/api/v1/chat/sessions', '/api/v1/chat/sessions/{id}', '/api/v1/chat/sessions/{session_id}/messages', '/api/v1/search-history',
        '/api/v1/search-history/{id}', '/api/v1/api-keys', '/api/v1/api-keys/{id}',
      ]) {
        expect(paths, p).toContain(p);
      }
      expect(paths).not.toContain('/health');
      // Request bodies are named components (test/openapi.test.ts): follow the $ref.
      const body = (op: Json): { properties: Json; required: string[]; additionalProperties: unknown } => {
        const s = (op as { requestBody: { content: Record<string, { schema: Json }> } }).requestBody.content['application/json']!.schema;
        const named = (doc.components as { schemas: Record<string, Json> }).schemas;
        return (typeof s.$ref === 'string' ? named[s.$ref.replace('#/components/schemas/', '')] : s) as never;
      };
      const schema = body(doc.paths['/api/v1/trips']!.post!);
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'start_date', 'end_date', 'destination', 'budget', 'travelers']));
      expect(schema.required).toEqual(expect.arrayContaining(['name', 'start_date', 'end_date', 'destination', 'budget']));
      expect(schema.additionalProperties).toBe(false);
      const flightPost = doc.paths['/api/v1/trips/{trip_id}/flights']!.post as { parameters: Json[] };
      expect(Object.keys(body(flightPost).properties)).toContain('departure_time');
      expect(flightPost.parameters.some((p) => p.name === 'trip_id' && p.in === 'path')).toBe(true);
      expect(Object.keys(body(doc.paths['/api/v1/api-keys']!.post!).properties)).toContain('value');
      const list = doc.paths['/api/v1/trips']!.get as { parameters: Json[] };
      expect(list.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['limit', 'offset', 'order', 'status', 'from', 'to']));
      expect(JSON.stringify(doc.components)).toContain('bearer');
    });

    it('/docs → HTML', async () => {
      let r = await t.app.inject({ method: 'GET', url: '/docs' });
      for (let i = 0; i < 3 && r.statusCode >= 300 && r.statusCode < 400; i++) {
        const loc = String(r.headers.location);
        r = await t.app.inject({ method: 'GET', url: loc.startsWith('/') ? loc : `/docs/${loc.replace(/^\.\//, '')}` });
      }
      expect(r.statusCode).toBe(200);
      expect(String(r.headers['content-type'])).toMatch(/text\/html/);
      expect(r.body).toMatch(/<html/i);
    });
  });
});
