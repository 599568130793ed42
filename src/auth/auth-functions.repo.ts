/**
 * The calls of the tripsage_auth SECURITY DEFINER functions (migration 000040), one named builder
 * each. The functions hold the rules; each answers a status ('ok' or why not) and the user.
 * Emailed codes and refresh tokens go in as secrets; only their hashes are ever stored.
 */
import { sql } from 'kysely';
import type { Tx } from '../db/transaction.ts';
import type { SessionMethod, UserRecord } from './gotrue-objects.ts';

export interface UserResult extends UserRecord {
  status: string;
  session_id: string | null;
  session_created_at: string | null;
  session_method: SessionMethod | null;
  /** The emailed link's token hash, when a code was just issued. */
  link_hash: string | null;
}

export interface CodeRequest {
  code: string;
  lifetimeSeconds: number;
  intervalSeconds: number;
}

const one = async (trx: Tx, q: ReturnType<typeof sql<UserResult>>) => (await q.execute(trx)).rows[0]!;

/** GET /user: the caller, if the identity exists and the token's session is live. */
export const me = (trx: Tx) => one(trx, sql<UserResult>`SELECT * FROM tripsage_auth.me()`);

export async function logout(trx: Tx, scope: string): Promise<string> {
  const r = await sql<{ status: string }>`SELECT tripsage_auth.logout(${scope}) AS status`.execute(trx);
  return r.rows[0]!.status;
}

export interface UserUpdate {
  userMetadata?: Record<string, unknown>;
  passwordHash?: string;
  nonce?: string;
  recentSeconds: number;
}

export const updateUser = (trx: Tx, u: UserUpdate) =>
  one(trx, sql<UserResult>`
    SELECT * FROM tripsage_auth.update_user(
      ${u.userMetadata === undefined ? null : JSON.stringify(u.userMetadata)}::jsonb,
      ${u.passwordHash ?? null}::text, ${u.nonce ?? null}::text, ${u.recentSeconds}::integer)`);

export const requestEmailChange = (trx: Tx, newEmail: string, c: CodeRequest) =>
  one(trx, sql<UserResult>`
    SELECT * FROM tripsage_auth.request_email_change(${newEmail}::text, ${c.code}::text, ${c.lifetimeSeconds}::integer, ${c.intervalSeconds}::integer)`);

export const reauthenticate = (trx: Tx, c: CodeRequest) =>
  one(trx, sql<UserResult>`
    SELECT * FROM tripsage_auth.reauthenticate(${c.code}::text, ${c.lifetimeSeconds}::integer, ${c.intervalSeconds}::integer)`);

export const requestRecovery = (trx: Tx, email: string, c: CodeRequest) =>
  one(trx, sql<UserResult>`
    SELECT * FROM tripsage_auth.request_recovery(${email}::text, ${c.code}::text, ${c.lifetimeSeconds}::integer, ${c.intervalSeconds}::integer)`);

export interface VerifyInput {
  type: 'recovery' | 'email_change';
  /** The link's token hash, or the address and the code. */
  tokenHash?: string;
  address?: string;
  code?: string;
  refreshHash: string;
}

export const verifyOtp = (trx: Tx, v: VerifyInput) =>
  one(trx, sql<UserResult>`
    SELECT * FROM tripsage_auth.verify_otp(${v.type}::text, ${v.tokenHash ?? null}::text, ${v.address ?? null}::text,
                                           ${v.code ?? null}::text, ${v.refreshHash}::text)`);

export const refresh = (trx: Tx, oldHash: string, newHash: string, reuseSeconds: number) =>
  one(trx, sql<UserResult>`SELECT * FROM tripsage_auth.refresh(${oldHash}::text, ${newHash}::text, ${reuseSeconds}::integer)`);

export async function rateLimitHit(trx: Tx, bucket: string, windowMs: number): Promise<{ hits: number; ttl_ms: number }> {
  const r = await sql<{ hits: number; ttl_ms: number }>`SELECT * FROM tripsage_auth.rate_limit_hit(${bucket}::text, ${windowMs}::integer)`.execute(trx);
  return r.rows[0]!;
}
