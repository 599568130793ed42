/**
 * `tripsage jobs run cleanup-prices` runs a maintenance job now (still under the jobs' advisory
 * lock, so never twice at once); `tripsage jobs status` shows the last run of each.
 */
import type { Command } from 'commander';
import { isJobName, jobRuns, JOBS, runJob } from '../ops/jobs.ts';
import { configOf, withDatabase } from './context.ts';
import { CliError } from './errors.ts';
import { plural, print } from './output.ts';

export function registerJobsCommands(program: Command): void {
  const jobs = program.command('jobs').description(`maintenance jobs: ${JOBS.join(', ')}`);

  jobs
    .command('run <job>')
    .description('run a job now, whatever its schedule (cleanup-prices: delete price_history rows older than a year)')
    .action(async (job: string, _opts: unknown, cmd: Command) => {
      if (!isJobName(job)) throw new CliError(`unknown job "${job}"; jobs: ${JOBS.join(', ')}`);
      await withDatabase(configOf(cmd), async (db) => {
        const r = await runJob(db, job, { trigger: 'manual' });
        if (!r.ran) throw new CliError(`${job} is running in another process right now; try again later`, 3);
        print(`${job}: deleted ${plural(r.rowsDeleted, 'row')} from price_history`);
      });
    });

  jobs
    .command('status')
    .description('the last run of each job')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withDatabase(configOf(cmd), async (db) => {
        const runs = await jobRuns(db);
        if (opts.json) return print(JSON.stringify(runs, null, 2));
        if (!runs.length) return print('no job has run yet');
        for (const r of runs) print(`${r.job}  last finished ${r.last_finished_at} (${r.triggered_by}), ${plural(r.rows_affected, 'row')}, ${plural(r.runs, 'run')}`);
      });
    });
}
