/**
 * `tripsage users create --email X [--password Y] | list [--json] | delete --email X --yes`:
 * operator account management. Identities are written as service_role through the identity
 * service's repository and scrypt hashing (src/accounts/accounts.ts). Pending migrations are
 * applied first.
 */
import type { Command } from 'commander';
import { createAccount, deleteAccount, generatePassword, listAccounts, normalizeEmail } from '../accounts/accounts.ts';
import { configOf, withMigratedDatabase } from './context.ts';
import { CliError } from './errors.ts';
import { plural, print } from './output.ts';

export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('user accounts (operators): create, list, delete');

  users
    .command('create')
    .description('create a user with a confirmed email; without --password a random one is generated and printed')
    .requiredOption('--email <email>', 'the email address (login name)')
    .option('--password <password>', 'the password (8–72 characters); mind your shell history')
    .action(async (opts: { email: string; password?: string }, cmd: Command) => {
      const password = opts.password ?? generatePassword();
      await withMigratedDatabase(configOf(cmd), async (db) => {
        const id = await createAccount(db, opts.email, password);
        print(`created user ${normalizeEmail(opts.email)} (id ${id})`);
        if (!opts.password) print(`password: ${password}`);
      });
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
          print(`${u.id}  ${u.email.padEnd(36)}  ${plural(u.trips, 'trip').padStart(9)}  created ${u.created_at ?? '-'}  last sign-in ${u.last_sign_in_at ?? 'never'}`);
        }
      });
    });

  users
    .command('delete')
    .description('delete a user and everything they own (trips, chats, keys, memories)')
    .requiredOption('--email <email>', 'the email address')
    .option('--yes', 'confirm: this deletes the user and everything they own')
    .action(async (opts: { email: string; yes?: boolean }, cmd: Command) => {
      const email = normalizeEmail(opts.email);
      if (!opts.yes) throw new CliError(`users delete removes ${email} and everything they own: run it again with --yes to confirm`);
      await withMigratedDatabase(configOf(cmd), async (db) => {
        if (!(await deleteAccount(db, email))) throw new CliError(`no user with email ${email}`);
        print(`deleted user ${email} and everything they owned`);
      });
    });
}
