/**
 * Overload: when the database queue or the event loop is saturated, the server sheds load with
 * 503 and Retry-After instead of queueing without bound or crashing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

describeEachBackend('overload', (ctx) => {
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    t = await buildTestApp(ctx.db, { TRIPSAGE_MAX_PENDING_TX: '2', TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS: '100' });
    user = await makeUser(t, ctx.db);
  });
  afterAll(() => t.app.close());

  // PGlite runs inside the event loop: a transaction never waits on I/O, so requests cannot queue
  // on it; its saturation is event-loop delay, covered by the next test. A server pool queues.
  if (ctx.backend === 'postgres') it('sheds requests beyond the database queue bound with 503 + Retry-After, serves the rest', async () => {
    const responses = await Promise.all(
      Array.from({ length: 40 }, () => t.app.inject({ method: 'GET', url: '/api/v1/trips', headers: user.headers })),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.every((c) => c === 200 || c === 503), codes.join(',')).toBe(true);
    expect(codes.filter((c) => c === 200).length).toBeGreaterThanOrEqual(2);
    const shed = responses.filter((r) => r.statusCode === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(shed[0]!.headers['retry-after']).toBe('1');
    expect(shed[0]!.json()).toMatchObject({ code: 'overloaded' });
    // Once the burst is over, everything is served again.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/trips', headers: user.headers })).statusCode).toBe(200);
  });

  it('answers 503 + Retry-After while the event loop is blocked', async () => {
    // Sustained CPU hogging (as runaway requests would cause) for over two sampling windows of
    // one second, yielding briefly so the delay monitor can sample it.
    const until = Date.now() + 2300;
    while (Date.now() < until) {
      const slice = Date.now() + 300;
      while (Date.now() < slice) {
        // busy
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/trips', headers: user.headers });
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('2');
    expect(r.json()).toMatchObject({ code: 'overloaded' });
  });
});
