/**
 * Adding something planned under a trip — a flight, stay, transport, itinerary item, note or saved
 * option — as one operation that the HTTP routes and the assistant's tools share: the trip must be
 * visible to the caller (RLS), the row is bound to it (and, for notes and saved options, to the
 * caller), and a selected saved option deselects the others of its type.
 */
import type { AnyTableRepo, Row } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';
import { notFound } from '../domain/errors.ts';
import { beforeCreateSavedOption } from './planning.service.ts';
import {
  accommodationsRepo, flightsRepo, itineraryItemsRepo, notesRepo, savedOptionsRepo, transportationRepo, tripVisible,
} from './trips.repo.ts';

export type TripChildKind = 'flight' | 'accommodation' | 'transportation' | 'itinerary_item' | 'note' | 'saved_option';

interface ChildDef {
  repo: AnyTableRepo;
  /** Carries the creating user in `user_id` (never taken from the body). */
  owned: boolean;
  beforeCreate?(trx: Tx, values: Row): Promise<void>;
}

const CHILDREN: Record<TripChildKind, ChildDef> = {
  flight: { repo: flightsRepo, owned: false },
  accommodation: { repo: accommodationsRepo, owned: false },
  transportation: { repo: transportationRepo, owned: false },
  itinerary_item: { repo: itineraryItemsRepo, owned: false },
  note: { repo: notesRepo, owned: true },
  saved_option: { repo: savedOptionsRepo, owned: true, beforeCreate: beforeCreateSavedOption },
};

/** `body` is already validated against the kind's create schema. 404 when the trip is not visible. */
export async function addTripChild(trx: Tx, kind: TripChildKind, tripId: number, userId: string, body: Row): Promise<Row> {
  if (!(await tripVisible(trx, tripId))) throw notFound('trip');
  const def = CHILDREN[kind];
  const values: Row = { ...body, trip_id: tripId };
  if (def.owned) values.user_id = userId;
  await def.beforeCreate?.(trx, values);
  return def.repo.insert(trx, values);
}
