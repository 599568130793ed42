/**
 * The identity service's service_role SQL: what sign-up, password sign-in, the operator commands
 * and the admin API do on `auth.users` and `tripsage.auth_sessions` before (or instead of) there
 * being a signed-in user. Every function runs inside a transaction opened as `service_role` (the
 * only API role granted these tables); nothing here decides policy. What a signed-in user does to
 * their own account goes through the tripsage_auth functions instead (auth-functions.repo.ts).
 */
import { sql } from 'kysely';
import type { Json } from '../db/schema.ts';
import { jsonb as jsonbParam } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';
import type { SessionMethod, UserRecord } from './gotrue-objects.ts';

export interface AuthUserRow extends UserRecord {
  encrypted_password: string | null;
}

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
] as const;

/** Kysely's generated-column types read back as ColumnType objects; rows arrive as AuthUserRow. */
const asRow = (r: unknown) => r as AuthUserRow;
const NOW = sql`now()` as never;
const jsonb = (value: unknown) => jsonbParam<Json>(value);
/** The pending email change GoTrue shows as `new_email`. */
const pendingEmailChange = (trx: Tx, userId: string) =>
  sql<{ new_email: string; email_change_sent_at: string }>`
    SELECT relates_to AS new_email, created_at AS email_change_sent_at FROM tripsage.auth_one_time_tokens
     WHERE user_id = ${userId} AND token_type = 'email_change' AND expires_at > now()`.execute(trx);

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

export async function findUserById(trx: Tx, id: string): Promise<AuthUserRow | undefined> {
  const row = await trx.selectFrom('auth.users').select(USER_COLUMNS).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) return undefined;
  const pending = (await pendingEmailChange(trx, id)).rows[0];
  return { ...asRow(row), ...pending };
}

export interface NewUser {
  id?: string;
  email: string | null;
  encryptedPassword: string | null;
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  /** Confirmed at once (sign-up confirms, as GoTrue with autoconfirm; the admin API may not). */
  confirmed?: boolean;
}

/** Inserts an identity (the profile row follows by trigger); no email means an anonymous one. */
export async function insertUser(trx: Tx, u: NewUser): Promise<AuthUserRow> {
  return asRow(await trx
    .insertInto('auth.users')
    .values({
      ...(u.id ? { id: u.id } : {}),
      email: u.email,
      encrypted_password: u.encryptedPassword,
      email_confirmed_at: u.email && u.confirmed !== false ? NOW : null,
      raw_app_meta_data: jsonb(u.appMetadata),
      raw_user_meta_data: jsonb(u.userMetadata),
      aud: 'authenticated',
      role: 'authenticated',
      is_anonymous: u.email === null,
    })
    .returning(USER_COLUMNS)
    .executeTakeFirstOrThrow());
}

export interface AdminChanges {
  email?: string;
  confirmEmail?: boolean;
  encryptedPassword?: string;
  userMetadata?: Record<string, unknown>;
  appMetadata?: Record<string, unknown>;
}

/** An operator's change (admin API): applied at once; metadata merged as GoTrue merges it. */
export async function adminUpdateUser(trx: Tx, id: string, c: AdminChanges): Promise<void> {
  const merged = (column: 'raw_user_meta_data' | 'raw_app_meta_data', patch: Record<string, unknown> | undefined) =>
    patch === undefined ? sql.ref(column) : sql`tripsage_auth.merge_metadata(${sql.ref(column)}, ${jsonb(patch)})`;
  await sql`
    UPDATE auth.users SET
      updated_at = now(),
      email = coalesce(${c.email ?? null}::text, email),
      email_confirmed_at = CASE WHEN ${c.confirmEmail === true} THEN coalesce(email_confirmed_at, now()) ELSE email_confirmed_at END,
      is_anonymous = is_anonymous AND ${c.email === undefined},
      encrypted_password = coalesce(${c.encryptedPassword ?? null}::text, encrypted_password),
      raw_user_meta_data = ${merged('raw_user_meta_data', c.userMetadata)},
      raw_app_meta_data = ${merged('raw_app_meta_data', c.appMetadata)}
     WHERE id = ${id} AND deleted_at IS NULL`.execute(trx);
}

/** Deletes an identity and, by cascade and trigger, everything it owns. */
export async function deleteUser(trx: Tx, id: string): Promise<boolean> {
  const r = await trx.deleteFrom('auth.users').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** GoTrue's soft delete: the row stays (its data too), but the identity can never sign in again. */
export async function softDeleteUser(trx: Tx, id: string): Promise<boolean> {
  const r = await sql`
    UPDATE auth.users SET deleted_at = now(), updated_at = now(), encrypted_password = NULL,
           email = 'deleted-' || id::text || '@deleted.invalid'
     WHERE id = ${id} AND deleted_at IS NULL`.execute(trx);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export interface UserPage {
  rows: AuthUserRow[];
  total: number;
}

/** A page of live identities, newest first (GoTrue's order); `filter` matches the email. */
export async function listUsers(trx: Tx, p: { email?: string; filter?: string; limit: number; offset: number }): Promise<UserPage> {
  let q = trx.selectFrom('auth.users').where('deleted_at', 'is', null);
  if (p.email !== undefined) q = q.where(sql<boolean>`lower(email) = lower(${p.email})`);
  if (p.filter) q = q.where(sql<boolean>`email ILIKE '%' || ${p.filter.replace(/[\\%_]/g, (c) => `\\${c}`)} || '%'`);
  const total = await q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  const rows = await q.select(USER_COLUMNS).orderBy('created_at', 'desc').orderBy('id').limit(p.limit).offset(p.offset).execute();
  return { rows: rows.map(asRow), total: total.n };
}

// ---- sessions -----------------------------------------------------------------------------------

export interface SessionRow {
  id: string;
  method: SessionMethod;
  created_at: string;
}

/**
 * Password sign-in's write: the identity, locked, still has the hash the password was verified
 * against (a password changed meanwhile makes this undefined), and a new session with its first
 * refresh token (hashed) is started.
 */
export async function startPasswordSession(trx: Tx, userId: string, verifiedHash: string, refreshHash: string): Promise<SessionRow | undefined> {
  const locked = await sql`
    SELECT 1 FROM auth.users WHERE id = ${userId} AND deleted_at IS NULL AND encrypted_password = ${verifiedHash} FOR UPDATE`.execute(trx);
  if (locked.rows.length === 0) return undefined;
  return startSession(trx, userId, 'password', refreshHash);
}

export async function startSession(trx: Tx, userId: string, method: SessionMethod, refreshHash: string): Promise<SessionRow> {
  const started = await sql<{ id: string }>`SELECT tripsage_auth.start_session(${userId}, ${method}, ${refreshHash}) AS id`.execute(trx);
  const r = await sql<SessionRow>`SELECT id, method, created_at FROM tripsage.auth_sessions WHERE id = ${started.rows[0]!.id}`.execute(trx);
  return r.rows[0]!;
}

/** Revokes every live session of a user (an operator's password change or deletion). */
export async function revokeUserSessions(trx: Tx, userId: string, reason: 'password_change' | 'admin'): Promise<void> {
  await sql`
    UPDATE tripsage.auth_sessions SET revoked_at = now(), revoked_reason = ${reason}
     WHERE user_id = ${userId} AND revoked_at IS NULL`.execute(trx);
}
