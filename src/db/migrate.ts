/**
 * The migrator: plain numbered SQL files in db/migrations, each applied once, in its own
 * transaction, recorded with a checksum in tripsage.schema_migrations; serialised across
 * processes by an advisory lock.
 *
 * A file whose first line is `-- tripsage:requires-extension NAME` needs that extension. If the
 * server cannot provide it (not installed, or only a superuser may create it), migrate stops with
 * instructions, unless the operator turned the feature off (TRIPSAGE_MEMORY=off for `vector`):
 * then the file is recorded as `skipped`, and a later migrate with the feature on applies it.
 *
 * An applied file never changes — except by a compatible fix that names the checksum it replaces
 * in a header line `-- tripsage:supersedes-checksum HEX` (the fix must leave a database that ran
 * the old version as it is): a record with that checksum is not drift, and migrate re-records it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, Session } from './database.ts';

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../db/migrations');
/** pg_advisory_lock key of the migrator: an arbitrary constant, fixed forever (other processes must agree on it). */
const LOCK_KEY = '4733917213390117459';
const FILE_NAME = /^(\d{6})_[a-z0-9_]+\.sql$/;
const REQUIRES = /^--\s*tripsage:requires-extension\s+([a-z0-9_-]+)\s*$/m;
const SUPERSEDES = /^--\s*tripsage:supersedes-checksum\s+([0-9a-f]{64})\s*$/gm;

/** Which optional extension a feature switch controls. */
const FEATURE_OF_EXTENSION: Record<string, { env: string; feature: string }> = {
  vector: { env: 'TRIPSAGE_MEMORY', feature: 'memory' },
};

export interface MigrationFile {
  version: string;
  name: string;
  checksum: string;
  sql: string;
  requiresExtension?: string;
  /** Checksums of earlier versions this file replaces compatibly (not drift). */
  supersedes: string[];
}

export interface MigrationRecord {
  version: string;
  name: string;
  checksum: string;
  status: 'applied' | 'skipped';
  applied_at: string;
}

export interface MigrateOptions {
  /** Features switched off by the operator, e.g. { memory: false }. Default: all on. */
  features?: { memory?: boolean };
  dir?: string;
  log?: (line: string) => void;
}

export interface MigrationStatus {
  applied: MigrationRecord[];
  skipped: MigrationRecord[];
  pending: MigrationFile[];
  drift: Array<{ version: string; name: string; recorded: string; current: string }>;
  /** Applied under a checksum the file now supersedes: re-recorded by the next migrate. */
  superseded: Array<{ version: string; name: string; current: string }>;
  /** Recorded in the database but no longer on disk (a newer release's, or deleted). */
  unknown: MigrationRecord[];
}

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** CRLF-insensitive, so a checkout with autocrlf is not reported as drift. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

export function readMigrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const m = FILE_NAME.exec(file);
      if (!m) {
        throw new MigrationError(
          `${join(dir, file)}: migration files are named NNNNNN_snake_case.sql (e.g. 000007_add_x.sql)`,
        );
      }
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        version: m[1]!,
        name: file,
        checksum: checksumOf(sql),
        sql,
        requiresExtension: REQUIRES.exec(sql.split('\n', 1)[0] ?? '')?.[1],
        supersedes: [...sql.matchAll(SUPERSEDES)].map((x) => x[1]!),
      };
    });
}

const BOOKKEEPING = `
  CREATE SCHEMA IF NOT EXISTS tripsage;
  REVOKE ALL ON SCHEMA tripsage FROM PUBLIC;
  CREATE TABLE IF NOT EXISTS tripsage.schema_migrations (
    version text PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    status text NOT NULL CHECK (status IN ('applied', 'skipped')),
    applied_at timestamptz NOT NULL DEFAULT now(),
    execution_ms integer
  );`;

