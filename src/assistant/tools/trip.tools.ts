/**
 * Tools over whole trips: list, read (with the budget summary and the days), create, update,
 * compare. Every handler runs in the caller's transaction; a trip that is not theirs is simply
 * "not found", exactly as over HTTP.
 */
import { z } from 'zod';
import { byId, type AnyTableRepo } from '../../db/crud.repo.ts';
import type { Tx } from '../../db/transaction.ts';
import { notFound, nothingToUpdate } from '../../domain/errors.ts';
import { requireTripRole } from '../../trips/collaborators.service.ts';
import { computeComparison, tripDays, tripSummary } from '../../trips/planning.service.ts';
import { getTrip as tripWithRole, listTrips as tripsWithRoles } from '../../trips/trip-list.repo.ts';
import { accommodationsRepo, flightsRepo, transportationRepo, tripsRepo } from '../../trips/trips.repo.ts';
import { patchOf, tripCreate } from '../../trips/trips.schemas.ts';
import { defineTool, tripIdField } from './registry.ts';

/** Flights, stays and transport listed by get_trip, at most (a trip with more says so). */
export const TRIP_PARTS_LIMIT = 50;
export const MAX_TRIPS_LISTED = 100;

async function partsOf(trx: Tx, repo: AnyTableRepo, tripId: number, first: string) {
  const page = await repo.list(trx, {
    where: [{ column: 'trip_id', op: '=', value: tripId }],
    order: [{ column: first, desc: false }, { column: 'id', desc: false }],
    limit: TRIP_PARTS_LIMIT,
    offset: 0,
    count: true,
  });
  return { rows: page.rows, total: page.total };
}

/** The trip, its summary, a page of days, and what is booked under it (shared with MCP resources). */
export async function tripOverview(trx: Tx, tripId: number, fromDay = 1, days = 14) {
  const trip = await tripWithRole(trx, tripId);
  if (!trip) throw notFound('trip');
  const [summary, dayPage, flights, accommodations, transportation] = [
    await tripSummary(trx, tripId),
    await tripDays(trx, tripId, fromDay, days),
    await partsOf(trx, flightsRepo, tripId, 'departure_time'),
    await partsOf(trx, accommodationsRepo, tripId, 'check_in_date'),
    await partsOf(trx, transportationRepo, tripId, 'departure_time'),
  ];
  return { trip, summary, days: dayPage.days, next_from_day: dayPage.next_from_day, flights, accommodations, transportation };
}

export const listTrips = defineTool({
  name: 'list_trips',
  title: 'List trips',
  description:
    'List the user\'s trips and the trips shared with them (id, name, destination, dates, budget, status, and role: ' +
    'owner, admin, editor or viewer — a viewer cannot change the trip), soonest first. Use the ids with the other tools.',
  input: z.strictObject({
    status: z.enum(['planning', 'booked', 'completed', 'canceled']).optional().describe('only trips with this status'),
    scope: z.enum(['all', 'mine', 'shared']).default('all').describe('all: theirs and those shared with them; mine: theirs; shared: shared with them'),
    limit: z.number().int().min(1).max(MAX_TRIPS_LISTED).default(20),
    offset: z.number().int().min(0).max(1_000_000).default(0),
  }),
  readOnly: true,
  destructive: false,
  run: (ctx, i) => ctx.tx(async (trx) => {
    const page = await tripsWithRoles(trx, {
      where: i.status ? [{ column: 'status', op: '=', value: i.status }] : [],
      order: [{ column: 'start_date', desc: false }, { column: 'id', desc: false }],
      limit: i.limit,
      offset: i.offset,
      count: true,
    }, i.scope);
    const next = i.offset + page.rows.length;
    return { trips: page.rows, total: page.total, next_offset: next < (page.total ?? 0) ? next : null };
  }, { readOnly: true }),
});

export const getTrip = defineTool({
  name: 'get_trip',
  title: 'Get a trip',
  description:
    'One trip in full: its fields, the budget summary (planned spend by category, remaining, per traveller, per day), ' +
    'the itinerary by day with calendar dates and warnings (a page of days; ask again with from_day=next_from_day), ' +
    'and its flights, accommodations and transportation. Amounts are exact decimal strings; the summary\'s totals are in the trip\'s currency (amounts without an exchange rate are listed under unconverted).',
  input: z.strictObject({
    trip_id: tripIdField,
    from_day: z.number().int().min(1).max(100_000).default(1).describe('first day of the page'),
    days: z.number().int().min(1).max(31).default(14).describe('days per page'),
  }),
  readOnly: true,
  destructive: false,
  run: (ctx, i) => ctx.tx((trx) => tripOverview(trx, i.trip_id, i.from_day, i.days), { readOnly: true }),
});

export const createTrip = defineTool({
  name: 'create_trip',
  title: 'Create a trip',
  description: 'Create a new trip for the user. Dates are YYYY-MM-DD; budget is a decimal amount in the trip\'s currency (ISO 4217, default USD).',
  input: tripCreate,
  readOnly: false,
  destructive: false,
  run: (ctx, i) => ctx.tx(async (trx) => ({ trip: await tripsRepo.insert(trx, { ...i, user_id: ctx.userId }) }), { readOnly: false }),
});

export const updateTrip = defineTool({
  name: 'update_trip',
  title: 'Update a trip',
  description: 'Change fields of one of the user\'s trips, or of a trip shared with them as editor or admin (only the fields given change).',
  input: patchOf(tripCreate).extend({ trip_id: tripIdField }),
  readOnly: false,
  destructive: false,
  run: (ctx, { trip_id, ...patch }) => ctx.tx(async (trx) => {
    if (!Object.keys(patch).length) throw nothingToUpdate();
    await requireTripRole(trx, trip_id as number, 'edit');
    const trip = await tripsRepo.update(trx, byId(trip_id as number), patch);
    if (!trip) throw notFound('trip');
    return { trip };
  }, { readOnly: false }),
});

export const compareTrips = defineTool({
  name: 'compare_trips',
  title: 'Compare trips',
  description: 'Compare two or more of the user\'s trips side by side: days, travellers, budget, planned spend by category, per day and per traveller, headroom.',
  input: z.strictObject({
    trip_ids: z.array(tripIdField).min(2).max(10).refine((ids) => new Set(ids).size === ids.length, 'trip_ids must not repeat'),
  }),
  readOnly: true,
  destructive: false,
  run: (ctx, i) => ctx.tx((trx) => computeComparison(trx, i.trip_ids), { readOnly: true }),
});
