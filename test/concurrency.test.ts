/**
 * Two `tripsage serve` instances on one PostgreSQL database, each with two HTTP processes, 50
 * concurrent clients doing a fixed amount of mixed reads and writes: zero errors, every
 * acknowledged write stored exactly once, and the daily cleanup ran once although all four
 * processes' schedulers looked at it (each says what it did; the test waits until all four have).
 */
import { describe, expect, it } from 'vitest';
import { testBackends } from './harness/backends.ts';
import { TEST_JWT_SECRET } from './harness/http.ts';
import { until } from './harness/states.ts';
import { spawnServe, type ServeProcess } from './harness/serve.ts';

const CLIENTS = 50;
const OPS_PER_CLIENT = 24;
const INSTANCES = 2;
const WORKERS = 2;

const serve = (env: Record<string, string>) => spawnServe([], env);

/** Scheduler checks an instance has reported (ran, skipped or failed). */
const checks = (s: ServeProcess) => (s.output().match(/jobs: cleanup-prices (deleted|skipped|failed)/g) ?? []).length;

const pg = testBackends().find((b) => b.name === 'postgres');
if (pg) {
  describe('two server instances on one database [postgres]', () => {
    it(`${CLIENTS} clients × ${OPS_PER_CLIENT} mixed requests over ${INSTANCES}×${WORKERS} processes: no errors, no lost or duplicated writes, cleanup ran once`, async () => {
      const h = await pg.clone();
      const env = {
        DATABASE_URL: h.url!, TRIPSAGE_MEMORY: 'off', TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET, TRIPSAGE_WORKERS: String(WORKERS),
        TRIPSAGE_ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 3).toString('base64')}`, TRIPSAGE_JOBS_FIRST_CHECK_MS: '1000',
        TRIPSAGE_AUTH_RATE_LIMIT: '100000', LOG_LEVEL: 'info',
        // Not a load-shedding test: on a machine shared with other jobs the lag monitor would
        // (rightly) shed some of 50 concurrent clients' requests.
        TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS: '0',
      };
      await h.db.query(`INSERT INTO price_history (entity_type, entity_ref, price, currency, timestamp, source, created_at)
                        SELECT 'flight', 'OLD-' || g, 100, 'EUR', now() - interval '400 days', 'test', now() - interval '400 days'
                        FROM generate_series(1, 25) g`);
      const servers = await Promise.all(Array.from({ length: INSTANCES }, () => serve(env)));
      try {
        const tokens = await Promise.all(Array.from({ length: 10 }, async (_, i) => {
          const r = await fetch(`${servers[i % INSTANCES]!.url}/auth/v1/signup`, {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: `load-${i}-${Date.now()}@example.test`, password: 'a-long-password' }),
          });
          return ((await r.json()) as { access_token: string }).access_token;
        }));
        const acked: Array<{ id: number; name: string }> = [];
        const errors: string[] = [];
        const client = async (c: number) => {
          const base = servers[c % INSTANCES]!.url;
          const headers = { authorization: `Bearer ${tokens[c % 10]}`, 'content-type': 'application/json' };
          const mine: number[] = [];
          for (let i = 0; i < OPS_PER_CLIENT; i++) {
            const op = i % 4;
            const name = `c${c}-${i}`;
            const req =
              op === 0 || mine.length === 0
                ? fetch(`${base}/api/v1/trips`, { method: 'POST', headers, body: JSON.stringify({ name, start_date: '2026-08-01', end_date: '2026-08-04', destination: 'Rome', budget: '900.00' }) })
                : op === 1
                  ? fetch(`${base}/api/v1/trips?limit=20`, { headers })
                  : op === 2
                    ? fetch(`${base}/api/v1/trips/${mine[i % mine.length]}`, { headers })
                    : fetch(`${base}/api/v1/trips/${mine[i % mine.length]}/itinerary-items`, { method: 'POST', headers, body: JSON.stringify({ day_number: 1, start_time: '09:00', end_time: '10:00', title: name }) });
            try {
              const r = await req;
              const body = (await r.json()) as { id?: number };
              if (r.status >= 300) errors.push(`${r.status} ${JSON.stringify(body).slice(0, 200)}`);
              else if (op === 0 || (mine.length === 0 && r.status === 201)) {
                acked.push({ id: body.id!, name });
                mine.push(body.id!);
              }
            } catch (e) {
              errors.push(String(e));
            }
          }
        };
        await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
        expect(errors.slice(0, 5)).toEqual([]);
        expect(acked.length).toBeGreaterThanOrEqual(CLIENTS * (OPS_PER_CLIENT / 4));

        const stored = await h.db.query<{ id: number; name: string }>(`SELECT id, name FROM trips WHERE name ~ '^c[0-9]+-[0-9]+$'`);
        expect(stored.rows.length).toBe(acked.length); // nothing lost, nothing duplicated
        const byId = new Map(stored.rows.map((r) => [r.id, r.name]));
        expect(acked.filter((a) => byId.get(a.id) !== a.name)).toEqual([]);
        const dups = await h.db.query(`SELECT name FROM trips GROUP BY name HAVING count(*) > 1`);
        expect(dups.rows).toEqual([]);

        await until(() => servers.every((s) => checks(s) >= WORKERS));
        expect(servers.map((s) => s.output().match(/cleanup-prices failed/g) ?? [])).toEqual(servers.map(() => []));
        const runs = await h.db.query<{ runs: number; rows_affected: number }>(`SELECT runs::int, rows_affected::int FROM tripsage.job_runs WHERE job = 'cleanup-prices'`);
        expect(runs.rows).toEqual([{ runs: 1, rows_affected: 25 }]);
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        await h.db.close();
        await h.drop();
      }
    }, 300_000);
  });
}
