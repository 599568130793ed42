/**
 * `tripsage db stats`: exact row counts and sizes of the 16 tables (what /api/v1/admin/stats returns).
 */
import type { Command } from 'commander';
import { asCaller, SERVICE } from '../db/transaction.ts';
import { tableStats, type TableStat } from '../ops/admin.repo.ts';
import { configOf, withDatabase } from './context.ts';
import { CliError } from './errors.ts';
import { print } from './output.ts';

export function formatStats(rows: TableStat[]): string {
  const header = ['table', 'rows', 'size'];
  const body = rows.map((r) => [r.table, r.rows === null ? '(absent)' : String(r.rows), r.size ?? '-']);
  const width = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ');
  return [line(header), width.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function registerDbStatsCommand(program: Command): void {
  const db = program.commands.find((c) => c.name() === 'db');
  if (!db) throw new CliError('internal: the db command must be registered before db stats');
  db.command('stats')
    .description('exact row count and size of each of the 16 tables')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withDatabase(configOf(cmd), async (database) => {
        const rows = await asCaller(database, SERVICE, (trx) => tableStats(trx), { readOnly: true });
        print(opts.json ? JSON.stringify(rows, null, 2) : formatStats(rows));
      });
    });
}
