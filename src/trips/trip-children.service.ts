/**
 * Adding something planned under a trip — a flight, stay, transport, itinerary item, note or saved
 * option — as one operation that the HTTP routes and the assistant's tools share: the caller must
 * be allowed to change the trip (requireTripRole 'edit': not_found when they cannot see it,
 * forbidden for a viewer; RLS decides anyway), the row is bound to it (and, for notes and saved
 * options, to the caller), and a selected saved option deselects the others of its type.
 * Collection caps and defaults are the database's (migrations), so every adapter gets them.
 */
import type { AnyTableRepo, Row } from '../db/crud.repo.ts';
import type { Caller, Tx } from '../db/transaction.ts';
import { requireTripRole } from './collaborators.service.ts';
import { beforeCreateSavedOption } from './planning.service.ts';
import {
  accommodationsRepo, flightsRepo, itineraryItemsRepo, notesRepo, savedOptionsRepo, transportationRepo,
} from './trips.repo.ts';

export type TripChildKind = 'flight' | 'accommodation' | 'transportation' | 'itinerary_item' | 'note' | 'saved_option';

interface ChildDef {
  repo: AnyTableRepo;
  /** Carries the creating user in `user_id` (never taken from the body). */
  owned: boolean;
  beforeCreate?(trx: Tx, values: Row, caller: Caller): Promise<void>;
}

const CHILDREN: Record<TripChildKind, ChildDef> = {
  flight: { repo: flightsRepo, owned: false },
  accommodation: { repo: accommodationsRepo, owned: false },
  transportation: { repo: transportationRepo, owned: false },
  itinerary_item: { repo: itineraryItemsRepo, owned: false },
  note: { repo: notesRepo, owned: true },
  saved_option: { repo: savedOptionsRepo, owned: true, beforeCreate: beforeCreateSavedOption },
};

/** `body` is already validated against the kind's create schema; `caller` is a signed-in user. */
export async function addTripChild(trx: Tx, kind: TripChildKind, tripId: number, caller: Caller, body: Row): Promise<Row> {
  await requireTripRole(trx, tripId, 'edit');
  const def = CHILDREN[kind];
  const values: Row = { ...body, trip_id: tripId };
  if (def.owned) values.user_id = caller.claims.sub;
  await def.beforeCreate?.(trx, values, caller);
  return def.repo.insert(trx, values);
}
