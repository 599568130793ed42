/**
 * What a role on a trip allows, as the database enforces it (docs/trip-planning.md, "Travelling
 * together"). The app only uses this to hide controls that would be refused: the API (RLS) is
 * what decides, and a refusal still shows its message.
 */
import type { TripRole } from '../api/types.ts';

export type TripAction =
  /** flights, stays, transport, items, notes, saved options, and the trip's own fields */
  | 'edit'
  /** collaborators, invitations and share links */
  | 'manage'
  | 'delete'
  | 'transfer'
  | 'leave';

const RANK: Record<TripRole, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

export function can(role: TripRole | null | undefined, action: TripAction): boolean {
  if (!role || !(role in RANK)) return false;
  switch (action) {
    case 'edit': return RANK[role] >= RANK.editor;
    case 'manage': return RANK[role] >= RANK.admin;
    case 'delete':
    case 'transfer': return role === 'owner';
    case 'leave': return role !== 'owner';
  }
}

/** How a trip card names the caller's role: their own trip, or shared with them in a role. */
export function roleLabel(role: TripRole): string {
  return role === 'owner' ? 'Your trip' : `Shared with you · ${role}`;
}
