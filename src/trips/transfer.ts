/**
 * Trip export and import: a trip with everything under it as one JSON document
 *
 *   {format: 'tripsage.trip', version: 1, trip, flights, accommodations, transportation,
 *    itinerary_items, notes, saved_options}
 *
 * and a user's trips as {format: 'tripsage.trips', version: 1, trips: [<tripsage.trip>…]}.
 * Import validates the whole document (zod) first, then inserts in the caller's one transaction
 * under RLS: ids are re-assigned, user_id is the caller, and any database error (a check
 * constraint, the itinerary-day trigger) rolls everything back.
 */
import { z } from 'zod';
import { byId, type AnyTableRepo, type OrderBy, type Row } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';
import { notFound } from '../domain/errors.ts';
import { timestamp } from '../http/schemas.ts';
import {
  accommodationsRepo, flightsRepo, itineraryItemsRepo, notesRepo, savedOptionsRepo, transportationRepo, tripsRepo,
} from './trips.repo.ts';
import * as s from './trips.schemas.ts';

export const TRIP_FORMAT = 'tripsage.trip';
export const TRIPS_FORMAT = 'tripsage.trips';
export const TRANSFER_VERSION = 1;

/** Columns a document may carry from its source database; import ignores them. */
const foreign = {
  id: z.unknown().optional(),
  trip_id: z.unknown().optional(),
  user_id: z.unknown().optional(),
  created_at: z.unknown().optional(),
  updated_at: z.unknown().optional(),
};
const MAX_CHILDREN = 10_000;
const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_CHILDREN).default([]);

export const tripDocument = z.strictObject({
  format: z.literal(TRIP_FORMAT),
  version: z.literal(TRANSFER_VERSION),
  exported_at: z.string().optional(),
  trip: s.tripCreate.extend(foreign),
  flights: list(s.flightCreate.extend({ ...foreign, search_timestamp: timestamp.optional() })),
  accommodations: list(s.accommodationCreate.extend({ ...foreign, search_timestamp: timestamp.optional() })),
  transportation: list(s.transportationCreate.extend(foreign)),
  itinerary_items: list(s.itineraryItemCreate.extend(foreign)),
  notes: list(s.noteCreate.extend(foreign)),
  saved_options: list(s.savedOptionCreate.extend(foreign)),
});
export type TripDocument = z.infer<typeof tripDocument>;

export const tripsDocument = z.strictObject({
  format: z.literal(TRIPS_FORMAT),
  version: z.literal(TRANSFER_VERSION),
  exported_at: z.string().optional(),
  trips: z.array(tripDocument).max(10_000),
});
export type TripsDocument = z.infer<typeof tripsDocument>;

export const anyDocument = z.discriminatedUnion('format', [tripDocument, tripsDocument]);

const CHILDREN = [
  ['flights', flightsRepo, false],
  ['accommodations', accommodationsRepo, false],
  ['transportation', transportationRepo, false],
  ['itinerary_items', itineraryItemsRepo, false],
  ['notes', notesRepo, true],
  ['saved_options', savedOptionsRepo, true],
] as const satisfies ReadonlyArray<readonly [keyof TripDocument, AnyTableRepo, boolean]>;

const ORDER: OrderBy<'id'>[] = [{ column: 'id', desc: false }];

async function all(trx: Tx, repo: AnyTableRepo, tripId: number): Promise<Row[]> {
  const { rows } = await repo.list(trx, { where: [{ column: 'trip_id', op: '=', value: tripId }], order: ORDER, limit: 1_000_000, offset: 0, count: false });
  return rows;
}

/** One visible trip as a document (404 when the caller cannot see it). */
export async function exportTrip(trx: Tx, tripId: number): Promise<Record<string, unknown>> {
  const trip = await tripsRepo.get(trx, byId(tripId));
  if (!trip) throw notFound('trip');
  const doc: Record<string, unknown> = { format: TRIP_FORMAT, version: TRANSFER_VERSION, exported_at: new Date().toISOString(), trip };
  for (const [name, repo] of CHILDREN) doc[name] = await all(trx, repo, tripId);
  return doc;
}

/** Every trip the caller can see. */
export async function exportTrips(trx: Tx): Promise<Record<string, unknown>> {
  const { rows } = await tripsRepo.list(trx, { where: [], order: [{ column: 'start_date', desc: false }, ...ORDER], limit: 1_000_000, offset: 0, count: false });
  const trips = [];
  for (const t of rows) trips.push(await exportTrip(trx, t.id as number));
  return { format: TRIPS_FORMAT, version: TRANSFER_VERSION, exported_at: new Date().toISOString(), trips };
}

/** A document's row without the columns it carried from its source database. */
function strip<R extends Record<string, unknown>>(r: R): Omit<R, keyof typeof foreign> {
  const { id: _i, trip_id: _t, user_id: _u, created_at: _c, updated_at: _m, ...rest } = r;
  return rest;
}

export interface ImportedTrip {
  trip: Row;
  counts: Record<string, number>;
}

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters for the widest table. */
const CHUNK = 2000;

async function insertChunked(trx: Tx, repo: AnyTableRepo, rows: Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await repo.insertMany(trx, rows.slice(i, i + CHUNK));
}

/**
 * Creates a copy of every trip of the document for `userId`, in the caller's one transaction,
 * with multi-row INSERTs: one for the trips, then one per child table (chunked). PostgreSQL
 * returns the rows of a multi-row VALUES insert in the order given, which pairs each new trip id
 * with its document. A violation anywhere rolls the whole import back, and the error still names
 * the constraint.
 */
export async function importDocument(trx: Tx, userId: string, doc: TripDocument | TripsDocument): Promise<ImportedTrip[]> {
  const docs = doc.format === TRIP_FORMAT ? [doc] : doc.trips;
  const trips = await tripsRepo.insertMany(trx, docs.map((d) => ({ ...strip(d.trip), user_id: userId })));
  for (const [name, repo, owned] of CHILDREN) {
    const rows = docs.flatMap((d, i) =>
      (d[name] as Record<string, unknown>[]).map((r) => ({ ...strip(r), trip_id: trips[i]!.id, ...(owned ? { user_id: userId } : {}) })),
    );
    await insertChunked(trx, repo, rows);
  }
  return docs.map((d, i) => ({
    trip: trips[i]!,
    counts: Object.fromEntries(CHILDREN.map(([name]) => [name, (d[name] as unknown[]).length])),
  }));
}
