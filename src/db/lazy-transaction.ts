/**
 * A request's transaction, on either backend: BEGIN and its settings are not a round trip of
 * their own but ride with the first statement (PGlite: in the same engine call; PostgreSQL: as
 * one simple-query message in the same socket write), and a transaction that runs no statement costs nothing.
 */
import { SingleConnectionProvider, Transaction, type DatabaseConnection, type Dialect, type Driver, type Kysely, type TransactionSettings } from 'kysely';
import type { IsolationLevel } from './begin.ts';
import type { DB } from './schema.ts';

/** A connection whose transaction starts lazily. */
export interface LazyTransaction extends DatabaseConnection {
  /** BEGIN …; SELECT set_config(…) — sent before the first statement. */
  begin(statement: string, opts: BeginHints): void;
  /** COMMIT or ROLLBACK, if anything was sent; a failed ROLLBACK is ignored (the original error matters). */
  end(commit: boolean): Promise<void>;
}

export interface BeginHints {
  timeoutMs?: number;
  /** See TransactionOptions.oneStatement. */
  oneStatement?: boolean;
}

/** What a one-statement transaction says when asked for a second statement. */
export const secondStatement = () => new Error('a transaction declared oneStatement ran a second statement (see TransactionOptions.oneStatement)');

export const kyselySettings = (s: TransactionSettings) => ({
  readOnly: s.accessMode === 'read only',
  isolationLevel: s.isolationLevel as IsolationLevel | undefined,
});

/**
 * Runs functions in transactions on given connections, each through a Kysely `Transaction` bound
 * to its connection (what Kysely's own transaction() builds, minus the BEGIN it would send apart).
 */
export class LazyTransactions {
  private readonly driver: Driver;

  constructor(
    private readonly kysely: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {
    // Required by Kysely's props; a Transaction never calls it (it cannot nest or reconnect).
    this.driver = dialect.createDriver();
  }

  async run<T>(conn: LazyTransaction, begin: string, hints: BeginHints, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    conn.begin(begin, hints);
    const executor = this.kysely.getExecutor().withConnectionProvider(new SingleConnectionProvider(conn));
    const trx = new Transaction<DB>({ config: { dialect: this.dialect }, dialect: this.dialect, driver: this.driver, executor });
    let result: T;
    try {
      result = await fn(trx);
    } catch (e) {
      await conn.end(false);
      throw e;
    }
    await conn.end(true);
    return result;
  }
}
