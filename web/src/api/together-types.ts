/**
 * Travelling together: members, invitations, share links and the shared view, as the API sends
 * them (docs/api.md). Re-exported by types.ts.
 */
import type { Audit, CollaboratorRole, Decimal, TimelineEntry, TripRole } from './types.ts';

export interface Member {
  user_id: string;
  email: string;
  name: string | null;
  role: TripRole;
  invited_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface Invitation extends Audit {
  id: number;
  trip_id: number;
  email: string;
  role: CollaboratorRole;
  invited_by: string | null;
}

export type InviteResult =
  | { status: 'added'; collaborator: Member }
  | { status: 'invited'; invitation: Invitation };

export interface ShareLink {
  id: number;
  trip_id: number;
  include_costs: boolean;
  expires_at: string | null;
  created_by: string | null;
  created_at: string;
}

/** Only in the answer that creates the link: the token is never shown again. */
export interface NewShareLink extends ShareLink {
  token: string;
  path: string;
}

export interface SharedItem {
  id: number;
  day_number: number;
  start_time: string;
  end_time: string;
  title: string;
  description: string | null;
  location: string | null;
  category: string | null;
  priority: number | null;
  notes: string | null;
  /** null unless the link includes costs. */
  cost: Decimal | null;
  currency: string | null;
}

export interface SharedTrip {
  trip: {
    id: number;
    name: string;
    destination: string;
    start_date: string;
    end_date: string;
    duration_days: number;
    travelers: number;
    status: string;
    trip_type: string;
    description: string | null;
    currency: string;
    /** null unless the link includes costs. */
    budget: Decimal | null;
  };
  include_costs: boolean;
  next_from_day: number | null;
  days: { day_number: number; date: string; items: SharedItem[] }[];
  timeline: TimelineEntry[];
  notes: { id: number; title: string; content: string; created_at: string; updated_at: string }[];
}
