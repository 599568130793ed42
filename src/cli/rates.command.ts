/**
 * `tripsage rates import rates.csv`: exchange rates from a CSV file with the header
 * `base,quote,rate,as_of` (and optionally `source`), written as service_role (a trusted job) in
 * one transaction: a bad row names its line and imports nothing. An existing (base, quote, as_of)
 * is replaced. FILE '-' reads stdin.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { asCaller, SERVICE } from '../db/transaction.ts';
import { upsertRates, type RateInput } from '../trips/currency.repo.ts';
import { MAX_RATE_BATCH, rateIn } from '../trips/currency.schemas.ts';
import { configOf, withMigratedDatabase } from './context.ts';
import { CliError } from './errors.ts';
import { plural, print } from './output.ts';

const COLUMNS = ['base', 'quote', 'rate', 'as_of', 'source'];

/** The file's rates, validated with the API's own schema; CliError naming the first bad line. */
export function readRates(file: string): RateInput[] {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (e) {
    throw new CliError(`${file} is not valid CSV: ${(e as Error).message}`);
  }
  const header = records.length ? Object.keys(records[0]!) : [];
  const unknown = header.filter((c) => !COLUMNS.includes(c));
  if (unknown.length || !['base', 'quote', 'rate', 'as_of'].every((c) => header.includes(c))) {
    throw new CliError(`${file}: the header must be base,quote,rate,as_of[,source] (found: ${header.join(',') || 'no rows'})`);
  }
  return records.map((r, i) => {
    const parsed = rateIn.safeParse({ ...r, source: r.source || null });
    // Line numbers count the header as line 1.
    if (!parsed.success) throw new CliError(`${file}, line ${i + 2}: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`);
    return parsed.data as RateInput;
  });
}

export function registerRatesCommands(program: Command): void {
  const rates = program.command('rates').description('exchange rates used to convert costs into a trip\'s currency');
  rates
    .command('import')
    .description('import exchange rates from a CSV file (base,quote,rate,as_of[,source]); all or nothing')
    .argument('<file>', "the CSV file ('-' for stdin)")
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const rows = readRates(file);
      await withMigratedDatabase(configOf(cmd), async (db) => {
        const written = await asCaller(db, SERVICE, async (trx) => {
          let n = 0;
          for (let i = 0; i < rows.length; i += MAX_RATE_BATCH) n += await upsertRates(trx, rows.slice(i, i + MAX_RATE_BATCH));
          return n;
        });
        print(`imported ${plural(written, 'exchange rate')} from ${file}`);
      });
    });
}
