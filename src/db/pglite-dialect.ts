/**
 * Kysely over the embedded database in its worker (pglite-engine.ts). Kysely 0.29 ships a PGlite
 * dialect but requires Node 22; 0.28 (the last major on Node 20) does not, so this is ours:
 * PostgreSQL's adapter, compiler and introspector, and a driver whose connections are engine
 * sessions.
 *
 * - In a transaction, BEGIN (+ the caller's settings) is not sent on its own: it rides in front of
 *   the first statement, in the same engine call (`LazyTransaction`).
 * - Outside a transaction, each query is a session of its own (autocommit); hold a connection
 *   with Database.withSession instead of Kysely's `connection()`.
 * - Parameters are converted exactly as `pg` converts them (arrays to PostgreSQL arrays, objects
 *   to JSON, …), so both backends read the same values from the same code.
 */
import { createRequire } from 'node:module';
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
import { beginStatement } from './begin.ts';
import { kyselySettings, secondStatement, type BeginHints, type LazyTransaction } from './lazy-transaction.ts';
import type { EngineSession, PGliteEngine } from './pglite-engine.ts';
import type { Param } from './pglite-messages.ts';
import type { WireResult } from './pglite-wire.ts';

const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(v: unknown): Param };

export const toParams = (values: readonly unknown[]): Param[] => values.map((v) => prepareValue(v));

export class PGliteDialect implements Dialect {
  constructor(private readonly engine: PGliteEngine) {}
  createAdapter = () => new PostgresAdapter();
  createDriver = (): Driver => new PGliteDriver(this.engine);
  createQueryCompiler = () => new PostgresQueryCompiler();
  createIntrospector = (db: Kysely<unknown>) => new PostgresIntrospector(db);
}

class PGliteDriver implements Driver {
  constructor(private readonly engine: PGliteEngine) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new PGliteConnection(this.engine);
  }
  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    (c as PGliteConnection).begin(beginStatement(kyselySettings(settings)), {});
  }
  commitTransaction(c: DatabaseConnection): Promise<void> {
    return (c as PGliteConnection).end(true);
  }
  rollbackTransaction(c: DatabaseConnection): Promise<void> {
    return (c as PGliteConnection).end(false);
  }
  async releaseConnection(): Promise<void> {}
  // The owner (src/db/connect.ts) closes the engine: Kysely may never have used it.
  async destroy(): Promise<void> {}
}

const toKysely = <R>(r: WireResult): QueryResult<R> => ({
  rows: r.rows as R[],
  numAffectedRows: r.affectedRows !== undefined ? BigInt(r.affectedRows) : undefined,
});

export class PGliteConnection implements LazyTransaction {
  private tx: EngineSession | undefined;
  private pending: string | undefined;
  private timeoutMs: number | undefined;
  // Honoured as a rule only: the engine already sends BEGIN with the first statement in one call.
  private oneStatement: boolean | undefined;
  private statements = 0;

  constructor(private readonly engine: PGliteEngine) {}

  begin(statement: string, hints: BeginHints): void {
    this.tx = this.engine.session();
    this.pending = statement;
    this.timeoutMs = hints.timeoutMs;
    this.oneStatement = hints.oneStatement;
    this.statements = 0;
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const params = toParams(q.parameters);
    if (!this.tx) return toKysely(await this.engine.session().send({ kind: 'query', sql: q.sql, params }, true) as WireResult);
    if (this.oneStatement && this.statements++) throw secondStatement();
    const pre = this.pending;
    this.pending = undefined;
    return toKysely(await this.tx.send({ kind: 'query', sql: q.sql, params, pre }, false, this.timeoutMs) as WireResult);
  }

  async end(commit: boolean): Promise<void> {
    const tx = this.tx;
    this.tx = this.pending = undefined;
    if (!tx?.open) return;
    const ending = tx.send({ kind: 'end', commit }, true, this.timeoutMs);
    // A failed ROLLBACK must not hide the error that caused it (the session ends either way).
    await (commit ? ending : ending.catch(() => {}));
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the embedded database does not stream query results');
  }
}
