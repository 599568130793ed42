/**
 * Travelling together: who may do what on a trip (docs/trip-planning.md "Travelling together").
 * The database enforces every rule (RLS and the functions of migration 000070); this service
 * asks it for the caller's role first so that a refusal is a precise 403 or 404 rather than an
 * empty result, and turns the database's refusals into domain errors.
 */
import type { Tx } from '../db/transaction.ts';
import { isDbError } from '../db/errors.ts';
import { conflict, forbidden, notFound } from '../domain/errors.ts';
import * as repo from './collaborators.repo.ts';
import type { MemberRole, TripRole } from './collaborators.repo.ts';
import { tripsRepo } from './trips.repo.ts';

export type TripAction = 'view' | 'edit' | 'manage' | 'own';

const ALLOWED: Record<TripAction, readonly TripRole[]> = {
  view: ['owner', 'admin', 'editor', 'viewer'],
  edit: ['owner', 'admin', 'editor'],
  manage: ['owner', 'admin'],
  own: ['owner'],
};

const WHAT: Record<TripAction, string> = {
  view: 'view this trip',
  edit: 'change this trip',
  manage: 'manage who takes part in this trip',
  own: 'do this: only the trip\'s owner can',
};

/**
 * The caller's role on the trip, when it allows `action`: not_found when the caller cannot see
 * the trip at all (as for any row that is not theirs), forbidden when their role is too small.
 */
export async function requireTripRole(trx: Tx, tripId: number, action: TripAction): Promise<TripRole> {
  const role = await repo.tripRole(trx, tripId);
  if (!role) throw notFound('trip');
  if (!ALLOWED[action].includes(role)) {
    throw forbidden('trip_role', `your role on this trip (${role}) cannot ${WHAT[action]}`, {
      details: { role, allowed_roles: ALLOWED[action] },
      hint: action === 'own' ? 'ask the owner' : 'ask the trip\'s owner or an admin for a bigger role',
    });
  }
  return role;
}

export const listMembers = async (trx: Tx, tripId: number) => {
  await requireTripRole(trx, tripId, 'view');
  return repo.members(trx, tripId);
};

async function member(trx: Tx, tripId: number, userId: string) {
  const m = (await repo.members(trx, tripId)).find((r) => r.user_id === userId);
  if (!m) throw notFound('collaborator');
  return m;
}

/** Adds the account with this email, or leaves a pending invitation when there is none. */
export async function invite(trx: Tx, tripId: number, email: string, role: MemberRole) {
  await requireTripRole(trx, tripId, 'manage');
  let result: repo.InviteResult;
  try {
    result = await repo.invite(trx, tripId, email.trim().toLowerCase(), role);
  } catch (e) {
    if (isDbError(e, 'unique')) {
      throw conflict('already_invited', `${email} is already a collaborator of this trip, or already invited`, {
        hint: 'change a collaborator\'s role with PATCH /api/v1/trips/{trip_id}/collaborators/{user_id}', cause: e,
      });
    }
    throw e;
  }
  if (result.status === 'added') return { status: 'added' as const, collaborator: await member(trx, tripId, result.user_id!) };
  return { status: 'invited' as const, invitation: (await repo.invitation(trx, tripId, result.invitation_id!))! };
}

export async function changeRole(trx: Tx, tripId: number, userId: string, role: MemberRole) {
  await requireTripRole(trx, tripId, 'manage');
  if ((await member(trx, tripId, userId)).role === 'owner') {
    throw conflict('owner_role', 'the owner\'s role cannot change', { hint: 'the owner can transfer the trip: POST /api/v1/trips/{trip_id}/transfer' });
  }
  if (!(await repo.setRole(trx, tripId, userId, role))) throw notFound('collaborator');
  return member(trx, tripId, userId);
}

/** Removes a collaborator: the owner and admins remove anyone but the owner; anyone removes themself. */
export async function remove(trx: Tx, tripId: number, userId: string, callerId: string): Promise<void> {
  const role = await requireTripRole(trx, tripId, userId === callerId ? 'view' : 'manage');
  if (role === 'owner' && userId === callerId) throw ownerCannotLeave();
  if (!(await repo.removeMember(trx, tripId, userId))) {
    if ((await repo.members(trx, tripId)).some((m) => m.user_id === userId && m.role === 'owner')) throw ownerCannotLeave();
    throw notFound('collaborator');
  }
}

const ownerCannotLeave = () =>
  conflict('owner_cannot_leave', 'the owner cannot leave or be removed from their trip', {
    hint: 'transfer the trip first (POST /api/v1/trips/{trip_id}/transfer), or delete it',
  });

export const leave = (trx: Tx, tripId: number, callerId: string) => remove(trx, tripId, callerId, callerId);

export async function listInvitations(trx: Tx, tripId: number) {
  await requireTripRole(trx, tripId, 'manage');
  return repo.invitations(trx, tripId);
}

export async function revokeInvitation(trx: Tx, tripId: number, id: number): Promise<void> {
  await requireTripRole(trx, tripId, 'manage');
  if (!(await repo.revokeInvitation(trx, tripId, id))) throw notFound('invitation');
}

/** The owner hands the trip to a collaborator and stays on it as an admin. Returns the trip. */
export async function transfer(trx: Tx, tripId: number, newOwner: string) {
  await requireTripRole(trx, tripId, 'own');
  await repo.transferOwnership(trx, tripId, newOwner);
  return (await tripsRepo.get(trx, [{ column: 'id', op: '=', value: tripId }]))!;
}
