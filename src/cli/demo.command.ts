/**
 * `tripsage demo [--users N] [--seed S]`: demo users with realistic trips, chats, searches,
 * prices and (when the memory table exists) memories, dated relative to today; then how to serve
 * exactly this database and what to try.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { createDemo, DEMO_PASSWORD, type DemoUser } from '../trips/demo.ts';
import { configOf, serverUrl, withMigratedDatabase } from './context.ts';
import { CliError } from './errors.ts';
import { plural, print } from './output.ts';

const int = (name: string, min: number, max: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new CliError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
};

const counts = (u: DemoUser) =>
  [plural(u.trips, 'trip'), plural(u.chats, 'chat'), plural(u.searches, 'search', 'searches'), plural(u.memories, 'memory', 'memories')].join(', ');

/** The command that serves the database the demo was written to. */
function serveCommand(config: Config): string {
  const target = config.databaseUrl ? `--database-url "$DATABASE_URL"` : `--data-dir ${JSON.stringify(resolve(config.dataDir))}`;
  const port = config.port === 8787 ? '' : ` --port ${config.port}`;
  return `npx tripsage ${target} serve${port}`;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('create (or re-create) demo users with trips, chats, searches, prices and memories, dated from today (deterministic per seed and day)')
    .option('--users <n>', 'how many demo users', int('users', 1, 50), 3)
    .option('--seed <n>', 'PRNG seed: the same seed gives the same data', int('seed', 0, 2 ** 31 - 1), 42)
    .action(async (opts: { users: number; seed: number }, cmd: Command) => {
      const config = configOf(cmd);
      await withMigratedDatabase(config, async (db) => {
        print(`creating ${plural(opts.users, 'demo user')} (seed ${opts.seed}) in ${db.location} (${db.backend})`);
        const r = await createDemo(db, {
          users: opts.users,
          seed: opts.seed,
          onProgress: (done, total, what) =>
            print(`  [${done}/${total}] ${'email' in what ? `${what.email}: ${counts(what)}` : `price history: ${plural(what.priceHistoryRows, 'observation')} over the last 30 days`}`),
        });
        print(`memories: ${r.memories}`);
        const base = serverUrl(config);
        const email = r.users[0]!.email;
        print('');
        print(`Serve this database:  ${serveCommand(config)}`);
        print(`Then sign in as any demo user (password for all of them: ${DEMO_PASSWORD}):`);
        print(`  TOKEN=$(curl -s -X POST '${base}/auth/v1/token?grant_type=password' -H 'content-type: application/json' \\`);
        print(`          -d '{"email":"${email}","password":"${DEMO_PASSWORD}"}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`);
        print(`  curl -s ${base}/api/v1/trips -H "authorization: Bearer $TOKEN"`);
        print(`  curl -s ${base}/api/v1/search-history/insights -H "authorization: Bearer $TOKEN"`);
        print(`  curl -s ${base}/api/v1/prices/deals -H "authorization: Bearer $TOKEN"`);
        print(`  curl -s -X POST ${base}/api/v1/memories/search -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"query":"boutique hotels"}'`);
        print(`  curl -s ${base}${r.sharedTripPath}    # ${r.users[0]!.email}'s next trip, shared by link (no sign-in)`);
        print(`API docs: ${base}/docs`);
      });
    });
}
