/**
 * The identity service's SQL: `auth.users`, and the sessions and single-use refresh tokens in
 * `tripsage.auth_sessions` / `tripsage.refresh_tokens`. Every function runs inside a transaction
 * the service opened as `service_role` (the only role granted these tables); nothing here decides
 * policy. Refresh tokens arrive already hashed (SHA-256 hex): the plain token is never stored.
 */
import { sql } from 'kysely';
import type { Json } from '../db/schema.ts';
import { jsonb as jsonbParam } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';

export interface AuthUserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: string | null;
  last_sign_in_at: string | null;
  raw_app_meta_data: Json | null;
  raw_user_meta_data: Json | null;
  is_anonymous: boolean;
  created_at: string | null;
  updated_at: string | null;
  deleted_at: string | null;
}

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: string;
  refreshed_at: string | null;
  revoked_at: string | null;
  revoked_reason: RevokeReason | null;
}

export type RevokeReason = 'logout' | 'refresh_token_reuse' | 'password_change';

const USER_COLUMNS = [
  'id',
  'aud',
  'role',
  'email',
  'encrypted_password',
  'email_confirmed_at',
  'last_sign_in_at',
  'raw_app_meta_data',
  'raw_user_meta_data',
  'is_anonymous',
  'created_at',
  'updated_at',
  'deleted_at',
] as const;

/** Kysely's generated-column types read back as ColumnType objects; rows arrive as AuthUserRow. */
const asRow = (r: unknown) => r as AuthUserRow;
const asRows = (r: unknown) => r as AuthUserRow[];
const NOW = sql`now()` as never;

const jsonb = (value: unknown) => jsonbParam<Json>(value);

// ---- auth.users -------------------------------------------------------------------------------

/** A live (not soft-deleted) identity by email, compared lower-cased as the unique index is. */
export async function findUserByEmail(trx: Tx, email: string): Promise<AuthUserRow | undefined> {
  const row = await trx
    .selectFrom('auth.users')
    .select(USER_COLUMNS)
    .where(sql<boolean>`lower(email) = lower(${email})`)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row && asRow(row);
}

