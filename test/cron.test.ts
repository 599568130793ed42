/**
 * Where the database has pg_cron, migrating schedules cleanup_old_price_history() there and the
 * server's own scheduler stands down. A cluster of its own: pg_cron must be preloaded and bound to
 * one database (cron.database_name).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { cronSchedulesCleanup } from '../src/ops/jobs.ts';
import { startJobScheduler } from '../src/ops/scheduler.ts';
import { findPgBinaries, startPgCluster } from './harness/pg-cluster.ts';

const bins = findPgBinaries();
const hasCron = !!bins && existsSync(join(bins.binDir, '..', 'lib', 'pg_cron.so'));
if (!hasCron && process.env.CI === 'true' && bins) {
  throw new Error('CI=true: pg_cron is needed for test/cron.test.ts (apt-get install postgresql-15-cron; .ci/run does)');
}

if (hasCron) {
  describe('pg_cron scheduling [postgres with pg_cron]', () => {
    it('migrate schedules the daily cleanup in pg_cron, once; the in-process scheduler stands down', async () => {
      const cluster = await startPgCluster({ own: true, preload: ['pg_cron'], settings: { 'cron.database_name': 'postgres' } });
      const db = await openDatabase({ databaseUrl: cluster.url, poolSize: 2 });
      try {
        await migrate(db, { features: { memory: false } });
        await migrate(db, { features: { memory: false } });
        const jobs = await db.query<{ jobname: string; schedule: string; command: string }>(`SELECT jobname, schedule, command FROM cron.job`);
        expect(jobs.rows).toEqual([{ jobname: 'cleanup-price-history', schedule: '0 2 * * *', command: 'SELECT public.cleanup_old_price_history()' }]);
        expect(await cronSchedulesCleanup(db)).toBe(true);
        const scheduler = await startJobScheduler(db, { firstCheckAfterMs: 60_000 });
        expect(scheduler.mode).toBe('cron');
        await scheduler.stop();
      } finally {
        await db.close();
        await cluster.stop();
      }
    });
  });
}
