/**
 * Opens either backend behind the one `Database` interface.
 */
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_stat_statements } from '@electric-sql/pglite/contrib/pg_stat_statements';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database, QueryResult, Session } from './database.ts';
import { lockDataDir, pgDataPath, tightenTree } from './data-dir.ts';
import { translateDbError } from './errors.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import type { DB } from './schema.ts';
import { typeParsers } from './types.ts';

export interface OpenOptions {
  /** PostgreSQL server URL; when absent, the embedded database is used. */
  databaseUrl?: string;
  /** Embedded data directory; absent (with no URL) means an in-memory database. */
  dataDir?: string;
  /** Embedded only: start from this dumped data directory (tests clone a migrated template). */
  loadDataDir?: Blob;
  /** Server only: pool size. */
  poolSize?: number;
}

export const PGLITE_EXTENSIONS = { vector, citext, uuid_ossp, pg_stat_statements };

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}

export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize ?? 10) : openPGlite(opts);
}

async function wrap<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw translateDbError(e);
  }
}

async function openPGlite(opts: OpenOptions): Promise<Database> {
  const release = opts.dataDir ? lockDataDir(opts.dataDir) : () => {};
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      dataDir: opts.dataDir ? pgDataPath(opts.dataDir) : undefined,
      loadDataDir: opts.loadDataDir,
      extensions: PGLITE_EXTENSIONS,
      parsers: typeParsers,
    });
    await pglite.exec(`SET TIME ZONE 'UTC'`);
    // PGlite sets its own file modes: owner-only again (data-dir.ts).
    if (opts.dataDir) tightenTree(pgDataPath(opts.dataDir));
  } catch (e) {
    release();
    throw e;
  }
  const kysely = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  const session: Session = {
    query: <R>(text: string, params?: unknown[]) =>
      wrap(async () => {
        const r = await pglite.query<R>(text, params as unknown[] | undefined);
        return { rows: r.rows, affectedRows: r.affectedRows } as QueryResult<R>;
      }),
    exec: (text: string) => wrap(async () => void (await pglite.exec(text))),
  };
  let closed = false;
  return {
    backend: 'pglite',
    location: opts.dataDir ?? 'memory://',
    kysely,
    query: session.query,
    withSession: (fn) => fn(session),
    pglite,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await kysely.destroy();
        if (!pglite.closed) await pglite.close();
        if (opts.dataDir) tightenTree(pgDataPath(opts.dataDir));
      } finally {
        release();
      }
    },
  } as Database & { pglite: PGlite };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: { getTypeParser: ((oid: number, format?: string) => typeParsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser },
    // Timestamps are rendered in UTC. A session SET rather than a startup option, because
    // connection poolers (Supabase's, Neon's) reject startup options.
    onConnect: async (client: pg.ClientBase) => {
      await client.query(`SET TIME ZONE 'UTC'`);
    },
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  await wrap(async () => {
    const c = await pool.connect();
    c.release();
  });
  const kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const sessionOf = (c: pg.PoolClient | pg.Pool): Session => ({
    query: <R>(text: string, params?: unknown[]) =>
      wrap(async () => {
        const r = await c.query(text, params);
        return { rows: r.rows as R[], affectedRows: r.rowCount ?? undefined };
      }),
    exec: (text: string) => wrap(async () => void (await c.query(text))),
  });
  const any = sessionOf(pool);
  let closed = false;
  return {
    backend: 'postgres',
    location: redactUrl(url),
    kysely,
    query: any.query,
    async withSession(fn) {
      const client = await wrap(() => pool.connect());
      try {
        return await fn(sessionOf(client));
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy(); // ends the pool
    },
  };
}
