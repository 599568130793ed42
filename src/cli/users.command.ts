/**
 * `tripsage users create --email X [--password Y] | list [--json] | delete --email X`: operator
 * account management. Identities are written as service_role through the identity service's
 * repository and scrypt hashing (src/auth/passwords.ts). Pending migrations are applied first.
 */
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { AccountError, createAccount, deleteAccount, generatePassword, listAccounts, normalizeEmail } from '../trips/accounts.ts';
import { CliError, configOf, print, withDatabase } from './context.ts';

/** Opens the database with every pending migration applied (progress on stderr: stdout may be data). */
export async function withMigratedDatabase<T>(config: Config, fn: (db: Database) => Promise<T>): Promise<T> {
  return withDatabase(config, async (db) => {
    const r = await migrate(db, { features: { memory: config.memory } });
    if (r.applied.length) process.stderr.write(`applied ${r.applied.length} pending migration(s)\n`);
    return fn(db);
  });
}

/** Turns the account module's user-facing errors into CLI errors (message, exit 1, no stack). */
export async function cli<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AccountError) throw new CliError(e.message);
    throw e;
  }
}

export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('user accounts (operators): create, list, delete');

  users
    .command('create')
    .description('create a user with a confirmed email; without --password a random one is generated and printed')
    .requiredOption('--email <email>', 'the email address (login name)')
    .option('--password <password>', 'the password (8–72 characters); mind your shell history')
    .action(async (opts: { email: string; password?: string }, cmd: Command) => {
      const password = opts.password ?? generatePassword();
      await withMigratedDatabase(configOf(cmd), (db) => cli(async () => {
        const id = await createAccount(db, opts.email, password);
        print(`created user ${normalizeEmail(opts.email)} (id ${id})`);
        if (!opts.password) print(`password: ${password}`);
      }));
    });

  users
    .command('list')
    .description('every user: id, email, trips, created, last sign-in')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withMigratedDatabase(configOf(cmd), async (db) => {
        const rows = await listAccounts(db);
        if (opts.json) return print(JSON.stringify(rows, null, 2));
        if (!rows.length) return print('no users yet: tripsage users create --email you@example.com');
        for (const u of rows) {
          print(`${u.id}  ${u.email.padEnd(36)}  trips ${String(u.trips).padStart(3)}  created ${u.created_at ?? '-'}  last sign-in ${u.last_sign_in_at ?? 'never'}`);
        }
      });
    });

  users
    .command('delete')
    .description('delete a user and everything they own (trips, chats, keys, memories)')
    .requiredOption('--email <email>', 'the email address')
    .action(async (opts: { email: string }, cmd: Command) => {
      await withMigratedDatabase(configOf(cmd), async (db) => {
        if (!(await deleteAccount(db, opts.email))) throw new CliError(`no user with email ${normalizeEmail(opts.email)}`);
        print(`deleted user ${normalizeEmail(opts.email)} and everything they owned`);
      });
    });
}
