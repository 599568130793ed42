/**
 * Trips, everything planned under a trip, and trip comparisons, as plain resources.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ColumnOf, OrderBy, TableName } from '../db/crud.repo.ts';
import { bigintId, registerResource, type ParentDef, type ResourceDef } from '../http/crud.routes.ts';
import {
  accommodationsRepo, comparisonsRepo, flightsRepo, itineraryItemsRepo, notesRepo, savedOptionsRepo, transportationRepo,
  tripsRepo, tripVisible,
} from './trips.repo.ts';
import * as s from './trips.schemas.ts';
import * as planning from './planning.service.ts';
import { registerPlanningRoutes } from './planning.routes.ts';
import { addTripChild, type TripChildKind } from './trip-children.service.ts';
import { requireTripRole } from './collaborators.service.ts';
import { registerCollaboratorRoutes } from './collaborators.routes.ts';
import { registerTripListRoutes, TRIP_LIST } from './trip-list.routes.ts';
import { registerCurrencyRoutes } from './currency.routes.ts';
import { registerShareLinkRoutes } from './share-links.routes.ts';

const BASE = '/api/v1';
const trip: ParentDef<'trip_id'> = {
  param: 'trip_id', column: 'trip_id', noun: 'trip', schema: bigintId, visible: tripVisible,
  requireWritable: async (trx, id) => void (await requireTripRole(trx, id as number, 'edit')),
};
const byCreated: OrderBy<'created_at'>[] = [{ column: 'created_at', desc: false }];

/** The tables planned under a trip (they have a trip_id). */
type TripChild = { [K in TableName]: 'trip_id' extends ColumnOf<K> ? K : never }[TableName];

/** A table planned under a trip: /trips/:trip_id/<path>. */
interface ChildDef<T extends TripChild, C extends ColumnOf<T>> extends Pick<ResourceDef<T, C>, 'noun' | 'repo' | 'row' | 'create' | 'ownerColumn' | 'hooks'> {
  path: string;
  /** Created by the trips service's addTripChild (shared with the assistant's tools). */
  kind: TripChildKind;
  orderable: readonly ColumnOf<T>[];
  first: ColumnOf<T>;
}

function registerChild<T extends TripChild, C extends ColumnOf<T>>(app: FastifyInstance, c: ChildDef<T, C>): void {
  // Every TripChild has trip_id (the compiler cannot see it through the generic T).
  const parent = trip as ParentDef<ColumnOf<T>>;
  registerResource(app, {
    tag: 'trip planning', noun: c.noun, path: `${BASE}/trips/:trip_id/${c.path}`, repo: c.repo, idSchema: bigintId,
    row: c.row, create: c.create, patch: s.patchOf(c.create), parent, ownerColumn: c.ownerColumn,
    list: { orderable: c.orderable, defaultOrder: [{ column: c.first, desc: false }] },
    createWith: (trx, tripId, body, caller) => addTripChild(trx, c.kind, tripId as number, caller, body),
    hooks: c.hooks,
  });
}

export function registerTripRoutes(app: FastifyInstance): void {
  // Fixed paths (/trips/import, /trips/:trip_id/summary, …) before the generic ones.
  registerPlanningRoutes(app);
  registerCollaboratorRoutes(app);
  // Lists and gets say the caller's role on each trip (own or shared): served by trip-list.routes.ts.
  registerTripListRoutes(app);
  registerCurrencyRoutes(app);
  registerShareLinkRoutes(app);

  registerResource(app, {
    tag: 'trips', noun: 'trip', path: `${BASE}/trips`, repo: tripsRepo, idSchema: bigintId,
    row: s.tripRow, create: s.tripCreate, patch: s.patchOf(s.tripCreate), ownerColumn: 'user_id',
    list: TRIP_LIST, without: ['list', 'get'],
    hooks: {
      beforePatch: async (trx, key) => void (await requireTripRole(trx, key[0]!.value as number, 'edit')),
      beforeDelete: async (trx, key) => void (await requireTripRole(trx, key[0]!.value as number, 'own')),
    },
  });

  // Selecting a saved option deselects the others of its type in the trip (same transaction; on
  // create, addTripChild does it).
  const savedOptionHooks = { beforePatch: planning.beforePatchSavedOption };
  registerChild(app, { path: 'flights', kind: 'flight', noun: 'flight', repo: flightsRepo, row: s.flightRow, create: s.flightCreate,
    orderable: ['departure_time', 'arrival_time', 'price', 'created_at', 'id'], first: 'departure_time' });
  registerChild(app, { path: 'accommodations', kind: 'accommodation', noun: 'accommodation', repo: accommodationsRepo, row: s.accommodationRow, create: s.accommodationCreate,
    orderable: ['check_in_date', 'check_out_date', 'total_price', 'rating', 'created_at', 'id'], first: 'check_in_date' });
  registerChild(app, { path: 'transportation', kind: 'transportation', noun: 'transportation', repo: transportationRepo, row: s.transportationRow, create: s.transportationCreate,
    orderable: ['departure_time', 'arrival_time', 'price', 'created_at', 'id'], first: 'departure_time' });
  registerChild(app, { path: 'notes', kind: 'note', noun: 'note', repo: notesRepo, row: s.noteRow, create: s.noteCreate,
    orderable: ['created_at', 'updated_at', 'title', 'id'], first: 'created_at', ownerColumn: 'user_id' });
  registerChild(app, { path: 'saved-options', kind: 'saved_option', noun: 'saved option', repo: savedOptionsRepo, row: s.savedOptionRow, create: s.savedOptionCreate,
    orderable: ['option_type', 'created_at', 'id'], first: 'created_at', ownerColumn: 'user_id', hooks: savedOptionHooks });

  registerResource(app, {
    tag: 'trip planning', noun: 'itinerary item', path: `${BASE}/trips/:trip_id/itinerary-items`, repo: itineraryItemsRepo,
    idSchema: bigintId, row: s.itineraryItemRow, create: s.itineraryItemCreate, patch: s.patchOf(s.itineraryItemCreate), parent: trip,
    createWith: (trx, tripId, body, caller) => addTripChild(trx, 'itinerary_item', tripId as number, caller, body),
    list: {
      orderable: ['day_number', 'start_time', 'end_time', 'priority', 'created_at', 'id'],
      defaultOrder: [{ column: 'day_number', desc: false }, { column: 'start_time', desc: false }],
      filters: { day_number: { column: 'day_number', op: '=', schema: z.coerce.number().int().min(1).max(100_000), description: 'only this day of the trip' } },
    },
  });

  registerResource(app, {
    tag: 'trip comparisons', noun: 'trip comparison', path: `${BASE}/trip-comparisons`, repo: comparisonsRepo, idSchema: bigintId,
    row: s.comparisonRow, create: s.comparisonCreate, patch: s.comparisonPatch, ownerColumn: 'user_id',
    list: { orderable: ['created_at', 'updated_at', 'title', 'id'], defaultOrder: byCreated },
    hooks: { beforeCreate: (trx, values) => planning.beforeCreateComparison(trx, values) },
  });
}
