/**
 * The OpenAPI document is good for client generators (issue 10): every operation has a unique
 * operationId and documents its error responses with the one error schema, the resources' schemas
 * are named components referenced by `$ref`, every `$ref` resolves, and every path parameter is
 * bounded within what the router accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PATH_PARAM } from '../src/http/schemas.ts';
import { testBackends, type Handle } from './harness/backends.ts';
import { buildTestApp, type TestApp } from './harness/http.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the OpenAPI document', () => {
  let h: Handle;
  let t: TestApp;
  let doc: Json;
  const operations: Array<{ method: string; path: string; op: Json }> = [];
  beforeAll(async () => {
    h = await testBackends().find((b) => b.name === 'pglite')!.clone();
    t = await buildTestApp(h.db);
    doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(item as Json)) operations.push({ method, path, op });
    }
  });
  afterAll(async () => {
    await t?.app.close();
    await h?.db.close();
  });

  it('every operation has an operationId, and no two share one', () => {
    expect(operations.length).toBeGreaterThan(50);
    const ids = operations.map((o) => o.op.operationId);
    for (const o of operations) expect(o.op.operationId, `${o.method} ${o.path}`).toMatch(/^[a-z][A-Za-z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    const byRoute = Object.fromEntries(operations.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o.op.operationId]));
    expect(byRoute).toMatchObject({
      'GET /api/v1/trips': 'listTrips', 'POST /api/v1/trips': 'createTrip', 'GET /api/v1/trips/{id}': 'getTrip',
      'PATCH /api/v1/trips/{id}': 'updateTrip', 'DELETE /api/v1/trips/{id}': 'deleteTrip',
      'GET /api/v1/trips/{trip_id}/days': 'getTripDays', 'POST /api/v1/trips/import': 'importTrips',
      'GET /api/v1/trips/{trip_id}/transportation': 'listTransportation',
      'GET /api/v1/api-keys': 'listApiKeys', 'POST /api/v1/api-keys': 'createApiKey', 'PATCH /api/v1/api-keys/{id}': 'updateApiKey',
      'GET /api/v1/search-history': 'listSearchHistoryEntries',
    });
  });

  it('every operation documents its error responses with the Error schema', () => {
    for (const { method, path, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      const errors = Object.keys(op.responses).filter((s) => Number(s) >= 400);
      const needed = ['400', '500', '503'];
      if (!op.security || op.security.length) needed.push('401', '403');
      if (path.includes('{')) needed.push('404');
      if (op.requestBody) needed.push('413', '415');
      expect(errors, where).toEqual(expect.arrayContaining(needed));
      for (const s of errors) expect(op.responses[s].content['application/json'].schema, `${where} ${s}`).toEqual({ $ref: '#/components/schemas/Error' });
    }
    expect(doc.components.schemas.Error).toMatchObject({ required: ['code', 'message', 'details', 'hint', 'request_id'] });
    // The caps' 422 and the sign-in rate limit's 429 are where they can happen.
    expect(Object.keys(doc.paths['/api/v1/trips/{trip_id}/itinerary-items'].post.responses)).toContain('422');
    expect(Object.keys(doc.paths['/auth/v1/token'].post.responses)).toContain('429');
  });

  it('the resources are named components, referenced from the operations; every $ref resolves', () => {
    const schemas = doc.components.schemas as Json;
    for (const name of ['Trip', 'TripCreate', 'TripPatch', 'Flight', 'FlightCreate', 'Accommodation', 'Transportation', 'ItineraryItem',
      'ItineraryItemCreate', 'Note', 'SavedOption', 'TripComparison', 'ChatSession', 'ChatMessage', 'ChatMessageCreate', 'SearchHistoryEntry',
      'ApiKey', 'ApiKeyCreate', 'Memory', 'MemoryCreate', 'MemorySearchHit', 'PriceObservation', 'Error']) {
      expect(schemas, name).toHaveProperty(name);
    }
    const trips = doc.paths['/api/v1/trips'];
    // The list and the single trip carry the caller's role on it (travelling together).
    expect(trips.get.responses['200'].content['application/json'].schema).toEqual({ type: 'array', items: { $ref: '#/components/schemas/TripWithRole' } });
    expect(trips.post.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Trip' });
    expect(trips.post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/TripCreate' });
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) expect(schemas, ref).toHaveProperty(ref.slice('"#/components/schemas/'.length, -1));
  });

  it(`every path parameter is bounded (at most ${MAX_PATH_PARAM} characters, or a fixed format)`, () => {
    for (const { method, path, op } of operations) {
      for (const p of (op.parameters ?? []).filter((x: Json) => x.in === 'path')) {
        const s = p.schema as Json;
        const bounded = (s.maxLength !== undefined && s.maxLength <= MAX_PATH_PARAM) || s.pattern !== undefined || s.format === 'uuid';
        expect(bounded, `${method} ${path} {${p.name}}: ${JSON.stringify(s)}`).toBe(true);
      }
    }
  });
});
