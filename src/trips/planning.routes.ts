/**
 * Trip-planning routes beyond plain CRUD: summary, days, timeline, calendar.ics, export/import and
 * comparison refresh. Each runs in the request's transaction as the caller (RLS); no SQL here.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { bigintId } from '../http/crud.routes.ts';
import { inTx, userIdOf } from '../http/context.ts';
import { notFound } from '../domain/errors.ts';
import { id, numericOut, ts } from '../http/schemas.ts';
import { sendCalendar, tripCalendar } from './calendar.ts';
import { MAX_OVERLAP_IDS } from './overlaps.ts';
import * as planning from './planning.service.ts';
import { tripsRepo } from './trips.repo.ts';
import * as s from './trips.schemas.ts';
import { anyDocument, exportTrip, importDocument, TRIP_FORMAT } from './transfer.ts';

const BASE = '/api/v1';
const security = [{ bearer: [] }];
const tags = ['trip planning'];
const tripParams = z.object({ trip_id: bigintId });

const money = numericOut;
const currencySubtotal = z.object({
  currency: z.string(), amount: money.describe('all costs in this currency, in it'),
  converted: money.describe('the converted part, in the trip\'s currency'), unconverted: money.describe('the part with no rate, in this currency'),
  costs: z.number().int(), unconverted_costs: z.number().int(),
});
export const unconvertedCost = z.object({
  kind: z.enum(['flight', 'accommodation', 'transportation', 'itinerary_item']), id, currency: z.string(), amount: money,
  date: z.string().describe('the cost\'s date: no rate on or before it'),
});
const summaryRow = z.object({
  trip_id: id, name: z.string(), destination: z.string(), status: z.string(), start_date: z.string(), end_date: z.string(),
  duration_days: z.number().int(), travelers: z.number().int(),
  currency: z.string().describe('the trip\'s currency (ISO 4217): every amount here is in it, except by_currency.amount / unconverted and unconverted[].amount'),
  budget: money,
  planned: z.object({ flights: money, accommodations: money, transportation: money, itinerary: money }),
  total: money, remaining: money, over_budget: z.boolean(), budget_used_percent: money.describe('rounded to 2 decimals'),
  per_traveller: money.describe('total / travelers, rounded to 2 decimals'), per_day: money.describe('total / duration_days, rounded to 2 decimals'),
  complete: z.boolean().describe('every cost was converted; false: the costs in `unconverted` are not in any total'),
  by_currency: z.array(currencySubtotal), unconverted: z.array(unconvertedCost),
  counts: z.object({ flights: z.number(), accommodations: z.number(), transportation: z.number(), itinerary_items: z.number(), itinerary_items_with_cost: z.number() }),
});
const warning = z.object({
  type: z.enum(['overlap', 'beyond_trip']), message: z.string(),
  item_ids: z.array(id).describe(`the items concerned (at most ${planning.MAX_WARNING_IDS})`),
  item_count: z.number().int().describe('how many items the warning concerns in all'),
});
const dayItem = s.itineraryItemRow.extend({
  overlaps: z.object({
    count: z.number().int().describe('how many other items of the day this one overlaps'),
    item_ids: z.array(id).describe(`up to ${MAX_OVERLAP_IDS} of them, in time order`),
  }),
});
const daysView = z.object({
  trip_id: id, start_date: z.string(), end_date: z.string(), duration_days: z.number().int(), currency: z.string(),
  next_from_day: z.number().int().nullable().describe('more days follow: ask again with ?from_day=<this>'),
  days: z.array(z.object({
    day_number: z.number().int(), date: z.string(), beyond_trip: z.boolean(),
    planned_cost: money.describe('the day\'s item costs converted into the trip\'s currency'),
    unconverted: z.array(z.object({ item_id: id, currency: z.string(), amount: money })).describe('item costs of the day with no rate'),
    items: z.array(dayItem), warnings: z.array(warning),
  })),
});
export const timelineView = z.object({
  trip_id: id, time_zone: z.string(),
  entries: z.array(z.object({
    kind: z.enum(['flight', 'accommodation', 'transportation', 'itinerary_item']), id, title: z.string(),
    start_at: ts, end_at: ts, all_day: z.boolean(), date: z.string().nullable(), end_date: z.string().nullable(),
    day_number: z.number().nullable(), start_time: z.string().nullable(), end_time: z.string().nullable(),
    origin: z.string().nullable(), destination: z.string().nullable(), location: z.string().nullable(),
    description: z.string().nullable(), price: money.nullable(), currency: z.string().nullable(), status: z.string().nullable(),
  })),
});
export const timeZone = z.string().regex(/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/, 'an IANA time zone, e.g. Europe/Paris').default('UTC')
  .describe('IANA zone in which floating local times (itinerary items, stay dates) are placed for ordering; default UTC');
const imported = z.object({ trip: s.tripRow, counts: z.record(z.string(), z.number()) });

export function registerPlanningRoutes(app: FastifyInstance): void {
  app.get(`${BASE}/trips/:trip_id/summary`, {
    schema: { tags, security, operationId: 'getTripSummary', summary: 'Budget summary of a trip (planned spend by category, remaining, per traveller, per day)', params: tripParams, response: { 200: summaryRow } },
  }, async (req) => {
    const { trip_id } = req.params as { trip_id: number };
    return inTx(req, (trx) => planning.tripSummary(trx, trip_id));
  });

  app.get(`${BASE}/trips/:trip_id/days`, {
    schema: {
      tags, security, operationId: 'getTripDays', summary: 'The itinerary by day, with calendar dates and overlap warnings', params: tripParams,
      querystring: z.strictObject({
        from_day: z.coerce.number().int().min(1).max(1_000_000).default(1).describe('first day to list'),
        days: z.coerce.number().int().min(1).max(planning.MAX_DAYS_PER_PAGE).default(planning.MAX_DAYS_PER_PAGE).describe(`how many days (at most ${planning.MAX_DAYS_PER_PAGE})`),
      }),
      response: { 200: daysView },
    },
  }, async (req) => {
    const { trip_id } = req.params as { trip_id: number };
    const { from_day, days } = req.query as { from_day: number; days: number };
    return inTx(req, (trx) => planning.tripDays(trx, trip_id, from_day, days));
  });

  app.get(`${BASE}/trips/:trip_id/timeline`, {
    schema: {
      tags, security, operationId: 'getTripTimeline', summary: 'Flights, stays, transport and itinerary items in time order', params: tripParams,
      querystring: z.strictObject({ tz: timeZone }), response: { 200: timelineView },
    },
  }, async (req) => {
    const { trip_id } = req.params as { trip_id: number };
    const { tz } = req.query as { tz: string };
    return inTx(req, (trx) => planning.tripTimeline(trx, trip_id, tz));
  });

  app.get(`${BASE}/trips/:trip_id/calendar.ics`, {
    schema: {
      tags, security, operationId: 'getTripCalendar', summary: 'The trip as an iCalendar file (text/calendar)', params: tripParams,
      response: { 200: z.string().describe('text/calendar') },
    },
  }, async (req, reply) => {
    const { trip_id } = req.params as { trip_id: number };
    const { trip, entries } = await inTx(req, async (trx) => {
      const trip = await tripsRepo.get(trx, [{ column: 'id', op: '=', value: trip_id }]);
      if (!trip) throw notFound('trip');
      return { trip, entries: (await planning.tripTimeline(trx, trip_id, 'UTC')).entries };
    });
    const body = tripCalendar({ id: trip_id, name: String(trip.name), destination: String(trip.destination) }, entries);
    return sendCalendar(reply, `trip-${trip_id}.ics`, body);
  });

  app.get(`${BASE}/trips/:trip_id/export`, {
    schema: {
      tags, security, operationId: 'exportTrip', summary: `The trip and everything planned under it as one document ({format: '${TRIP_FORMAT}', version: 1, …})`,
      params: tripParams, response: { 200: z.record(z.string(), z.unknown()) },
    },
  }, async (req) => {
    const { trip_id } = req.params as { trip_id: number };
    return inTx(req, (trx) => exportTrip(trx, trip_id));
  });

  app.post(`${BASE}/trips/import`, {
    schema: {
      tags, security, operationId: 'importTrips', summary: 'Import a trip document (or a tripsage.trips document) as new trips of the caller, all or nothing',
      body: anyDocument, response: { 201: z.union([imported, z.object({ trips: z.array(imported) })]) },
    },
  }, async (req, reply) => {
    const doc = req.body as z.infer<typeof anyDocument>;
    const result = await inTx(req, (trx) => importDocument(trx, userIdOf(req), doc));
    return reply.status(201).send(doc.format === TRIP_FORMAT ? result[0] : { trips: result });
  });

  app.post(`${BASE}/trip-comparisons/:id/refresh`, {
    schema: {
      tags: ['trip comparisons'], security, operationId: 'refreshTripComparison', summary: 'Recompute a comparison from its stored trip_ids',
      params: z.object({ id: bigintId }), response: { 200: s.comparisonRow },
    },
  }, async (req) => {
    const { id: cid } = req.params as { id: number };
    const row = await inTx(req, (trx) => planning.refreshComparison(trx, cid));
    if (!row) throw notFound('trip comparison');
    return row;
  });
}
