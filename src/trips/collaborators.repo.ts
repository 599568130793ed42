/**
 * SQL of travelling together: the caller's role on a trip, the members, invitations and
 * ownership transfer. Everything runs as the caller; the database functions of migration 000070
 * decide (trip_role, trip_members, invite_trip_collaborator, transfer_trip_ownership) and RLS
 * guards the tables.
 */
import { sql } from 'kysely';
import type { Tx } from '../db/transaction.ts';

export type MemberRole = 'viewer' | 'editor' | 'admin';
export type TripRole = 'owner' | MemberRole;

const MEMBER_COLUMNS = ['id', 'trip_id', 'user_id', 'role', 'invited_by', 'created_at', 'updated_at'] as const;
const INVITATION_COLUMNS = ['id', 'trip_id', 'email', 'role', 'invited_by', 'created_at', 'updated_at'] as const;

/** The caller's role on the trip, or null when they cannot see it. */
export async function tripRole(trx: Tx, tripId: number): Promise<TripRole | null> {
  const r = await sql<{ role: TripRole | null }>`SELECT public.trip_role(${tripId}::bigint) AS role`.execute(trx);
  return r.rows[0]?.role ?? null;
}

export interface MemberRow {
  user_id: string;
  email: string | null;
  name: string | null;
  role: TripRole;
  invited_by: string | null;
  created_at: string;
  updated_at: string;
}

/** The owner, then the collaborators, with their emails (empty when the trip is not visible). */
export async function members(trx: Tx, tripId: number): Promise<MemberRow[]> {
  const r = await sql<MemberRow>`
    SELECT user_id, email, name, role, invited_by, created_at, updated_at
    FROM public.trip_members(${tripId}::bigint)`.execute(trx);
  return r.rows;
}

export interface InviteResult {
  status: 'added' | 'invited';
  user_id: string | null;
  invitation_id: number | null;
}

export async function invite(trx: Tx, tripId: number, email: string, role: MemberRole): Promise<InviteResult> {
  const r = await sql<InviteResult>`
    SELECT status, user_id, invitation_id
    FROM public.invite_trip_collaborator(${tripId}::bigint, ${email}, ${role})`.execute(trx);
  return r.rows[0]!;
}

export async function setRole(trx: Tx, tripId: number, userId: string, role: MemberRole) {
  return trx.updateTable('trip_collaborators').set({ role })
    .where('trip_id', '=', tripId).where('user_id', '=', userId)
    .returning(MEMBER_COLUMNS).executeTakeFirst();
}

/** Removes a collaborator (or, with the caller's own id, leaves). Whether a row went. */
export async function removeMember(trx: Tx, tripId: number, userId: string): Promise<boolean> {
  const r = await trx.deleteFrom('trip_collaborators')
    .where('trip_id', '=', tripId).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function invitations(trx: Tx, tripId: number) {
  return trx.selectFrom('trip_invitations').select(INVITATION_COLUMNS)
    .where('trip_id', '=', tripId).orderBy('created_at').orderBy('id').execute();
}

export async function invitation(trx: Tx, tripId: number, id: number) {
  return trx.selectFrom('trip_invitations').select(INVITATION_COLUMNS)
    .where('trip_id', '=', tripId).where('id', '=', id).executeTakeFirst();
}

export async function revokeInvitation(trx: Tx, tripId: number, id: number): Promise<boolean> {
  const r = await trx.deleteFrom('trip_invitations').where('trip_id', '=', tripId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function transferOwnership(trx: Tx, tripId: number, newOwner: string): Promise<void> {
  await sql`SELECT public.transfer_trip_ownership(${tripId}::bigint, ${newOwner}::uuid)`.execute(trx);
}
