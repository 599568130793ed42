/**
 * GET /api/v1/trips and GET /api/v1/trips/{id}: the caller's own trips and those shared with
 * them, each with the caller's `role` (`owner` on their own). Create, patch and delete stay plain
 * resource routes (trips.routes.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ColumnOf } from '../db/crud.repo.ts';
import { notFound } from '../domain/errors.ts';
import { inTx } from '../http/context.ts';
import { bigintId } from '../http/crud.routes.ts';
import { listParamsOf, listQuery, sendPage, type ListQueryOptions } from '../http/list.ts';
import { nameSchema } from '../http/openapi.ts';
import { date } from '../http/schemas.ts';
import { getTrip, listTrips, type TripScope } from './trip-list.repo.ts';
import { tripRow } from './trips.schemas.ts';

export const TRIP_LIST: ListQueryOptions<ColumnOf<'trips'>> = {
  orderable: ['start_date', 'end_date', 'name', 'destination', 'budget', 'status', 'created_at', 'updated_at', 'id'],
  defaultOrder: [{ column: 'start_date', desc: false }],
  filters: {
    status: { column: 'status', op: '=', schema: z.enum(['planning', 'booked', 'completed', 'canceled']), description: 'only trips with this status' },
    from: { column: 'end_date', op: '>=', schema: date, description: 'only trips that end on or after this date' },
    to: { column: 'start_date', op: '<=', schema: date, description: 'only trips that start on or before this date' },
    q: {
      column: 'name', or: ['destination'], op: 'contains', schema: z.string().trim().min(1).max(200),
      description: 'only trips whose name or destination contains this text (case-insensitive)',
    },
  },
};

export const tripRole = z.enum(['owner', 'admin', 'editor', 'viewer']).describe('the caller\'s role on the trip');
export const tripWithRole = tripRow.extend({ role: tripRole });

const security = [{ bearer: [] }];
const tags = ['trips'];

export function registerTripListRoutes(app: FastifyInstance): void {
  nameSchema(app, tripWithRole, 'TripWithRole');
  app.get('/api/v1/trips', {
    schema: {
      tags, security, summary: 'List your trips and the trips shared with you, with your role on each',
      querystring: listQuery(TRIP_LIST).extend({
        scope: z.enum(['all', 'mine', 'shared']).default('all')
          .describe('all: yours and those shared with you; mine: yours (role owner); shared: shared with you'),
      }),
      response: { 200: z.array(tripWithRole) },
    },
  }, async (req, reply) => {
    const params = listParamsOf(req, TRIP_LIST);
    const scope = (req.query as { scope: TripScope }).scope;
    return sendPage(reply, params, await inTx(req, (trx) => listTrips(trx, params, scope), { oneStatement: !params.count }));
  });

  app.get('/api/v1/trips/:id', {
    schema: { tags, security, summary: 'Get a trip, with your role on it', params: z.object({ id: bigintId }), response: { 200: tripWithRole } },
  }, async (req) => {
    const { id } = req.params as { id: number };
    const row = await inTx(req, (trx) => getTrip(trx, id), { oneStatement: true });
    if (!row) throw notFound('trip');
    return row;
  });
}
