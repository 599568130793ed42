/**
 * Maintenance jobs: `cleanup-prices` calls public.cleanup_old_price_history() (price_history rows
 * ingested more than a year ago).
 *
 * One run = one service_role transaction that first takes pg_try_advisory_xact_lock(JOB_LOCK_KEY):
 * of several instances only one runs at a time, and the others do not wait. The run is recorded
 * in tripsage.job_runs in the same transaction, so a scheduled run is skipped when one finished
 * less than `minIntervalMs` ago (a restarted instance, or a second one, does not rerun it).
 */
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { becomeCaller, SERVICE } from '../db/transaction.ts';
import { translateDbError } from '../db/errors.ts';

export const JOBS = ['cleanup-prices'] as const;
export type JobName = (typeof JOBS)[number];

/** pg_try_advisory_xact_lock key of the maintenance jobs: the first 8 bytes of sha256('tripsage.jobs') as a signed big-endian int64, fixed forever. */
export const JOB_LOCK_KEY = '4298790276111147206';
export const DAY_MS = 24 * 60 * 60 * 1000;

export type JobOutcome =
  | { job: JobName; ran: true; rowsDeleted: number; finishedAt: string }
  | { job: JobName; ran: false; reason: 'locked' | 'recent'; lastFinishedAt?: string };

export interface RunOptions {
  /** 'manual' ignores the interval (but never the lock). */
  trigger: 'scheduler' | 'manual';
  /** A scheduled run is skipped if the last one finished less than this ago (default 24 h). */
  minIntervalMs?: number;
}

export function isJobName(name: string): name is JobName {
  return (JOBS as readonly string[]).includes(name);
}

export async function runJob(db: Database, job: JobName, opts: RunOptions): Promise<JobOutcome> {
  const minIntervalMs = opts.minIntervalMs ?? DAY_MS;
  try {
    return await db.kysely.transaction().execute(async (trx) => {
      await becomeCaller(trx, SERVICE);
      const lock = await sql<{ got: boolean }>`SELECT pg_try_advisory_xact_lock(${JOB_LOCK_KEY}::bigint) AS got`.execute(trx);
      if (!lock.rows[0]!.got) return { job, ran: false, reason: 'locked' } as const;
      // READ COMMITTED: read after the lock is ours, so a run committed by another instance is seen.
      const last = await sql<{ last_finished_at: string; recent: boolean }>`
        SELECT last_finished_at, last_finished_at > now() - make_interval(secs => ${minIntervalMs / 1000}::float8) AS recent
        FROM tripsage.job_runs WHERE job = ${job}`.execute(trx);
      const prev = last.rows[0];
      if (opts.trigger === 'scheduler' && prev?.recent) {
        return { job, ran: false, reason: 'recent', lastFinishedAt: prev.last_finished_at } as const;
      }
      const started = await sql<{ t: string }>`SELECT clock_timestamp() AS t`.execute(trx);
      const rowsDeleted = await cleanupPrices(trx);
      const done = await sql<{ last_finished_at: string }>`
        INSERT INTO tripsage.job_runs AS j (job, last_started_at, last_finished_at, rows_affected, triggered_by)
        VALUES (${job}, ${started.rows[0]!.t}::timestamptz, clock_timestamp(), ${rowsDeleted}, ${opts.trigger})
        ON CONFLICT (job) DO UPDATE SET
          last_started_at = excluded.last_started_at, last_finished_at = excluded.last_finished_at,
          rows_affected = excluded.rows_affected, triggered_by = excluded.triggered_by, runs = j.runs + 1
        RETURNING last_finished_at`.execute(trx);
      return { job, ran: true, rowsDeleted, finishedAt: done.rows[0]!.last_finished_at } as const;
    });
  } catch (e) {
    throw translateDbError(e);
  }
}

/** Rows the function deleted: this transaction's own delete counter for the table, before and after. */
async function cleanupPrices(trx: Parameters<typeof becomeCaller>[0]): Promise<number> {
  const counter = sql<{ n: number }>`SELECT pg_stat_get_xact_tuples_deleted('public.price_history'::regclass)::int AS n`;
  const before = (await counter.execute(trx)).rows[0]!.n;
  await sql`SELECT public.cleanup_old_price_history()`.execute(trx);
  return (await counter.execute(trx)).rows[0]!.n - before;
}

export interface JobRun {
  job: string;
  last_started_at: string;
  last_finished_at: string;
  rows_affected: number;
  triggered_by: string;
  runs: number;
}

export async function jobRuns(db: Database): Promise<JobRun[]> {
  try {
    return await db.kysely.transaction().execute(async (trx) => {
      await becomeCaller(trx, SERVICE);
      const r = await sql<JobRun>`SELECT job, last_started_at, last_finished_at, rows_affected, triggered_by, runs FROM tripsage.job_runs ORDER BY job`.execute(trx);
      return r.rows;
    });
  } catch (e) {
    throw translateDbError(e);
  }
}

/** Whether pg_cron schedules the cleanup in this database (then the in-process scheduler stays off). */
export async function cronSchedulesCleanup(db: Database): Promise<boolean> {
  try {
    const ext = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_catalog.pg_extension WHERE extname = 'pg_cron'`);
    if (!ext.rows[0]?.n) return false;
    const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cron.job WHERE jobname = 'cleanup-price-history' AND active`);
    return (r.rows[0]?.n ?? 0) > 0;
  } catch {
    return false; // no privilege on the cron schema: run it ourselves (idempotent either way)
  }
}
