/**
 * `tripsage demo [--users N] [--seed S]`: demo users with realistic trips, itineraries, chats,
 * price series and (when the memory table exists) memories; then how to sign in.
 */
import type { Command } from 'commander';
import { createDemo, DEMO_PASSWORD } from '../trips/demo.ts';
import { CliError, configOf, print } from './context.ts';
import { cli, withMigratedDatabase } from './users.command.ts';

const int = (name: string, min: number, max: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new CliError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
};

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('create (or re-create) demo users with realistic trips, chats, prices and memories (deterministic)')
    .option('--users <n>', 'how many demo users', int('users', 1, 50), 3)
    .option('--seed <n>', 'PRNG seed: the same seed gives the same data', int('seed', 0, 2 ** 31 - 1), 42)
    .action(async (opts: { users: number; seed: number }, cmd: Command) => {
      const config = configOf(cmd);
      await withMigratedDatabase(config, (db) => cli(async () => {
        print(`creating ${opts.users} demo user(s) (seed ${opts.seed}) in ${db.location} (${db.backend})`);
        const r = await createDemo(db, {
          users: opts.users,
          seed: opts.seed,
          onProgress: (done, total, label) => print(`  [${done}/${total}] ${label}`),
        });
        print(`memories: ${r.memories}`);
        print('');
        print('Sign in as any demo user (password for all of them: ' + DEMO_PASSWORD + '):');
        for (const u of r.users) print(`  ${u.email}`);
        const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
        print('');
        print('Start the server (tripsage serve), then:');
        print(`  curl -s -X POST '${base}/auth/v1/token?grant_type=password' -H 'content-type: application/json' \\`);
        print(`       -d '{"email":"${r.users[0]?.email}","password":"${DEMO_PASSWORD}"}'`);
        print(`  curl -s ${base}/api/v1/trips -H "authorization: Bearer <access_token>"`);
        print(`API docs: ${base}/docs`);
      }));
    });
}
