/**
 * `tripsage import --email X FILE`: creates copies of the trips in a 'tripsage.trips' or
 * 'tripsage.trip' document for that user, as that user (RLS), in one transaction: an invalid
 * document or any row the database refuses imports nothing. FILE '-' reads stdin.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { asCaller, userCaller } from '../db/transaction.ts';
import { userIdByEmail } from '../accounts/accounts.ts';
import { anyDocument, importDocument } from '../trips/transfer.ts';
import { configOf, withMigratedDatabase } from './context.ts';
import { CliError } from './errors.ts';
import { plural, print } from './output.ts';

/** How each part of a trip document is counted: one, many. */
const NOUNS: Record<string, [string, string]> = {
  flights: ['flight', 'flights'],
  accommodations: ['accommodation', 'accommodations'],
  transportation: ['transfer', 'transfers'],
  itinerary_items: ['itinerary item', 'itinerary items'],
  notes: ['note', 'notes'],
  saved_options: ['saved option', 'saved options'],
};

function readDocument(file: string) {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const parsed = anyDocument.safeParse(json);
  if (!parsed.success) throw new CliError(`${file} is not a TripSage trips document:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import trips exported with `tripsage export` as new trips of a user (all or nothing)')
    .requiredOption('--email <email>', 'the user who will own the copies')
    .argument('<file>', "the JSON document ('-' for stdin)")
    .action(async (file: string, opts: { email: string }, cmd: Command) => {
      const doc = readDocument(file);
      await withMigratedDatabase(configOf(cmd), async (db) => {
        const userId = await userIdByEmail(db, opts.email);
        const result = await asCaller(db, userCaller(userId), (trx) => importDocument(trx, userId, doc));
        for (const r of result) {
          const counts = Object.entries(r.counts).map(([k, v]) => plural(v, ...(NOUNS[k] ?? [k, k]))).join(', ');
          print(`imported trip ${r.trip.id} "${String(r.trip.name)}" (${counts})`);
        }
        print(`imported ${plural(result.length, 'trip')} for ${opts.email}`);
      });
    });
}
