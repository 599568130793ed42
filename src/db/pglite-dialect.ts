/**
 * Kysely over PGlite. Kysely 0.29 ships a PGlite dialect but requires Node 22; 0.28 (the last
 * major on Node 20) does not, so this is ours: PostgreSQL's adapter, compiler and introspector,
 * and a driver whose transactions are PGlite's exclusive `transaction()`, so concurrent requests
 * on the one embedded connection queue instead of interleaving.
 */
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}
  createAdapter = () => new PostgresAdapter();
  createDriver = (): Driver => new PGliteDriver(this.pglite);
  createQueryCompiler = () => new PostgresQueryCompiler();
  createIntrospector = (db: Kysely<unknown>) => new PostgresIntrospector(db);
}

class PGliteDriver implements Driver {
  constructor(private readonly pglite: PGlite) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new PGliteConnection(this.pglite);
  }
  beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return (c as PGliteConnection).begin(settings);
  }
  commitTransaction(c: DatabaseConnection): Promise<void> {
    return (c as PGliteConnection).end(true);
  }
  rollbackTransaction(c: DatabaseConnection): Promise<void> {
    return (c as PGliteConnection).end(false);
  }
  async releaseConnection(): Promise<void> {}
  // The owner (src/db/connect.ts) closes PGlite: Kysely may never have used it.
  async destroy(): Promise<void> {}
}

class PGliteConnection implements DatabaseConnection {
  private tx: PGliteTransaction | undefined;
  private finish: ((commit: boolean) => void) | undefined;
  private done: Promise<unknown> | undefined;

  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const r = await (this.tx ?? this.pglite).query<R>(q.sql, q.parameters as unknown[], { rowMode: 'object' });
    return { rows: r.rows ?? [], numAffectedRows: r.affectedRows != null ? BigInt(r.affectedRows) : undefined };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not stream query results');
  }

  /** Opens PGlite's exclusive transaction and holds it open until `end`. */
  async begin(settings: TransactionSettings): Promise<void> {
    let opened!: () => void;
    let failed!: (e: unknown) => void;
    const ready = new Promise<void>((ok, fail) => ((opened = ok), (failed = fail)));
    const outcome = new Promise<boolean>((resolve) => (this.finish = resolve));
    this.done = this.pglite.transaction(async (tx) => {
      this.tx = tx;
      const modes = [
        settings.isolationLevel ? `ISOLATION LEVEL ${settings.isolationLevel.toUpperCase()}` : '',
        settings.accessMode ? settings.accessMode.toUpperCase() : '',
      ].filter(Boolean);
      if (modes.length) await tx.query(`SET TRANSACTION ${modes.join(', ')}`);
      opened();
      if (!(await outcome)) await tx.rollback();
    });
    this.done.catch(failed);
    await ready;
  }

  async end(commit: boolean): Promise<void> {
    this.finish?.(commit);
    try {
      await this.done;
    } catch (e) {
      if (commit) throw e;
    } finally {
      this.tx = this.finish = this.done = undefined;
    }
  }
}
