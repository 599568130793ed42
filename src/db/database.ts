/**
 * The one seam between TripSage and a PostgreSQL engine.
 *
 * Glossary
 * - backend: `pglite` (embedded: one connection, on a worker thread of this process, data in a
 *   directory) or `postgres` (a `pg` Pool on a connection URL: native PostgreSQL, Neon, Supabase).
 * - session: one physical connection held for a while (migrations, advisory locks). On PGlite
 *   there is only one: sessions take turns, first come first served.
 * - caller: who a request runs as (`anon`, `authenticated` + claims, `service_role`); see
 *   `transaction.ts`.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

export type Tx = Transaction<DB>;

export type Backend = 'pglite' | 'postgres';

export interface QueryResult<R> {
  rows: R[];
  /** Rows touched by INSERT/UPDATE/DELETE, when the engine reports it. */
  affectedRows?: number;
}

/** A held connection: plain SQL in, rows out. Multi-statement text only through `exec`. */
export interface Session {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements (no parameters), as a migration file is. */
  exec(text: string): Promise<void>;
}

export interface TransactionOptions {
  readOnly?: boolean;
  /** Transaction-local settings (set_config(name, value, true)), sent with BEGIN. */
  settings?: Record<string, string>;
  /**
   * No statement of the transaction may run longer: PostgreSQL's statement_timeout (SQLSTATE
   * 57014); on PGlite, which cannot interrupt a statement, the engine's watchdog (see
   * pglite-engine.ts).
   */
  statementTimeoutMs?: number;
  /**
   * `fn` runs exactly one statement, and nothing after it can fail: BEGIN, the statement and
   * COMMIT go to PostgreSQL together (one write, one round trip). A second statement is refused
   * with an Error — a programming mistake — and never runs outside the transaction.
   */
  oneStatement?: boolean;
}

export interface Database {
  readonly backend: Backend;
  /** Where it lives, with any password removed: a data directory or a URL. */
  readonly location: string;
  readonly kysely: Kysely<DB>;
  /** A single statement on any connection (outside a request transaction). */
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
  /**
   * One transaction: BEGIN, its settings and its first statement cost one round trip; COMMIT on
   * success, ROLLBACK on error.
   */
  transaction<T>(opts: TransactionOptions, fn: (trx: Tx) => Promise<T>): Promise<T>;
  /** Holds one connection for the duration of `fn`. */
  withSession<T>(fn: (s: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
