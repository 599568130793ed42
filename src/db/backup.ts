/**
 * Backups. Embedded: PGlite's own data-directory dump (a gzipped tarball of the cluster).
 * Server: `pg_dump --format=custom` / `pg_restore --clean`, which must be on PATH (or in
 * /usr/lib/postgresql/<major>/bin) in a version at least the server's.
 *
 * Secrets kept in the embedded data directory (jwt-secret, encryption-keys) are NOT in the
 * database dump: back them up with it, or the stored API keys cannot be decrypted.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase } from './connect.ts';
import type { Database } from './database.ts';
import { lockDataDir, pgDataPath } from './data-dir.ts';
import { createOwnerOnly, writeOwnerOnly } from '../util/files.ts';

const run = promisify(execFile);

export class BackupError extends Error {}

function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const p = `/usr/lib/postgresql/${v}/bin/${name}`;
    if (existsSync(p)) return p;
  }
  return name; // on PATH, or execFile reports ENOENT
}

async function tool(name: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  try {
    await run(pgTool(name), args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new BackupError(`${name} not found: install the PostgreSQL client tools (apt-get install postgresql-client)`);
    throw new BackupError(`${name} failed: ${(err.stderr ?? err.message).trim()}`);
  }
}

/** Both kinds of backup hold password hashes and encrypted keys: the file is owner-only (0600). */
export async function backupDatabase(db: Database, file: string, databaseUrl?: string): Promise<void> {
  if (db.backend === 'pglite') {
    const pglite = (db as unknown as { pglite: PGlite }).pglite;
    const blob = await pglite.dumpDataDir('gzip');
    writeOwnerOnly(file, Buffer.from(await blob.arrayBuffer()));
    return;
  }
  if (!databaseUrl) throw new BackupError('backup of a server database needs its URL');
  createOwnerOnly(file); // pg_dump writes into it and keeps its mode
  await tool('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${databaseUrl}`]);
}

/** Whether the embedded cluster holds anything of TripSage's (an unmigrated one holds nothing). */
async function holdsData(dataDir: string): Promise<boolean> {
  const db = await openDatabase({ dataDir }); // also: the lock, so a running server is never restored under
  try {
    const r = await db.query<{ t: string | null }>(`SELECT to_regclass('tripsage.schema_migrations')::text AS t`);
    return r.rows[0]?.t != null;
  } finally {
    await db.close();
  }
}

/**
 * Embedded: the current cluster, if it holds any TripSage data, is kept beside the restored one
 * as `pgdata.before-restore-<time>` (delete it once satisfied); a directory without one, or with
 * a never-migrated cluster, keeps no copy. Server: objects in the dump are dropped and recreated,
 * in one transaction.
 */
export async function restoreDatabase(target: { dataDir?: string; databaseUrl?: string }, file: string): Promise<string | undefined> {
  if (!existsSync(file)) throw new BackupError(`no such backup file: ${file}`);
  if (target.databaseUrl) {
    await tool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${target.databaseUrl}`, file]);
    return undefined;
  }
  const dataDir = target.dataDir!;
  const pgdata = pgDataPath(dataDir);
  const previous = existsSync(pgdata);
  if (!previous) lockDataDir(dataDir)(); // only the check: a running server is never restored under
  const keep = previous && (await holdsData(dataDir));
  const kept = `${pgdata}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  if (keep) renameSync(pgdata, kept);
  else rmSync(pgdata, { recursive: true, force: true });
  try {
    const db = await openDatabase({ dataDir, loadDataDir: new Blob([readFileSync(file)]) });
    await db.query('SELECT 1');
    await db.close();
  } catch (e) {
    rmSync(pgdata, { recursive: true, force: true });
    if (keep) renameSync(kept, pgdata);
    throw new BackupError(`restore failed${keep ? ', the previous data is back in place' : ''}: ${(e as Error).message}`);
  }
  return keep ? kept : undefined;
}

/** An order-independent checksum of every TripSage table's contents, for verifying round trips. */
export async function tableChecksums(db: Database): Promise<Record<string, string>> {
  const tables = await db.query<{ t: string }>(`
    SELECT format('%I.%I', n.nspname, c.relname) AS t
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname IN ('public', 'auth', 'tripsage')
    ORDER BY 1`);
  const out: Record<string, string> = {};
  for (const { t } of tables.rows) {
    const r = await db.query<{ n: number; h: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))) AS h FROM ${t} x`,
    );
    out[t] = `${r.rows[0]!.n}:${r.rows[0]!.h ?? ''}`;
  }
  return out;
}
