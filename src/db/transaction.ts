/**
 * Every request is one transaction that becomes its caller, exactly as PostgREST does it:
 * BEGIN [READ ONLY]; SELECT set_config('role', …, true), set_config('request.jwt.claims', …, true)
 * (+ the statement timeout) — one simple-query message, sent with the first statement — → the
 * work → COMMIT. `auth.uid()` and the RLS policies then decide what the caller sees; TypeScript
 * never filters by user in their place.
 */
import { sql } from 'kysely';
import type { Database, Tx } from './database.ts';
import { translateDbError } from './errors.ts';

export type DbRole = 'anon' | 'authenticated' | 'service_role';

export interface Caller {
  role: DbRole;
  /** The verified JWT claims (at least `sub` and `role` for a user). */
  claims: Record<string, unknown>;
}

export type { Tx };

/** Runs work in one transaction (a request's, as some caller): what services receive from adapters. */
export type RunTx = <T>(fn: (trx: Tx) => Promise<T>) => Promise<T>;

export const ANON: Caller = { role: 'anon', claims: { role: 'anon' } };
export const SERVICE: Caller = { role: 'service_role', claims: { role: 'service_role' } };

export function userCaller(userId: string, extra: Record<string, unknown> = {}): Caller {
  return { role: 'authenticated', claims: { aud: 'authenticated', ...extra, sub: userId, role: 'authenticated' } };
}

export async function becomeCaller(trx: Tx, caller: Caller): Promise<void> {
  await sql`SELECT set_config('role', ${caller.role}, true), set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true)`.execute(trx);
}

/** The transaction-local settings that make a transaction its caller. */
export function callerSettings(caller: Caller): Record<string, string> {
  return { role: caller.role, 'request.jwt.claims': JSON.stringify(caller.claims) };
}

export interface CallerOptions {
  readOnly?: boolean;
  /** Requests set it (TRIPSAGE_STATEMENT_TIMEOUT_MS); CLI commands and jobs run without. */
  statementTimeoutMs?: number;
  /** TransactionOptions.oneStatement. */
  oneStatement?: boolean;
}

export async function asCaller<T>(db: Database, caller: Caller, fn: (trx: Tx) => Promise<T>, opts: CallerOptions = {}): Promise<T> {
  try {
    return await db.transaction({ ...opts, settings: callerSettings(caller) }, fn);
  } catch (e) {
    throw translateDbError(e);
  }
}
