/**
 * Operations: the price-history cleanup job (lock, once-a-day bookkeeping, row count), the
 * in-process scheduler, the service-only admin routes, and the jobs / db stats commands.
 */

import { beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import { SEED_TABLES } from '../src/db/schema.ts';
import { JOB_LOCK_KEY, jobRuns, runJob } from '../src/ops/jobs.ts';
import { startJobScheduler } from '../src/ops/scheduler.ts';
import { describeEachBackend } from './harness/backends.ts';
import { tripsage } from './harness/cli.ts';
import { buildTestApp, makeUser, serviceHeaders, type TestApp, type TestUser } from './harness/http.ts';


describeEachBackend('operations', (ctx) => {
  let t: TestApp;
  let user: TestUser;
  let service: { authorization: string };

  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
    user = await makeUser(t, ctx.db);
    service = await serviceHeaders(t);
  });

  const addPrices = async (oldRows: number, newRows: number) => {
    await ctx.db.query(
      `INSERT INTO public.price_history (entity_type, entity_ref, price, currency, timestamp, source, created_at)
       SELECT 'flight', 'ops-' || g, 100, 'EUR', now(), 'test', CASE WHEN g <= $1::int THEN now() - interval '400 days' ELSE now() - interval '300 days' END
       FROM generate_series(1, $1::int + $2::int) AS g`,
      [oldRows, newRows],
    );
  };

  it('the migration leaves pg_cron alone where it is unavailable and creates tripsage.job_runs', async () => {
    const r = await ctx.db.query<{ cron: number; runs: string | null }>(
      `SELECT (SELECT count(*)::int FROM pg_extension WHERE extname = 'pg_cron') AS cron, to_regclass('tripsage.job_runs')::text AS runs`,
    );
    expect(r.rows[0]).toEqual({ cron: 0, runs: 'tripsage.job_runs' });
  });

  it('cleanup-prices deletes rows ingested over a year ago, reports how many, and records the run', async () => {
    await addPrices(7, 3);
    const r = await runJob(ctx.db, 'cleanup-prices', { trigger: 'manual' });
    expect(r).toMatchObject({ ran: true, rowsDeleted: 7 });
    const left = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.price_history WHERE entity_ref LIKE 'ops-%'`);
    expect(left.rows[0]!.n).toBe(3);
    const runs = await jobRuns(ctx.db);
    expect(runs).toEqual([expect.objectContaining({ job: 'cleanup-prices', rows_affected: 7, triggered_by: 'manual', runs: 1 })]);
    // A scheduled run within 24 h of it is skipped; a manual one is not.
    expect(await runJob(ctx.db, 'cleanup-prices', { trigger: 'scheduler' })).toMatchObject({ ran: false, reason: 'recent' });
    expect(await runJob(ctx.db, 'cleanup-prices', { trigger: 'manual' })).toMatchObject({ ran: true, rowsDeleted: 0 });
    expect((await jobRuns(ctx.db))[0]).toMatchObject({ runs: 2, rows_affected: 0 });
  });

  it('the scheduler runs the job when due, skips it when it ran recently, and stops cleanly', async () => {
    await addPrices(2, 0);
    const logs: string[] = [];
    const s = await startJobScheduler(ctx.db, { firstCheckAfterMs: 3_600_000, log: (l) => logs.push(l) });
    expect(s.mode).toBe('in-process');
    expect(await s.tick()).toMatchObject({ ran: false, reason: 'recent' }); // the manual run above counts
    await ctx.db.query(`UPDATE tripsage.job_runs SET last_finished_at = now() - interval '25 hours'`);
    expect(await s.tick()).toMatchObject({ ran: true, rowsDeleted: 2 });
    expect(logs).toContain('jobs: cleanup-prices deleted 2 row(s) from price_history');
    // As a restarted instance: the run just recorded keeps it from running again.
    const again = await startJobScheduler(ctx.db, { firstCheckAfterMs: 0 });
    expect(await again.tick()).toMatchObject({ ran: false, reason: 'recent' });
    await again.stop();
    await s.stop();
    expect(await s.tick()).toBeUndefined();
  });

  if (ctx.backend === 'postgres') {
    it('of several instances only one runs it: the others see the advisory lock and move on', async () => {
      const other = await openDatabase({ databaseUrl: ctx.url!, poolSize: 1 });
      try {
        await other.withSession(async (s) => {
          await s.query(`SELECT pg_advisory_lock(${JOB_LOCK_KEY})`);
          try {
            expect(await runJob(ctx.db, 'cleanup-prices', { trigger: 'manual' })).toMatchObject({ ran: false, reason: 'locked' });
          } finally {
            await s.query(`SELECT pg_advisory_unlock(${JOB_LOCK_KEY})`);
          }
        });
      } finally {
        await other.close();
      }
      await ctx.db.query(`UPDATE tripsage.job_runs SET last_finished_at = now() - interval '25 hours'`);
      const outcomes = await Promise.all(Array.from({ length: 4 }, () => runJob(ctx.db, 'cleanup-prices', { trigger: 'scheduler' })));
      expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
    });

    it('`tripsage jobs run cleanup-prices` prints the rows deleted; `db stats` prints the table', async () => {
      await addPrices(4, 0);
      const run = async (args: string[]) => {
        const r = await tripsage(['--database-url', ctx.url!, ...args], { LOG_LEVEL: 'silent' });
        expect(r.code, r.stderr).toBe(0);
        return r;
      };
      expect((await run(['jobs', 'run', 'cleanup-prices'])).stdout).toMatch(/cleanup-prices: deleted 4 rows from price_history/);
      expect((await run(['jobs', 'status'])).stdout).toMatch(/cleanup-prices\s+last finished .* \(manual\), 4 rows/);
      const stats = (await run(['db', 'stats'])).stdout;
      expect(stats).toMatch(/^table\s+rows\s+size$/m);
      expect(stats).toMatch(/^price_history\s+\d+\s+\d+ \w+$/m);
      expect(stats).toMatch(/^memory_embeddings\s+\(absent\)/m); // the memory feature is off on this backend
    });
  }

  it('admin routes are for service_role only: users get 403, anonymous callers 401', async () => {
    for (const path of ['slow-queries', 'table-sizes', 'stats']) {
      const url = `/api/v1/admin/${path}`;
      expect((await t.app.inject({ method: 'GET', url, headers: user.headers })).statusCode, url).toBe(403);
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
    }
  });

  it('admin stats: exact rows of the 16 tables; table sizes; slow queries or a note', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/admin/stats', headers: service });
    expect(r.statusCode, r.body).toBe(200);
    const stats = r.json() as Array<{ table: string; rows: number | null }>;
    expect(stats.map((s) => s.table)).toEqual([...SEED_TABLES]);
    const count = async (table: string) => (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.${table}`)).rows[0]!.n;
    expect(stats.find((s) => s.table === 'price_history')!.rows).toBe(await count('price_history'));
    expect(stats.find((s) => s.table === 'users')!.rows).toBe(await count('users'));
    expect(stats.find((s) => s.table === 'memory_embeddings')!.rows).toBe(ctx.memory ? 0 : null);

    const sizes = await t.app.inject({ method: 'GET', url: '/api/v1/admin/table-sizes', headers: service });
    expect(sizes.statusCode, sizes.body).toBe(200);
    expect(sizes.json()).toContainEqual(expect.objectContaining({ schemaname: 'public', tablename: 'price_history', total_bytes: expect.any(Number) }));

    const slow = await t.app.inject({ method: 'GET', url: '/api/v1/admin/slow-queries', headers: service });
    expect(slow.statusCode, slow.body).toBe(200);
    const body = slow.json();
    if (body.available) expect(body.note).toBeNull();
    else expect(body).toMatchObject({ queries: [], note: expect.stringMatching(/pg_stat_statements/) });
  });
});
