import type { Command } from 'commander';
import { backupDatabase, restoreDatabase } from '../db/backup.ts';
import type { Database } from '../db/database.ts';
import { formatFindings, lintDatabase } from '../db/linter.ts';
import { migrate, migrationStatus, resetDatabase } from '../db/migrate.ts';
import { configOf, withDatabase } from './context.ts';
import { CliError } from './errors.ts';
import { plural, print } from './output.ts';
import { checkOutputFolder } from '../util/files.ts';

async function isSupabase(db: Database): Promise<boolean> {
  const r = await db.query(`SELECT 1 FROM pg_roles WHERE rolname IN ('supabase_admin', 'supabase_auth_admin') LIMIT 1`);
  return r.rows.length > 0;
}

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database schema: migrate, status, verify, reset');

  db.command('migrate')
    .description('apply pending migrations (each once, in a transaction, under an advisory lock)')
    .action(async (_opts, cmd: Command) => {
      const config = configOf(cmd);
      await withDatabase(config, async (database) => {
        print(`database: ${database.location} (${database.backend})`);
        const r = await migrate(database, { features: { memory: config.memory }, log: (l) => print(`  ${l}`) });
        if (!r.applied.length && !r.skipped.length) print('up to date: nothing to apply');
        if (!config.memory) print('memory feature: off (TRIPSAGE_MEMORY=off); its table is not migrated');
      });
    });

  db.command('status')
    .description('applied, skipped, pending and drifted migrations')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withDatabase(configOf(cmd), async (database) => {
        const s = await migrationStatus(database);
        if (opts.json) {
          print(JSON.stringify({ ...s, pending: s.pending.map((p) => p.name) }, null, 2));
        } else {
          print(`database: ${database.location} (${database.backend})`);
          for (const r of s.applied) print(`  applied  ${r.name}  ${r.applied_at}`);
          for (const r of s.skipped) print(`  skipped  ${r.name}  (feature off when migrated)`);
          for (const p of s.pending) print(`  pending  ${p.name}`);
          for (const d of s.drift) print(`  DRIFT    ${d.name}  recorded ${d.recorded.slice(0, 12)} ≠ file ${d.current.slice(0, 12)}`);
          for (const x of s.superseded) print(`  applied  ${x.name}  (an earlier version; the next migrate re-records it)`);
          for (const u of s.unknown) print(`  unknown  ${u.name}  (recorded, but no such file here)`);
        }
        if (s.drift.length) throw new CliError('drift: an applied migration file was edited', 2);
      });
    });

  db.command('verify')
    .description('lint the live database with the Supabase checks; exit 1 on ERROR findings')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withDatabase(configOf(cmd), async (database) => {
        const findings = await lintDatabase((t, p) => database.query(t, p));
        const s = await migrationStatus(database);
        if (opts.json) print(JSON.stringify({ findings, drift: s.drift, pending: s.pending.map((p) => p.name) }, null, 2));
        else {
          print(findings.length ? formatFindings(findings) : 'linter: no findings');
          if (s.pending.length) print(`pending migrations: ${s.pending.map((p) => p.name).join(', ')}`);
          for (const d of s.drift) print(`DRIFT: ${d.name} was edited after it was applied`);
        }
        const errors = findings.filter((f) => f.level === 'ERROR').length;
        if (errors || s.drift.length) {
          throw new CliError(`verify failed: ${plural(errors, 'ERROR finding')}, ${plural(s.drift.length, 'drifted migration')}`);
        }
      });
    });

  db.command('reset')
    .description('drop every TripSage schema and its data, then migrate afresh')
    .option('--yes', 'confirm: this deletes all data')
    .action(async (opts: { yes?: boolean }, cmd: Command) => {
      if (!opts.yes) throw new CliError('db reset deletes all data: run it again with --yes to confirm');
      const config = configOf(cmd);
      await withDatabase(config, async (database) => {
        if (await isSupabase(database)) {
          throw new CliError('refusing to reset a Supabase database (its auth schema belongs to Supabase); use the Supabase dashboard');
        }
        await resetDatabase(database);
        print(`reset ${database.location}`);
        await migrate(database, { features: { memory: config.memory }, log: (l) => print(`  ${l}`) });
      });
    });
}

export function registerBackupCommands(program: Command): void {
  const db = program.commands.find((c) => c.name() === 'db')!;
  db.command('backup <file>')
    .description('write a backup: PGlite data-dir dump (embedded) or pg_dump custom format (server)')
    .action(async (file: string, _opts, cmd: Command) => {
      const config = configOf(cmd);
      checkOutputFolder(file);
      await withDatabase(config, (database) => backupDatabase(database, file, config.databaseUrl));
      print(`backup written to ${file}`);
      if (!config.databaseUrl) print(`note: also keep ${config.dataDir}/jwt-secret and encryption-keys; they are not in the dump`);
    });
  db.command('restore <file>')
    .description('restore a backup made by `db backup` (replaces the current data)')
    .option('--yes', 'confirm: this replaces the current data')
    .action(async (file: string, opts: { yes?: boolean }, cmd: Command) => {
      if (!opts.yes) throw new CliError('db restore replaces the current data: run it again with --yes to confirm');
      const config = configOf(cmd);
      const kept = await restoreDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl }, file);
      print(`restored ${file}`);
      if (kept) print(`the previous data is kept in ${kept} (delete it when satisfied)`);
    });
}
