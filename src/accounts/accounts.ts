/**
 * Operator account management (`tripsage users`, `demo`, `export`, `import`): identities are created, listed and deleted as service_role (a trusted job), through
 * the identity service's own repository and password hashing. Everything a user owns is then
 * read and written as that user (asCaller(db, userCaller(id))), under RLS.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import * as authRepo from '../auth/auth.repo.ts';
import { hashPassword, PASSWORD_MAX, PASSWORD_MIN } from '../auth/passwords.ts';
import type { Database } from '../db/database.ts';
import { asCaller, SERVICE, type Tx } from '../db/transaction.ts';
import { conflict, invalid, notFound } from '../domain/errors.ts';

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

function checkEmail(email: string): string {
  const e = normalizeEmail(email);
  if (!/^[^\s@]+@[^\s@]+$/.test(e) || e.length > 255) throw invalid('invalid_email', `not an email address: "${email}"`);
  return e;
}

export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw invalid('weak_password', `the password must have ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
  }
}

/** A random password an operator can hand over (base64url, 20 characters). */
export const generatePassword = (): string => randomBytes(15).toString('base64url');

export interface Account {
  id: string;
  email: string;
  created_at: string | null;
  last_sign_in_at: string | null;
  trips: number;
}

/** The id of the live identity with this email; not_found naming it otherwise. */
export async function userIdByEmail(db: Database, email: string): Promise<string> {
  const row = await asCaller(db, SERVICE, (trx) => authRepo.findUserByEmail(trx, normalizeEmail(email)), { readOnly: true });
  if (!row) {
    throw notFound(`user with email ${normalizeEmail(email)}`, { hint: 'create one: tripsage users create --email …' });
  }
  return row.id;
}

/** Inside a service_role transaction: a confirmed email identity with a scrypt password hash. */
export async function insertAccount(trx: Tx, email: string, passwordHash: string, userMetadata: Record<string, unknown> = {}): Promise<string> {
  const e = checkEmail(email);
  if (await authRepo.findUserByEmail(trx, e)) throw conflict('email_exists', `a user with email ${e} already exists`);
  const row = await authRepo.insertUser(trx, {
    email: e,
    encryptedPassword: passwordHash,
    appMetadata: { provider: 'email', providers: ['email'] },
    userMetadata,
  });
  return row.id;
}

export async function createAccount(db: Database, email: string, password: string): Promise<string> {
  checkEmail(email);
  checkPassword(password);
  const hash = await hashPassword(password);
  return asCaller(db, SERVICE, (trx) => insertAccount(trx, email, hash));
}

export async function listAccounts(db: Database): Promise<Account[]> {
  return asCaller(db, SERVICE, async (trx) => {
    const r = await sql<Account>`
      SELECT u.id, u.email, u.created_at, u.last_sign_in_at,
             (SELECT count(*)::int FROM public.trips t WHERE t.user_id = u.id) AS trips
      FROM auth.users u
      WHERE u.deleted_at IS NULL
      ORDER BY u.created_at, u.id`.execute(trx);
    return r.rows;
  }, { readOnly: true });
}

/** Deletes the identity and, by cascade, everything it owns. Whether it existed. */
export async function deleteAccount(db: Database, email: string): Promise<boolean> {
  return asCaller(db, SERVICE, async (trx) => {
    const r = await sql`DELETE FROM auth.users WHERE lower(email) = ${normalizeEmail(email)} RETURNING id`.execute(trx);
    return r.rows.length > 0;
  });
}
