/**
 * Bad input that used to end in a 500 or in the wrong status (issue 10), on every backend: JSON
 * nested thousands of levels deep and `1e400` in a JSON column, text/plain bodies, repeated query
 * parameters, an unknown method on a known path, long path parameters, and dates and instants
 * near the ends of the calendar. Every answer is our error shape, with its request id.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../src/http/body.ts';
import { MAX_PATH_PARAM } from '../src/http/schemas.ts';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `{"a":{"a":…{"a":1}}}`, `levels` objects deep, as text (JSON.stringify could not write it). */
const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}{"a":1}${'}'.repeat(levels - 1)}`;

describeEachBackend('bad input over HTTP', (ctx) => {
  let t: TestApp;
  let alice: TestUser;
  let tripId: number;
  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
    alice = await makeUser(t, ctx.db);
    tripId = (await send('POST', '/api/v1/trips', JSON.stringify(trip()))).json().id;
  });
  afterAll(async () => {
    await t?.app.close();
  });

  const trip = (over: Json = {}) => ({ name: 'T', start_date: '2026-05-01', end_date: '2026-05-02', destination: 'X', budget: '1', ...over });
  const send = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: string, contentType = 'application/json') =>
    t.app.inject({ method, url, headers: { ...alice.headers, ...(payload === undefined ? {} : { 'content-type': contentType }) }, payload });
  const expectError = (r: { statusCode: number; body: string }, status: number, code: string): Json => {
    expect(r.statusCode, r.body).toBe(status);
    const body = JSON.parse(r.body) as Json;
    expect(body).toMatchObject({ code, message: expect.any(String), hint: expect.anything(), request_id: expect.any(String) });
    expect(Object.keys(body).sort()).toEqual(['code', 'details', 'hint', 'message', 'request_id']);
    return body;
  };

  it('JSON nested 4,500 levels in any JSON column: 400 json_too_deep, not a 500', async () => {
    const deep = nested(4500);
    const cases: Array<[string, string]> = [
      ['/api/v1/trips', `{"name":"T","start_date":"2026-05-01","end_date":"2026-05-02","destination":"X","budget":"1","flexibility":${deep}}`],
      [`/api/v1/trips/${tripId}/saved-options`, `{"option_type":"hotel","option_data":${deep}}`],
      ['/api/v1/chat/sessions', `{"context_data":${deep}}`],
      ['/api/v1/search-history', `{"search_type":"flight","search_params":${deep}}`],
    ];
    for (const [url, body] of cases) {
      const e = expectError(await send('POST', url, body), 400, 'json_too_deep');
      expect(e.details).toEqual({ max_depth: MAX_JSON_DEPTH });
    }
    // Brackets inside strings are text, not nesting.
    const r = await send('POST', '/api/v1/trips', JSON.stringify(trip({ description: '['.repeat(5000) })));
    expect(r.statusCode, r.body).toBe(201);
  });

  it(`JSON up to ${MAX_JSON_DEPTH} levels deep is stored and returned as sent`, async () => {
    const flexibility = JSON.parse(nested(MAX_JSON_DEPTH - 1));
    const r = await send('POST', '/api/v1/trips', JSON.stringify(trip({ flexibility })));
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().flexibility).toEqual(flexibility);
  });

  it('1e400 inside a JSON column: 400 invalid_number naming the field, never stored as null', async () => {
    const e = expectError(await send('POST', '/api/v1/trips', `{"name":"T","start_date":"2026-05-01","end_date":"2026-05-02","destination":"X","budget":"1","flexibility":{"days":[1,-1e400]}}`), 400, 'invalid_number');
    expect(e.details).toEqual({ path: 'flexibility.days[1]' });
    const stored = await ctx.db.query(`SELECT 1 FROM public.trips WHERE user_id = $1 AND flexibility IS NOT NULL AND flexibility::text LIKE '%null%'`, [alice.id]);
    expect(stored.rows).toHaveLength(0);
  });

  it('a text/plain body: 415, as documented', async () => {
    expectError(await send('POST', '/api/v1/trips', JSON.stringify(trip()), 'text/plain'), 415, 'unsupported_media_type');
    expectError(await send('POST', '/api/v1/trips', 'name=x', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
  });

  it('a repeated query parameter: 400 naming it', async () => {
    const e = expectError(await send('GET', '/api/v1/trips?limit=1&limit=2'), 400, 'invalid_request');
    expect(e.message).toBe('the query parameter "limit" is given 2 times');
    expect(e.details).toEqual({ parameter: 'limit' });
  });

  it('an unknown method on a known path: 405 with Allow; an unknown path stays 404', async () => {
    const one = await send('PUT', `/api/v1/trips/${tripId}`, JSON.stringify(trip()));
    expectError(one, 405, 'method_not_allowed');
    expect(one.headers.allow).toBe('DELETE, GET, HEAD, PATCH');
    const many = await send('PUT', '/api/v1/trips', '{}');
    expect(many.statusCode).toBe(405);
    expect(many.headers.allow).toBe('GET, HEAD, POST');
    const messages = await send('DELETE', '/api/v1/chat/sessions/00000000-0000-4000-8000-000000000000/messages');
    expect(messages.statusCode).toBe(405);
    expect(messages.headers.allow).toBe('GET, HEAD, POST');
    expectError(await send('GET', '/api/v1/no-such-thing'), 404, 'not_found');
  });

  it(`path parameters: up to ${MAX_PATH_PARAM} characters are the route's, longer ones a 400, far longer a 414 — all our shape`, async () => {
    const history = (ref: string) => send('GET', `/api/v1/prices/${encodeURIComponent(ref)}/history`);
    for (const ref of ['a'.repeat(201), 'a'.repeat(MAX_PATH_PARAM), '€'.repeat(MAX_PATH_PARAM)]) {
      const r = await history(ref);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual([]);
    }
    expectError(await history('a'.repeat(MAX_PATH_PARAM + 1)), 400, 'invalid_request');
    expectError(await history('€'.repeat(MAX_PATH_PARAM + 1)), 400, 'invalid_request');
    expectError(await history('a'.repeat(10_000)), 414, 'uri_too_long');
  });

  it('dates of years 0001–0099 are dates; instants stay within what prints as years 0001–9999', async () => {
    const early = await send('POST', '/api/v1/trips', JSON.stringify(trip({ start_date: '0050-02-28', end_date: '0099-12-31' })));
    expect(early.statusCode, early.body).toBe(201);
    expect(early.json()).toMatchObject({ start_date: '0050-02-28', end_date: '0099-12-31' });
    expectError(await send('POST', '/api/v1/trips', JSON.stringify(trip({ start_date: '0050-02-29' }))), 400, 'invalid_request'); // not a leap year
    const flight = (departure_time: string) => send('POST', `/api/v1/trips/${tripId}/flights`, JSON.stringify({
      origin: 'A', destination: 'B', departure_time, arrival_time: '2026-01-01T00:00:00Z', price: '1',
    }));
    const first = await flight('0001-01-01T00:00:00Z');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().departure_time).toBe('0001-01-01T00:00:00+00:00');
    // 0001-01-01T00:00:00+14:00 is 1 BC in UTC.
    expectError(await flight('0001-01-01T00:00:00+14:00'), 400, 'invalid_request');
  });

  it('instants the database holds beyond those years are printed as valid ISO 8601', async () => {
    const f = (await send('POST', `/api/v1/trips/${tripId}/flights`, JSON.stringify({
      origin: 'A', destination: 'B', departure_time: '2026-01-01T00:00:00Z', arrival_time: '2026-01-01T01:00:00Z', price: '1',
    }))).json();
    const cases: Array<[string, string]> = [
      ['0001-01-01 00:00:00+14', '0000-12-31T10:00:00+00:00'],
      ['0044-03-15 12:00:00.5+00 BC', '-000043-03-15T12:00:00.5+00:00'],
      ['20000-01-01 00:00:00+00', '+020000-01-01T00:00:00+00:00'],
    ];
    for (const [stored, printed] of cases) {
      await ctx.db.query(`UPDATE public.flights SET departure_time = $1::timestamptz, arrival_time = $1::timestamptz WHERE id = $2`, [stored, f.id]);
      const got = (await send('GET', `/api/v1/trips/${tripId}/flights/${f.id}`)).json();
      expect(got.departure_time).toBe(printed);
      expect(Number.isNaN(Date.parse(got.departure_time))).toBe(false);
    }
  });
});
