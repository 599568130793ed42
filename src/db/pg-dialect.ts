/**
 * Kysely over a `pg` Pool, with what Kysely's PostgresDialect lacks for a server that must
 * survive its database:
 *
 * - A lost connection never crashes the process. pg-pool listens for `error` only on idle
 *   clients; a checked-out client whose backend is terminated (pg_terminate_backend, a restart, a
 *   failover, a pooler recycling it) emits `error` with no listener — Node's "Unhandled 'error'
 *   event". Every client gets a listener when it connects; the statement in flight fails as
 *   SQLSTATE 08006 (→ 503), the client is discarded at release, and the pool opens new ones.
 * - BEGIN and the transaction's settings go as one simple-query message in the same socket write
 *   as the first statement (`LazyTransaction`, `runBatch`; the pool's clients are in pipeline
 *   mode), and a one-statement transaction's COMMIT with them: one round trip per request.
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
import { SQLSTATE } from './errors.ts';
import { prepare } from './pg-prepared.ts';
import { kyselySettings, secondStatement, type BeginHints, type LazyTransaction } from './lazy-transaction.ts';

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
    // runBatch writes several statements before the first is answered.
    pipeline: true,
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
export async function runOn(client: pg.PoolClient, sql: string | pg.QueryConfig, params?: readonly unknown[]): Promise<pg.QueryResult> {
  try {
    return await (typeof sql === 'string' ? client.query(sql, params as unknown[] | undefined) : client.query(sql));
  } catch (e) {
    const lost = (client as TrackedClient)[LOST];
    // A terminated backend answers 57P01 first (kept: it says why); anything else on a dead
    // connection ("Connection terminated unexpectedly", "not queryable") is a lost connection.
    if (lost && !hasSqlState(e)) throw connectionLost(e);
    throw e;
  }
}

type Corkable = { connection: { stream: { cork(): void; uncork(): void } } };

/**
 * A statement between simple-query messages (BEGIN …, a DEALLOCATE, maybe COMMIT), written to the
 * socket together: the pool's clients are in pipeline mode, so nothing waits for an earlier answer
 * — one write and one round trip instead of two or three (each round trip costs both processes a
 * wake-up: docs/benchmarks.md). The first error is the one thrown: after a failed BEGIN the
 * statement fails too (25P02), and a COMMIT after a failed statement only rolls back.
 */
export async function runBatch(client: pg.PoolClient, before: string[], statement: pg.QueryConfig, after?: string): Promise<pg.QueryResult> {
  if (!before.length && !after) return runOn(client, statement);
  const { stream } = (client as unknown as Corkable).connection;
  stream.cork();
  const sent = [...before.map((s) => runOn(client, s)), runOn(client, statement), ...(after ? [runOn(client, after)] : [])];
  stream.uncork();
  for (const p of sent) p.catch(() => {});
  // In order: the first error on the wire is the one that explains the others.
  const results: pg.QueryResult[] = [];
  for (const p of sent) results.push(await p);
  return results[before.length]!;
}

/**
 * Back to the pool; destroyed instead when its connection was lost or its state is unknown
 * (`discard`: a ROLLBACK that failed may have left a transaction open).
 */
export function release(client: pg.PoolClient, discard?: Error): void {
  client.release((client as TrackedClient)[LOST] ?? discard);
}

export class PgDialect implements Dialect {
  /** preparedMax: prepared statements per connection (pg-prepared.ts); 0: none. */
  constructor(private readonly pool: pg.Pool, private readonly preparedMax: number) {}
  createAdapter = () => new PostgresAdapter();
  createDriver = (): Driver => new PgDriver(this.pool, this.preparedMax);
  createQueryCompiler = () => new PostgresQueryCompiler();
  createIntrospector = (db: Kysely<unknown>) => new PostgresIntrospector(db);
}

class PgDriver implements Driver {
  constructor(private readonly pool: pg.Pool, private readonly preparedMax: number) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new PgConnection(await checkOut(this.pool), this.preparedMax);
  }
  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    (c as PgConnection).begin(beginStatement(kyselySettings(settings)), {});
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
  private oneStatement: boolean | undefined;
  private statements = 0;

  constructor(readonly client: pg.PoolClient, private readonly preparedMax: number) {}

  /** On PostgreSQL the timeout is a setting in `statement` (statement_timeout). */
  begin(statement: string, hints: BeginHints): void {
    this.pending = statement;
    this.oneStatement = hints.oneStatement;
    this.statements = 0;
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    if (this.oneStatement && this.statements++) throw secondStatement();
    const begin = this.pending;
    if (begin) {
      this.pending = undefined;
      // A one-statement transaction is over when its statement is answered: COMMIT went with it.
      this.begun = !this.oneStatement;
    }
    const prepared = prepare(this.client, q.sql, this.preparedMax);
    const before = [...(begin ? [begin] : []), ...(prepared?.evict ? [prepared.evict] : [])];
    const statement = { text: q.sql, values: q.parameters as unknown[], name: prepared?.name };
    const r = await runBatch(this.client, before, statement, begin && this.oneStatement ? 'COMMIT' : undefined)
      .catch((e: unknown) => { throw this.staleOrSelf(e); });
    return {
      rows: (r.rows ?? []) as R[],
      numAffectedRows: COUNTED.has(r.command) && r.rowCount !== null ? BigInt(r.rowCount) : undefined,
    };
  }

  /**
   * A prepared statement whose table changed shape since (a migration on a live server) fails
   * with 0A000 "cached plan must not change result type" on every later use: the connection is
   * closed at release (its statements with it), and the request gets a 503 to retry.
   */
  private staleOrSelf(e: unknown): unknown {
    const err = e as { code?: string; message?: string };
    if (err?.code !== SQLSTATE.FEATURE_NOT_SUPPORTED || !/cached plan/.test(err.message ?? '')) return e;
    this.discard = e as Error;
    return Object.assign(new Error(`a prepared statement outlived a schema change; the connection is replaced: ${err.message}`, { cause: e }), { code: '08006' });
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
