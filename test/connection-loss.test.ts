/**
 * Issue 10.5: a lost database connection never crashes the server. A real `tripsage serve`
 * (two HTTP processes) on a PostgreSQL cluster of its own, under load, while (1) busy backends are
 * terminated with pg_terminate_backend and (2) the PostgreSQL server is stopped and started again.
 * Every request is answered — 2xx, or a 503 in the API's error shape — the process stays up,
 * /ready says 503 while the database is down, and service resumes by itself. No step waits for
 * time to pass: each waits for an observable state.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import type { Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { checkOut, guardedPool, release, runOn } from '../src/db/pg-dialect.ts';
import { TEST_JWT_SECRET } from './harness/http.ts';
import { until } from './harness/states.ts';
import { findPgBinaries, startPgCluster, type PgCluster } from './harness/pg-cluster.ts';
import { spawnServe, type ServeProcess } from './harness/serve.ts';

interface Load {
  /** Status codes and error codes seen so far. */
  seen: Array<{ status: number; code?: string; shape: boolean }>;
  failures: string[];
  stop(): Promise<void>;
}

/** `clients` loops of GET one trip / POST a trip until stopped. */
function load(url: string, token: string, tripId: number, clients: number): Load {
  const seen: Load['seen'] = [];
  const failures: string[] = [];
  let running = true;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const client = async (c: number) => {
    for (let i = 0; running; i++) {
      try {
        const r = i % 2
          ? await fetch(`${url}/api/v1/trips/${tripId}`, { headers })
          : await fetch(`${url}/api/v1/trips`, { method: 'POST', headers, body: JSON.stringify({ name: `l${c}-${i}`, start_date: '2026-09-01', end_date: '2026-09-02', destination: 'Oslo', budget: 1 }) });
        const body = (await r.json()) as Record<string, unknown>;
        const shape = r.status < 400 || ['code', 'message', 'details', 'hint', 'request_id'].every((k) => k in body);
        seen.push({ status: r.status, code: typeof body.code === 'string' ? body.code : undefined, shape });
      } catch (e) {
        failures.push(String(e));
      }
    }
  };
  const all = Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  return { seen, failures, stop: async () => void ((running = false), await all) };
}

const readyStatus = async (url: string) => (await fetch(`${url}/ready`)).status;

const available = !!findPgBinaries();
describe.runIf(available)('a lost database connection [postgres, own cluster]', () => {
  let cluster: PgCluster;
  let admin: Database;
  let server: ServeProcess;
  let token: string;
  let tripId: number;

  beforeAll(async () => {
    cluster = await startPgCluster({ own: true });
    admin = await openDatabase({ databaseUrl: cluster.url, poolSize: 1 });
    await migrate(admin, { features: { memory: false } });
    server = await spawnServe([], {
      TRIPSAGE_WORKERS: '2',
      // warn: a worker that died would say so (and the primary would hide it by starting another).
      DATABASE_URL: cluster.url, LOG_LEVEL: 'warn', TRIPSAGE_MEMORY: 'off', TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET, TRIPSAGE_JOBS: 'off',
      TRIPSAGE_ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 5).toString('base64')}`, TRIPSAGE_AUTH_RATE_LIMIT: '100000',
    });
    const s = await fetch(`${server.url}/auth/v1/signup`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `loss-${Date.now()}@example.test`, password: 'a-long-password' }),
    });
    token = ((await s.json()) as { access_token: string }).access_token;
    const t = await fetch(`${server.url}/api/v1/trips`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'kept', start_date: '2026-09-01', end_date: '2026-09-02', destination: 'Oslo', budget: 1 }),
    });
    tripId = ((await t.json()) as { id: number }).id;
  }, 180_000);

  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await admin?.close();
    await cluster?.stop();
  });

  const expectOnlyGoodAnswers = (l: Load) => {
    expect(l.failures.slice(0, 3)).toEqual([]);
    const bad = l.seen.filter((s) => !(s.status < 300 || (s.status === 503 && s.shape)));
    expect(bad.slice(0, 5)).toEqual([]);
  };

  // CI once saw a 500 here: a backend terminated right after the pool's onConnect statement but
  // before pg-pool's `connect` event left a client handed out unqueryable with nothing recorded.
  it('a backend terminated between connecting and being handed out: its first statement fails as 08006 (503), not a plain error', async () => {
    const lost: string[] = [];
    const pool = guardedPool({
      connectionString: cluster.url,
      max: 1,
      onConnect: async (c) => {
        const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        const gone = once(c, 'error');
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await gone;
      },
    }, { warn: (_o, msg) => void lost.push(msg) });
    const client = await checkOut(pool);
    try {
      await expect(runOn(client, 'SELECT 1')).rejects.toMatchObject({ code: '08006' });
      expect(lost).toContain('database connection lost');
    } finally {
      release(client);
      await pool.end();
    }
  });

  it('busy backends terminated under load: in-flight requests get 503, the server stays up and recovers', async () => {
    const l = load(server.url, token, tripId, 8);
    let terminated = 0;
    // Only backends in a statement or a transaction count (busy); the server names its connections.
    await until(async () => {
      const r = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM (
        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'tripsage' AND state <> 'idle' AND pid <> pg_backend_pid()) t`);
      terminated += r.rows[0]!.n;
      return terminated >= 6 && l.seen.some((s) => s.status === 503);
    });
    const before = l.seen.length;
    await until(() => l.seen.filter((s, i) => i >= before && s.status < 300).length >= 20); // served again
    await l.stop();
    expectOnlyGoodAnswers(l);
    expect(server.child.exitCode).toBeNull();
    expect(await readyStatus(server.url)).toBe(200);
    expect(server.output()).not.toMatch(/Unhandled 'error' event|uncaught|worker died/i);
    expect(server.output()).toMatch(/database connection lost/); // logged, not dropped
  }, 180_000);

  it('the PostgreSQL server restarted under load: 503 and /ready 503 while it is down, then service resumes', async () => {
    const l = load(server.url, token, tripId, 4);
    await until(() => l.seen.filter((s) => s.status < 300).length >= 10);
    let downBody = '';
    await cluster.restart(async () => {
      await until(async () => {
        const r = await fetch(`${server.url}/ready`);
        downBody = await r.text();
        return r.status === 503;
      });
      const before = l.seen.length;
      await until(() => l.seen.filter((s, i) => i >= before && s.status === 503).length >= 4);
    });
    await until(async () => (await readyStatus(server.url)) === 200);
    const before = l.seen.length;
    await until(() => l.seen.filter((s, i) => i >= before && s.status < 300).length >= 20);
    await l.stop();
    expectOnlyGoodAnswers(l);
    expect(server.child.exitCode).toBeNull();
    expect(server.output()).not.toMatch(/Unhandled 'error' event|uncaught|worker died/i);
    // /ready says why in general terms; where the database lives is for the log only.
    expect(JSON.parse(downBody)).toMatchObject({ status: 'not_ready' });
    expect(downBody).not.toContain(new URL(cluster.url).port);
    expect(downBody).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  }, 300_000);
});