export async function findUserById(trx: Tx, id: string, opts: { forUpdate?: boolean } = {}): Promise<AuthUserRow | undefined> {
  let q = trx.selectFrom('auth.users').select(USER_COLUMNS).where('id', '=', id).where('deleted_at', 'is', null);
  if (opts.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && asRow(row);
}

export interface NewUser {
  email: string;
  encryptedPassword: string;
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
}

/** Inserts a confirmed email identity (the profile row follows by trigger). */
export async function insertUser(trx: Tx, u: NewUser): Promise<AuthUserRow> {
  return asRow(await trx
    .insertInto('auth.users')
    .values({
      email: u.email,
      encrypted_password: u.encryptedPassword,
      email_confirmed_at: NOW,
      raw_app_meta_data: jsonb(u.appMetadata),
      raw_user_meta_data: jsonb(u.userMetadata),
      aud: 'authenticated',
      role: 'authenticated',
      is_anonymous: false,
    })
    .returning(USER_COLUMNS)
    .executeTakeFirstOrThrow());
}

export interface UserChanges {
  email?: string;
  encryptedPassword?: string;
  userMetadata?: Record<string, unknown>;
}

export async function updateUser(trx: Tx, id: string, c: UserChanges): Promise<AuthUserRow | undefined> {
  const row = await trx
    .updateTable('auth.users')
    .set({
      updated_at: NOW,
      ...(c.email !== undefined ? { email: c.email, email_confirmed_at: NOW } : {}),
      ...(c.encryptedPassword !== undefined ? { encrypted_password: c.encryptedPassword } : {}),
      ...(c.userMetadata !== undefined ? { raw_user_meta_data: jsonb(c.userMetadata) } : {}),
    })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returning(USER_COLUMNS)
    .executeTakeFirst();
  return row && asRow(row);
}

export async function touchLastSignIn(trx: Tx, id: string): Promise<AuthUserRow | undefined> {
  const row = await trx
    .updateTable('auth.users')
    .set({ last_sign_in_at: NOW })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returning(USER_COLUMNS)
    .executeTakeFirst();
  return row && asRow(row);
}

export async function listUsers(trx: Tx, p: { email?: string; limit: number; offset: number }): Promise<AuthUserRow[]> {
  let q = trx.selectFrom('auth.users').select(USER_COLUMNS).where('deleted_at', 'is', null);
  if (p.email !== undefined) q = q.where(sql<boolean>`lower(email) = lower(${p.email})`);
  return asRows(await q.orderBy('created_at').orderBy('id').limit(p.limit).offset(p.offset).execute());
}

// ---- sessions and refresh tokens --------------------------------------------------------------

export async function createSession(trx: Tx, userId: string): Promise<SessionRow> {
  const r = await sql<SessionRow>`
    INSERT INTO tripsage.auth_sessions (user_id) VALUES (${userId})
    RETURNING id, user_id, created_at, refreshed_at, revoked_at, revoked_reason`.execute(trx);
  return r.rows[0]!;
}

export async function insertRefreshToken(trx: Tx, tokenHash: string, sessionId: string): Promise<void> {
  await sql`INSERT INTO tripsage.refresh_tokens (token_hash, session_id) VALUES (${tokenHash}, ${sessionId})`.execute(trx);
}

export interface ClaimedToken {
  session_id: string;
  user_id: string;
  session_created_at: string;
}

/**
 * Check-and-mark in one statement: marks the token used only if it was unused and its session is
 * live. Under concurrency the row lock serializes two claims of one token, and the second
 * re-evaluates `used_at IS NULL` after the first commits, so at most one claim ever succeeds.
 */
export async function claimRefreshToken(trx: Tx, tokenHash: string): Promise<ClaimedToken | undefined> {
  const r = await sql<ClaimedToken>`
    UPDATE tripsage.refresh_tokens t
       SET used_at = now()
      FROM tripsage.auth_sessions s
     WHERE t.token_hash = ${tokenHash}
       AND t.used_at IS NULL
       AND s.id = t.session_id
       AND s.revoked_at IS NULL
    RETURNING t.session_id, s.user_id, s.created_at AS session_created_at`.execute(trx);
  return r.rows[0];
}

export interface TokenState {
  session_id: string;
  used_at: string | null;
  revoked_at: string | null;
}

/** What became of a token that could not be claimed: unknown (undefined), used, or revoked. */
export async function inspectRefreshToken(trx: Tx, tokenHash: string): Promise<TokenState | undefined> {
  const r = await sql<TokenState>`
    SELECT t.session_id, t.used_at, s.revoked_at
      FROM tripsage.refresh_tokens t
      JOIN tripsage.auth_sessions s ON s.id = t.session_id
     WHERE t.token_hash = ${tokenHash}`.execute(trx);
  return r.rows[0];
}

export async function markSessionRefreshed(trx: Tx, sessionId: string): Promise<void> {
  await sql`UPDATE tripsage.auth_sessions SET refreshed_at = now() WHERE id = ${sessionId}`.execute(trx);
}

/** Revokes one session (no-op when already revoked or unknown). Returns whether it did. */
export async function revokeSession(trx: Tx, sessionId: string, reason: RevokeReason, userId?: string): Promise<boolean> {
  const r = await sql`
    UPDATE tripsage.auth_sessions SET revoked_at = now(), revoked_reason = ${reason}
     WHERE id = ${sessionId} AND revoked_at IS NULL
       AND (${userId ?? null}::uuid IS NULL OR user_id = ${userId ?? null}::uuid)`.execute(trx);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Revokes every live session of a user, except `exceptSessionId` when given. Returns how many. */
export async function revokeUserSessions(trx: Tx, userId: string, reason: RevokeReason, exceptSessionId?: string): Promise<number> {
  const r = await sql`
    UPDATE tripsage.auth_sessions SET revoked_at = now(), revoked_reason = ${reason}
     WHERE user_id = ${userId} AND revoked_at IS NULL
       AND (${exceptSessionId ?? null}::uuid IS NULL OR id <> ${exceptSessionId ?? null}::uuid)`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

export async function findSession(trx: Tx, sessionId: string): Promise<SessionRow | undefined> {
  const r = await sql<SessionRow>`
    SELECT id, user_id, created_at, refreshed_at, revoked_at, revoked_reason
      FROM tripsage.auth_sessions WHERE id = ${sessionId}`.execute(trx);
  return r.rows[0];
}
