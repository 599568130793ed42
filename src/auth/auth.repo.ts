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
  trx
    .selectFrom('tripsage.auth_one_time_tokens')
    .select(['relates_to as new_email', 'created_at as email_change_sent_at'])
    .where('user_id', '=', userId)
    .where('token_type', '=', 'email_change')
    .where('expires_at', '>', NOW)
    .executeTakeFirst();

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
  return { ...asRow(row), ...(await pendingEmailChange(trx, id)) };
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
  const merged = (column: 'raw_user_meta_data' | 'raw_app_meta_data', patch: Record<string, unknown>) =>
    sql<Json>`tripsage_auth.merge_metadata(${sql.ref(column)}, ${jsonb(patch)})`;
  await trx
    .updateTable('auth.users')
    .set({
      updated_at: NOW,
      ...(c.email !== undefined ? { email: c.email, is_anonymous: false } : {}),
      ...(c.confirmEmail ? { email_confirmed_at: sql<string>`coalesce(email_confirmed_at, now())` } : {}),
      ...(c.encryptedPassword !== undefined ? { encrypted_password: c.encryptedPassword } : {}),
      ...(c.userMetadata !== undefined ? { raw_user_meta_data: merged('raw_user_meta_data', c.userMetadata) } : {}),
      ...(c.appMetadata !== undefined ? { raw_app_meta_data: merged('raw_app_meta_data', c.appMetadata) } : {}),
    })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .execute();
}

/** Deletes an identity and, by cascade and trigger, everything it owns. */
export async function deleteUser(trx: Tx, id: string): Promise<boolean> {
  const r = await trx.deleteFrom('auth.users').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** GoTrue's soft delete: the row stays (its data too), but the identity can never sign in again. */
export async function softDeleteUser(trx: Tx, id: string): Promise<boolean> {
  const r = await trx
    .updateTable('auth.users')
    // The address is freed for a new sign-up (it is unique); the row keeps the user's data.
    .set({ deleted_at: NOW, updated_at: NOW, encrypted_password: null, email: sql<string>`'deleted-' || id::text || '@deleted.invalid'` })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
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
  const locked = await trx
    .selectFrom('auth.users')
    .select('id')
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .where('encrypted_password', '=', verifiedHash)
    .forUpdate()
    .executeTakeFirst();
  if (!locked) return undefined;
  return startSession(trx, userId, 'password', refreshHash);
}

export async function startSession(trx: Tx, userId: string, method: SessionMethod, refreshHash: string): Promise<SessionRow> {
  const started = await sql<{ id: string }>`SELECT tripsage_auth.start_session(${userId}, ${method}, ${refreshHash}) AS id`.execute(trx);
  const row = await trx.selectFrom('tripsage.auth_sessions').select(['id', 'method', 'created_at']).where('id', '=', started.rows[0]!.id).executeTakeFirstOrThrow();
  return row as SessionRow;
}

/** Revokes every live session of a user (an operator's password change or deletion). */
export async function revokeUserSessions(trx: Tx, userId: string, reason: 'password_change' | 'admin'): Promise<void> {
  await trx
    .updateTable('tripsage.auth_sessions')
    .set({ revoked_at: NOW, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
