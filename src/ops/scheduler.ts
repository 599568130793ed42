/**
 * The in-process scheduler of `tripsage serve`, for databases without pg_cron: every hour (by
 * default) it asks the database whether the daily cleanup is due and, if so, runs it. The
 * database decides: the advisory lock lets one instance of many run it, and tripsage.job_runs
 * makes "daily" survive restarts (see jobs.ts). Timers are unref'd: they never keep the process up.
 *
 * For src/http/server.ts:  const jobs = await startJobScheduler(db, { log });  …  await jobs.stop();
 */
import type { Database } from '../db/database.ts';
import { cronSchedulesCleanup, DAY_MS, runJob, type JobOutcome } from './jobs.ts';

export interface SchedulerOptions {
  /** How often to check whether the job is due (default 1 hour). */
  checkEveryMs?: number;
  /** The job's period (default 24 hours). */
  minIntervalMs?: number;
  /** Delay of the first check after start (default 10 s; start-up is not slowed). */
  firstCheckAfterMs?: number;
  log?: (line: string) => void;
  /** Run even where pg_cron schedules the cleanup (default false). */
  ignoreCron?: boolean;
}

export interface JobScheduler {
  /** 'cron': pg_cron schedules the job, nothing runs in-process. */
  readonly mode: 'in-process' | 'cron';
  /** One check now (what the timer does); resolves with the outcome, undefined if one is in flight or it failed. */
  tick(): Promise<JobOutcome | undefined>;
  /** Stops the timers and waits for a running job to finish. */
  stop(): Promise<void>;
}

export async function startJobScheduler(db: Database, opts: SchedulerOptions = {}): Promise<JobScheduler> {
  const log = opts.log ?? (() => {});
  if (!opts.ignoreCron && (await cronSchedulesCleanup(db))) {
    log('jobs: pg_cron schedules cleanup_old_price_history(); the in-process scheduler is off');
    return { mode: 'cron', tick: async () => undefined, stop: async () => {} };
  }
  let inFlight: Promise<JobOutcome | undefined> | undefined;
  let stopped = false;
  const tick = (): Promise<JobOutcome | undefined> => {
    if (stopped || inFlight) return Promise.resolve(undefined);
    inFlight = runJob(db, 'cleanup-prices', { trigger: 'scheduler', minIntervalMs: opts.minIntervalMs ?? DAY_MS })
      .then((o) => {
        if (o.ran) log(`jobs: cleanup-prices deleted ${o.rowsDeleted} row(s) from price_history`);
        else log(`jobs: cleanup-prices skipped (${o.reason === 'locked' ? 'another instance is running it' : 'it ran less than a day ago'})`);
        return o;
      })
      .catch((e: unknown) => {
        log(`jobs: cleanup-prices failed: ${(e as Error).message}`);
        return undefined;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  const first = setTimeout(() => void tick(), opts.firstCheckAfterMs ?? 10_000);
  const every = setInterval(() => void tick(), opts.checkEveryMs ?? 60 * 60 * 1000);
  first.unref();
  every.unref();
  return {
    mode: 'in-process',
    tick,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await inFlight;
    },
  };
}
