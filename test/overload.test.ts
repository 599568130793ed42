/**
 * Overload: when requests really queue — for the database beyond its bound, or on a lagging HTTP
 * thread behind other requests — the server sheds load with 503 and Retry-After instead of
 * queueing without bound; a request that arrives alone is always served. Every step waits for an
 * observable state (the database held, requests pending, the lag monitor reporting), never for
 * time to pass.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import type { Database } from '../src/db/database.ts';
import { describeEachBackend } from './harness/backends.ts';
import { holdDatabase, until } from './harness/states.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

/** Keeps the event loop busy in slices until the lag monitor reports pressure. */
async function lagUntilUnderPressure(t: TestApp): Promise<void> {
  while (!t.app.isUnderPressure()) {
    const end = Date.now() + 150;
    while (Date.now() < end) {
      // busy, as runaway work on the HTTP thread would be
    }
    await new Promise((r) => setTimeout(r, 1));
  }
}

describeEachBackend('overload', (ctx) => {
  let db: Database;
  let queue: TestApp;
  let lag: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    // One connection, so holding it makes every request wait (PGlite has only one).
    db = ctx.backend === 'postgres' ? await openDatabase({ databaseUrl: ctx.url!, poolSize: 1 }) : ctx.db;
    queue = await buildTestApp(db, { TRIPSAGE_MAX_PENDING_TX: '2', TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS: '0' });
    lag = await buildTestApp(db, { TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS: '100' });
    user = await makeUser(queue, ctx.db);
  });
  afterAll(async () => {
    await queue.app.close();
    await lag.app.close();
    if (db !== ctx.db) await db.close();
  });
  const get = (t: TestApp, url = '/api/v1/trips') => t.app.inject({ method: 'GET', url, headers: user.headers });

  it('sheds requests beyond the database queue bound with 503 + Retry-After, serves the rest', async () => {
    const release = await holdDatabase(db);
    const answered: number[] = [];
    const all = Array.from({ length: 10 }, () => get(queue).then((r) => (answered.push(r.statusCode), r)));
    // Two wait for the database (the bound); the other eight are refused at once.
    await until(() => answered.length === 8);
    expect(queue.app.txGate.pending).toBe(2);
    await release();
    const responses = await Promise.all(all);
    const codes = responses.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 200, 503, 503, 503, 503, 503, 503, 503, 503]);
    const shed = responses.find((r) => r.statusCode === 503)!;
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.json()).toMatchObject({ code: 'overloaded', request_id: expect.any(String) });
    // Once the burst is over, everything is served again.
    expect((await get(queue)).statusCode).toBe(200);
  });

  it('while the HTTP thread lags, a request behind others gets 503 + Retry-After; one arriving alone is served', async () => {
    const release = await holdDatabase(db);
    const first = get(lag); // in flight: it waits for the database
    await until(() => lag.app.txGate.pending === 1);
    for (;;) {
      await lagUntilUnderPressure(lag);
      const behind = await lag.app.inject({ method: 'GET', url: '/health' });
      if (!lag.app.isUnderPressure()) continue; // the monitor moved on meanwhile: measure again
      expect(behind.statusCode).toBe(503);
      expect(behind.headers['retry-after']).toBe('2');
      expect(behind.json()).toMatchObject({ code: 'overloaded', request_id: expect.any(String) });
      break;
    }
    await release();
    expect((await first).statusCode).toBe(200);

    for (;;) {
      await lagUntilUnderPressure(lag);
      const alone = await get(lag);
      if (!lag.app.isUnderPressure()) continue;
      expect(alone.statusCode).toBe(200);
      break;
    }
  });
});
