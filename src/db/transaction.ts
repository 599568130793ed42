/**
 * Every request is one transaction that becomes its caller, exactly as PostgREST does it:
 * BEGIN [READ ONLY] → set_config('role', …, true) and set_config('request.jwt.claims', …, true) in
 * one statement → the work → COMMIT. `auth.uid()` and the RLS policies then decide what the
 * caller sees; TypeScript never filters by user in their place.
 */
import { sql, type Transaction } from 'kysely';
import type { Database } from './database.ts';
import { translateDbError } from './errors.ts';
import type { DB } from './schema.ts';

export type DbRole = 'anon' | 'authenticated' | 'service_role';

export interface Caller {
  role: DbRole;
  /** The verified JWT claims (at least `sub` and `role` for a user). */
  claims: Record<string, unknown>;
}

export type Tx = Transaction<DB>;

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

export async function asCaller<T>(
  db: Database,
  caller: Caller,
  fn: (trx: Tx) => Promise<T>,
  opts: { readOnly?: boolean } = {},
): Promise<T> {
  try {
    let builder = db.kysely.transaction();
    if (opts.readOnly) builder = builder.setAccessMode('read only');
    return await builder.execute(async (trx) => {
      await becomeCaller(trx, caller);
      return fn(trx);
    });
  } catch (e) {
    throw translateDbError(e);
  }
}
