/**
 * Kysely over a `pg` Pool, with what Kysely's PostgresDialect lacks for a server that must
 * survive its database:
 *
 * - A lost connection never crashes the process. pg-pool listens for `error` only on idle
 *   clients; a checked-out client whose backend is terminated (pg_terminate_backend, a restart, a
 *   failover, a pooler recycling it) emits `error` with no listener — Node's "Unhandled 'error'
 *   event". Every client gets a listener when it connects; the statement in flight fails as
 *   SQLSTATE 08006 (→ 503), the client is discarded at release, and the pool opens new ones.
 * - BEGIN and the transaction's settings go as one simple-query message, right before the first
 *   statement (`LazyTransaction`): one round trip instead of two or three.
 */
import {
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { beginStatement } from './begin.ts';
import { kyselySettings, type LazyTransaction } from './lazy-transaction.ts';

/** Where pool and connection problems are reported (pino's shape). */
export interface DbLogger {
  warn(obj: object, msg: string): void;
}

const LOST = Symbol('tripsage.connectionLost');
type TrackedClient = pg.ClientBase & { [LOST]?: Error };

/** SQLSTATE 08006 (connection_failure): translateDbError makes it `unavailable`, HTTP 503. */
function connectionLost(e: unknown): Error {
  const cause = e as Error;
  return Object.assign(new Error(`the database connection was lost: ${cause?.message ?? e}`, { cause }), { code: '08006' });
}

const hasSqlState = (e: unknown) => typeof (e as { code?: unknown })?.code === 'string' && /^[0-9A-Z]{5}$/.test((e as { code: string }).code);

/**
 * A pool safe against lost connections. The listener goes on in `onConnect`, before the caller's
 * hook runs its first statement: pg-pool emits `connect` only after that hook, and a backend
 * terminated in between left a client that was handed out unqueryable with nothing recorded
 * (its error went to pg-pool's idle listener), so its next statement failed as a plain Error — a 500.
 */
export function guardedPool(config: pg.PoolConfig, log: DbLogger): pg.Pool {
  const { onConnect } = config;
  const pool = new pg.Pool({
    ...config,
    onConnect: async (client: pg.ClientBase) => {
      track(client as TrackedClient, log);
      await onConnect?.(client);
    },
  });
  // An idle client's error: pg-pool has already discarded it.
  pool.on('error', (err) => log.warn({ err: { message: err.message } }, 'idle database connection lost'));
  return pool;
}

function track(client: TrackedClient, log: DbLogger): void {
  client.on('error', (err) => {
    client[LOST] = err;
    log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'database connection lost');
  });
}

/** A pooled client, or 08006 when none can be had (server down, connect timeout). */
export async function checkOut(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (e) {
    throw hasSqlState(e) ? e : connectionLost(e);
  }
}

/** Runs a statement on a client; errors of a lost connection become 08006. */
export async function runOn(client: pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<pg.QueryResult> {
  try {
    return await client.query(sql, params as unknown[] | undefined);
  } catch (e) {
    const lost = (client as TrackedClient)[LOST];
    // A terminated backend answers 57P01 first (kept: it says why); anything else on a dead
    // connection ("Connection terminated unexpectedly", "not queryable") is a lost connection.
    if (lost && !hasSqlState(e)) throw connectionLost(e);
    throw e;
  }
}

/**
 * Back to the pool; destroyed instead when its connection was lost or its state is unknown
 * (`discard`: a ROLLBACK that failed may have left a transaction open).
 */
export function release(client: pg.PoolClient, discard?: Error): void {
  client.release((client as TrackedClient)[LOST] ?? discard);
}

export class PgDialect implements Dialect {
  constructor(private readonly pool: pg.Pool) {}
  createAdapter = () => new PostgresAdapter();
  createDriver = (): Driver => new PgDriver(this.pool);
  createQueryCompiler = () => new PostgresQueryCompiler();
  createIntrospector = (db: Kysely<unknown>) => new PostgresIntrospector(db);
}

class PgDriver implements Driver {
  constructor(private readonly pool: pg.Pool) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new PgConnection(await checkOut(this.pool));
  }
  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    (c as PgConnection).begin(beginStatement(kyselySettings(settings)));
  }
  commitTransaction(c: DatabaseConnection): Promise<void> {
    return (c as PgConnection).end(true);
  }
  rollbackTransaction(c: DatabaseConnection): Promise<void> {
    return (c as PgConnection).end(false);
  }
  async releaseConnection(c: DatabaseConnection): Promise<void> {
    (c as PgConnection).release();
  }
  // The owner (src/db/connect.ts) ends the pool.
  async destroy(): Promise<void> {}
}

const COUNTED = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

export class PgConnection implements LazyTransaction {
  private pending: string | undefined;
  private begun = false;
  private discard: Error | undefined;

  constructor(readonly client: pg.PoolClient) {}

  /** On PostgreSQL the timeout is a setting in `statement` (statement_timeout). */
  begin(statement: string): void {
    this.pending = statement;
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    if (this.pending) {
      const begin = this.pending;
      this.pending = undefined;
      this.begun = true;
      await runOn(this.client, begin);
    }
    const r = await runOn(this.client, q.sql, q.parameters);
    return {
      rows: (r.rows ?? []) as R[],
      numAffectedRows: COUNTED.has(r.command) && r.rowCount !== null ? BigInt(r.rowCount) : undefined,
    };
  }

  async end(commit: boolean): Promise<void> {
    this.pending = undefined;
    if (!this.begun) return;
    this.begun = false;
    const ending = runOn(this.client, commit ? 'COMMIT' : 'ROLLBACK');
    await (commit ? ending : ending.catch((e: Error) => void (this.discard = e)));
  }

  release(): void {
    release(this.client, this.discard);
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used by TripSage');
  }
}
