/**
 * `tripsage export --email X [--trip ID] [--output FILE]`: a user's trips as one JSON document
 * ({format: 'tripsage.trips', version: 1, trips: […]}, or one 'tripsage.trip' with --trip), read
 * as that user under RLS. Writes to stdout unless --output is given.
 */
import type { Command } from 'commander';
import { asCaller, userCaller } from '../db/transaction.ts';
import { isDomainError } from '../domain/errors.ts';
import { userIdByEmail } from '../accounts/accounts.ts';
import { exportTrip, exportTrips } from '../trips/transfer.ts';
import { configOf, withMigratedDatabase } from './context.ts';
import { CliError } from './errors.ts';
import { note, plural, printRaw } from './output.ts';
import { checkOutputFolder, writeOwnerOnly } from '../util/files.ts';

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
      if (opts.output) checkOutputFolder(opts.output);
      await withMigratedDatabase(configOf(cmd), async (db) => {
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
          writeOwnerOnly(opts.output, text); // a user's trips: owner-only
          const n = Array.isArray((doc as { trips?: unknown[] }).trips) ? (doc as { trips: unknown[] }).trips.length : 1;
          note(`wrote ${plural(n, 'trip')} to ${opts.output}`);
        } else {
          printRaw(text);
        }
      });
    });
}
