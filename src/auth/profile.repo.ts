/**
 * The caller's own profile in public.users. Runs in the request's transaction as the caller, so
 * RLS ("own profile") and the column grants (UPDATE of name and preferences_json only) decide;
 * the `auth_user_id = auth.uid()` condition only picks the one row a user has.
 */
import { sql } from 'kysely';
import { jsonb } from '../db/crud.repo.ts';
import type { Json } from '../db/schema.ts';
import type { Tx } from '../db/transaction.ts';

export interface ProfileRow {
  id: number;
  auth_user_id: string | null;
  name: string | null;
  email: string;
  preferences_json: Json | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = ['id', 'auth_user_id', 'name', 'email', 'preferences_json', 'created_at', 'updated_at'] as const;
const OWN = sql<boolean>`auth_user_id = (select auth.uid())`;

export interface ProfileChanges {
  name?: string | null;
  preferences_json?: Record<string, unknown> | null;
}

export async function getOwnProfile(trx: Tx): Promise<ProfileRow | undefined> {
  return trx.selectFrom('users').select(COLUMNS).where(OWN).executeTakeFirst();
}

export async function updateOwnProfile(trx: Tx, c: ProfileChanges): Promise<ProfileRow | undefined> {
  if (c.name === undefined && c.preferences_json === undefined) return getOwnProfile(trx);
  return trx
    .updateTable('users')
    .set({
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.preferences_json !== undefined
        ? { preferences_json: c.preferences_json === null ? null : jsonb<Json>(c.preferences_json) }
        : {}),
    })
    .where(OWN)
    .returning(COLUMNS)
    .executeTakeFirst();
}
