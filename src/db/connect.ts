/**
 * Opens either backend behind the one `Database` interface.
 */
import { Kysely, type Dialect } from 'kysely';
import pg from 'pg';
import { beginStatement } from './begin.ts';
import type { Database, QueryResult, Session, TransactionOptions, Tx } from './database.ts';
import { lockDataDir, pgDataPath, tightenTree } from './data-dir.ts';
import { translateDbError } from './errors.ts';
import { LazyTransactions, type LazyTransaction } from './lazy-transaction.ts';
import { checkOut, guardedPool, PgConnection, PgDialect, release, runOn, type DbLogger } from './pg-dialect.ts';
import { PGliteConnection, PGliteDialect, toParams } from './pglite-dialect.ts';
import { PGliteEngine } from './pglite-engine.ts';
import type { WireResult } from './pglite-wire.ts';
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
  /** Server only: prepared statements kept per connection (pg-prepared.ts); 0: none. Default 100. */
  preparedStatements?: number;
  /** Where lost connections and pool errors are reported (the server passes its logger). */
  logger?: DbLogger;
}

/** The embedded database's engine handle: its worker, and what only it can do (dump the data directory). */
export type EmbeddedDatabase = Database & { readonly pglite: PGliteEngine };

/** `application_name` of the server connections, unless the URL names one. */
export const APPLICATION_NAME = 'tripsage';

const quiet: DbLogger = { warn: () => {} };

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
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openPGlite(opts);
}

async function wrap<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw translateDbError(e);
  }
}

const beginOf = (o: TransactionOptions) =>
  beginStatement({
    readOnly: o.readOnly,
    settings: o.statementTimeoutMs ? { ...o.settings, statement_timeout: String(o.statementTimeoutMs) } : o.settings,
  });

/** What both backends share: Kysely, and request transactions on a lazily-begun connection. */
function transactions(dialect: Dialect) {
  const kysely = new Kysely<DB>({ dialect });
  const lazy = new LazyTransactions(kysely, dialect);
  return {
    kysely,
    run: <T>(conn: LazyTransaction, o: TransactionOptions, fn: (trx: Tx) => Promise<T>) =>
      wrap(() => lazy.run(conn, beginOf(o), { timeoutMs: o.statementTimeoutMs, oneStatement: o.oneStatement }, fn)),
  };
}

async function openPGlite(opts: OpenOptions): Promise<EmbeddedDatabase> {
  const release = opts.dataDir ? lockDataDir(opts.dataDir) : () => {};
  let engine: PGliteEngine;
  try {
    engine = await PGliteEngine.start({ dataDir: opts.dataDir ? pgDataPath(opts.dataDir) : undefined, loadDataDir: opts.loadDataDir });
    // PGlite sets its own file modes: owner-only again (data-dir.ts).
    if (opts.dataDir) tightenTree(pgDataPath(opts.dataDir));
  } catch (e) {
    release();
    throw e;
  }
  const { kysely, run } = transactions(new PGliteDialect(engine));
  const query = <R>(text: string, params?: unknown[]) =>
    wrap(async () => {
      const r = (await engine.session().send({ kind: 'query', sql: text, params: toParams(params ?? []) }, true)) as WireResult;
      return { rows: r.rows, affectedRows: r.affectedRows } as QueryResult<R>;
    });
  let closed = false;
  return {
    backend: 'pglite',
    location: opts.dataDir ?? 'memory://',
    kysely,
    pglite: engine,
    query,
    transaction: (o, fn) => run(new PGliteConnection(engine), o, fn),
    async withSession(fn) {
      const s = engine.session();
      const session: Session = {
        query: <R>(text: string, params?: unknown[]) =>
          wrap(async () => {
            const r = (await s.send({ kind: 'query', sql: text, params: toParams(params ?? []) }, false)) as WireResult;
            return { rows: r.rows, affectedRows: r.affectedRows } as QueryResult<R>;
          }),
        exec: (text: string) => wrap(async () => void (await s.send({ kind: 'exec', sql: text }, false))),
      };
      try {
        return await fn(session);
      } finally {
        if (s.open) await s.send({ kind: 'release' }, true);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await kysely.destroy();
        await engine.close();
        if (opts.dataDir) tightenTree(pgDataPath(opts.dataDir));
      } finally {
        release();
      }
    },
  };
}

async function openPostgres(url: string, opts: OpenOptions): Promise<Database> {
  const logger = opts.logger ?? quiet;
  const prepared = opts.preparedStatements ?? 100;
  const pool = guardedPool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    application_name: APPLICATION_NAME,
    types: { getTypeParser: ((oid: number, format?: string) => typeParsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser },
    // Timestamps are rendered in UTC. A session SET rather than a startup option, because
    // connection poolers (Supabase's, Neon's) reject startup options.
    onConnect: async (client: pg.ClientBase) => {
      await client.query(`SET TIME ZONE 'UTC'`);
    },
  }, logger);
  await wrap(async () => release(await checkOut(pool)));
  const { kysely, run } = transactions(new PgDialect(pool, prepared));
  const sessionOf = (c: pg.PoolClient): Session => ({
    query: <R>(text: string, params?: unknown[]) =>
      wrap(async () => {
        const r = await runOn(c, text, params);
        return { rows: r.rows as R[], affectedRows: r.rowCount ?? undefined };
      }),
    exec: (text: string) => wrap(async () => void (await runOn(c, text))),
  });
  const withClient = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await wrap(() => checkOut(pool));
    try {
      return await fn(client);
    } finally {
      release(client);
    }
  };
  let closed = false;
  return {
    backend: 'postgres',
    location: redactUrl(url),
    kysely,
    query: (text, params) => withClient((c) => sessionOf(c).query(text, params)),
    async transaction(o, fn) {
      const conn = new PgConnection(await wrap(() => checkOut(pool)), prepared);
      try {
        return await run(conn, o, fn);
      } finally {
        conn.release();
      }
    },
    withSession: (fn) => withClient((c) => fn(sessionOf(c))),
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy();
      await pool.end();
    },
  };
}
