/**
 * `tripsage export --email X [--trip ID] [--output FILE]`: a user's trips as one JSON document
 * ({format: 'tripsage.trips', version: 1, trips: […]}, or one 'tripsage.trip' with --trip), read
 * as that user under RLS. Writes to stdout unless --output is given.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { asCaller, userCaller } from '../db/transaction.ts';
import { isDomainError } from '../domain/errors.ts';
import { userIdByEmail } from '../trips/accounts.ts';
import { exportTrip, exportTrips } from '../trips/transfer.ts';
import { CliError, configOf } from './context.ts';
import { cli, withMigratedDatabase } from './users.command.ts';

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description("export a user's trips with everything planned under them as JSON (import with `tripsage import`)")
    .requiredOption('--email <email>', 'whose trips')
    .option('--trip <id>', 'only this trip (a tripsage.trip document)')
    .option('--output <file>', 'write to this file instead of stdout')
    .action(async (opts: { email: string; trip?: string; output?: string }, cmd: Command) => {
      const tripId = opts.trip === undefined ? undefined : Number(opts.trip);
      if (tripId !== undefined && !(Number.isSafeInteger(tripId) && tripId > 0)) throw new CliError('--trip must be a trip id');
      await withMigratedDatabase(configOf(cmd), (db) => cli(async () => {
        const userId = await userIdByEmail(db, opts.email);
        const doc = await asCaller(db, userCaller(userId), async (trx) => {
          if (tripId === undefined) return exportTrips(trx);
          try {
            return await exportTrip(trx, tripId);
          } catch (e) {
            if (isDomainError(e, 'not_found')) throw new CliError(`trip ${tripId} not found for ${opts.email}`);
            throw e;
          }
        }, { readOnly: true });
        const text = `${JSON.stringify(doc, null, 2)}\n`;
        if (opts.output) {
          writeFileSync(opts.output, text);
          const n = Array.isArray((doc as { trips?: unknown[] }).trips) ? (doc as { trips: unknown[] }).trips.length : 1;
          process.stderr.write(`wrote ${n} trip(s) to ${opts.output}\n`);
        } else {
          process.stdout.write(text);
        }
      }));
    });
}