async function withLock<T>(db: Database, fn: (s: Session) => Promise<T>): Promise<T> {
  return db.withSession(async (s) => {
    await s.query(`SELECT pg_advisory_lock(${LOCK_KEY})`);
    try {
      return await fn(s);
    } finally {
      await s.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`);
    }
  });
}

async function readRecords(s: Session): Promise<MigrationRecord[]> {
  const exists = await s.query<{ t: string | null }>(
    `SELECT to_regclass('tripsage.schema_migrations')::text AS t`,
  );
  if (!exists.rows[0]?.t) return [];
  const r = await s.query<MigrationRecord>(
    `SELECT version, name, checksum, status, applied_at FROM tripsage.schema_migrations ORDER BY version`,
  );
  return r.rows;
}

function statusOf(files: MigrationFile[], records: MigrationRecord[]): MigrationStatus {
  const byVersion = new Map(records.map((r) => [r.version, r]));
  const onDisk = new Set(files.map((f) => f.version));
  const drift: MigrationStatus['drift'] = [];
  const superseded: MigrationStatus['superseded'] = [];
  const pending: MigrationFile[] = [];
  for (const f of files) {
    const r = byVersion.get(f.version);
    if (!r) pending.push(f);
    else if (r.status === 'applied' && r.checksum !== f.checksum) {
      if (f.supersedes.includes(r.checksum)) superseded.push({ version: f.version, name: f.name, current: f.checksum });
      else drift.push({ version: f.version, name: f.name, recorded: r.checksum, current: f.checksum });
    }
  }
  return {
    applied: records.filter((r) => r.status === 'applied'),
    skipped: records.filter((r) => r.status === 'skipped'),
    pending,
    drift,
    superseded,
    unknown: records.filter((r) => !onDisk.has(r.version)),
  };
}

export async function migrationStatus(db: Database, dir = MIGRATIONS_DIR): Promise<MigrationStatus> {
  const files = readMigrationFiles(dir);
  const records = await db.withSession(readRecords);
  return statusOf(files, records);
}

function featureOn(ext: string, features: MigrateOptions['features']): boolean {
  const f = FEATURE_OF_EXTENSION[ext];
  return !f || (features as Record<string, boolean | undefined> | undefined)?.[f.feature] !== false;
}

function driftMessage(drift: MigrationStatus['drift']): string {
  return (
    `applied migrations were edited after they ran (drift): ${drift.map((d) => d.name).join(', ')}. ` +
    `An applied migration must never change: restore the file from version control and put the ` +
    `change in a new numbered file. \`tripsage db status\` shows the checksums.`
  );
}

interface ExtensionState {
  available: boolean;
  installed: boolean;
  /** This role may CREATE EXTENSION it: a superuser, or a trusted extension (PostgreSQL 13+). */
  creatable: boolean;
}

async function extensionState(s: Session, ext: string): Promise<ExtensionState> {
  const r = await s.query<ExtensionState>(
    `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = $1) AS available,
            EXISTS (SELECT 1 FROM pg_extension WHERE extname = $1) AS installed,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
              OR coalesce((SELECT bool_or(trusted) FROM pg_available_extension_versions WHERE name = $1), false) AS creatable`,
    [ext],
  );
  return r.rows[0]!;
}

/** What a superuser runs once so that this (non-superuser) owner can migrate a file needing `ext`. */
async function superuserMustCreate(s: Session, ext: string, file: string): Promise<string> {
  const r = await s.query<{ db: string; me: string }>(`SELECT current_database() AS db, current_user AS me`);
  const { db, me } = r.rows[0]!;
  const f = FEATURE_OF_EXTENSION[ext];
  return (
    `${file} needs the PostgreSQL extension "${ext}", and only a superuser may create it (${me} is not one). ` +
    `Run once, as a superuser, in database ${db}: CREATE SCHEMA IF NOT EXISTS extensions AUTHORIZATION ${me}; ` +
    `CREATE EXTENSION IF NOT EXISTS ${ext} WITH SCHEMA extensions; then run migrate again` +
    (f ? `, or run without the ${f.feature} feature (${f.env}=off).` : '.')
  );
}

function missingExtensionMessage(ext: string, file: string): string {
  const f = FEATURE_OF_EXTENSION[ext];
  const how =
    ext === 'vector'
      ? `Install pgvector on the server (Debian/Ubuntu: apt-get install postgresql-<major>-pgvector; ` +
        `Supabase and Neon: it is available, nothing to install; from source: https://github.com/pgvector/pgvector), ` +
        `then run migrate again.`
      : `Install the extension on the server, then run migrate again.`;
  const off = f
    ? ` Or run without the ${f.feature} feature: set ${f.env}=off (its routes then answer 503; ` +
      `switch it back on once the extension is installed and migrate applies ${file}).`
    : '';
  return `${file} needs the PostgreSQL extension "${ext}", which this server does not have. ${how}${off}`;
}

export interface MigrateResult {
  applied: string[];
  skipped: string[];
}

export async function migrate(db: Database, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const files = readMigrationFiles(opts.dir);
  const log = opts.log ?? (() => {});
  return withLock(db, async (s) => {
    await s.exec(BOOKKEEPING);
    const status = statusOf(files, await readRecords(s));
    if (status.drift.length) throw new MigrationError(driftMessage(status.drift));
    for (const x of status.superseded) {
      await s.query(`UPDATE tripsage.schema_migrations SET checksum = $1, name = $2 WHERE version = $3`, [x.current, x.name, x.version]);
      log(`re-recorded ${x.name} (a compatible fix of the applied version)`);
    }

    const skippedNowWanted = status.skipped
      .map((r) => files.find((f) => f.version === r.version))
      .filter((f): f is MigrationFile => !!f && featureOn(f.requiresExtension ?? '', opts.features));
    const todo = [...status.pending, ...skippedNowWanted].sort((a, b) => a.version.localeCompare(b.version));

    // Refuse before applying anything, so a server without pgvector is never left half-migrated.
    for (const f of todo) {
      const ext = f.requiresExtension;
      if (!ext || !featureOn(ext, opts.features)) continue;
      const state = await extensionState(s, ext);
      if (!state.available) throw new MigrationError(missingExtensionMessage(ext, f.name));
      if (!state.installed && !state.creatable) throw new MigrationError(await superuserMustCreate(s, ext, f.name));
    }

    const result: MigrateResult = { applied: [], skipped: [] };
    for (const f of todo) {
      const skip = !!f.requiresExtension && !featureOn(f.requiresExtension, opts.features);
      if (skip && status.skipped.some((r) => r.version === f.version)) continue;
      await applyOne(s, f, skip ? 'skipped' : 'applied');
      (skip ? result.skipped : result.applied).push(f.name);
      log(`${skip ? 'skipped' : 'applied'} ${f.name}`);
    }
    return result;
  });
}

async function applyOne(s: Session, f: MigrationFile, status: 'applied' | 'skipped'): Promise<void> {
  const started = Date.now();
  await s.exec('BEGIN');
  try {
    if (status === 'applied') {
      // Unqualified extension types and operators (vector, vector_cosine_ops) resolve whether the
      // platform keeps extensions in `extensions` (Supabase, ours) or in `public`.
      await s.query(`SELECT set_config('search_path', 'public, extensions', true)`);
      await s.exec(f.sql);
    }
    await s.query(
      `INSERT INTO tripsage.schema_migrations (version, name, checksum, status, execution_ms)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (version) DO UPDATE
         SET name = excluded.name, checksum = excluded.checksum, status = excluded.status,
             applied_at = now(), execution_ms = excluded.execution_ms`,
      [f.version, f.name, f.checksum, status, Date.now() - started],
    );
    await s.exec('COMMIT');
  } catch (e) {
    await s.exec('ROLLBACK').catch(() => {});
    const msg = e instanceof Error ? e.message : String(e);
    throw new MigrationError(`${f.name} failed and was rolled back: ${msg}`, { cause: e });
  }
}

/** Drops everything TripSage created in this database (not the cluster-wide roles). */
export async function resetDatabase(db: Database): Promise<void> {
  await withLock(db, async (s) => {
    await s.exec(`
      DROP SCHEMA IF EXISTS tripsage CASCADE;
      DROP SCHEMA IF EXISTS tripsage_auth CASCADE;
      DROP SCHEMA IF EXISTS tripsage_keys CASCADE;
      DROP SCHEMA IF EXISTS public CASCADE;
      DROP SCHEMA IF EXISTS memory CASCADE;
      DROP SCHEMA IF EXISTS extensions CASCADE;
      DROP SCHEMA IF EXISTS auth CASCADE;
      CREATE SCHEMA public;
    `);
  });
}
