/**
 * Share links over HTTP: the owner and admins manage a trip's links; GET /api/v1/shared/{token}
 * (and its calendar) needs no sign-in — the token is the credential, checked by the database.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { inTx } from '../http/context.ts';
import { bigintId, noContent } from '../http/crud.routes.ts';
import { id, numericOut, timestamp, ts, uuid } from '../http/schemas.ts';
import { sendCalendar } from './calendar.ts';
import { MAX_DAYS_PER_PAGE } from './planning.service.ts';
import { timelineView, timeZone } from './planning.routes.ts';
import * as service from './share-links.service.ts';

const tags = ['share links'];
const security = [{ bearer: [] }];
const tripParams = z.object({ trip_id: bigintId });
// Any text: a malformed token is refused on the same path, with the same answer, as an unknown one.
const tokenParams = z.object({ token: z.string().max(200).describe('the link\'s token, as handed out') });

const linkRow = z.object({
  id, trip_id: id, include_costs: z.boolean(), expires_at: ts.nullable(), created_by: uuid.nullable(), created_at: ts,
});
const sharedItem = z.object({
  id, day_number: z.number().int(), start_time: z.string(), end_time: z.string(), title: z.string(),
  description: z.string().nullable(), location: z.string().nullable(), category: z.string().nullable(),
  priority: z.number().nullable(), notes: z.string().nullable(),
  cost: numericOut.nullable().describe('null unless the link includes costs'), currency: z.string().nullable(),
});
const sharedView = z.object({
  trip: z.object({
    id, name: z.string(), destination: z.string(), start_date: z.string(), end_date: z.string(), duration_days: z.number().int(),
    travelers: z.number().int(), status: z.string(), trip_type: z.string(), description: z.string().nullable(), currency: z.string(),
    budget: numericOut.nullable().describe('null unless the link includes costs'),
  }),
  include_costs: z.boolean(),
  next_from_day: z.number().int().nullable().describe('more days follow: ask again with ?from_day=<this>'),
  days: z.array(z.object({ day_number: z.number().int(), date: z.string(), items: z.array(sharedItem) })),
  timeline: timelineView.shape.entries.describe('prices (and their currency) are null unless the link includes costs'),
  notes: z.array(z.object({ id, title: z.string(), content: z.string(), created_at: ts, updated_at: ts })),
});

export function registerShareLinkRoutes(app: FastifyInstance): void {
  app.post('/api/v1/trips/:trip_id/share-links', {
    schema: {
      tags, security, params: tripParams,
      summary: 'Create a read-only link to the trip (owner and admins); the token is shown only in this answer',
      body: z.strictObject({
        expires_at: timestamp.nullable().optional().describe('when the link stops working (default: never)'),
        include_costs: z.boolean().default(false).describe('show budget, prices and costs (never booking links or references)'),
      }),
      response: { 201: linkRow.extend({ token: z.string(), path: z.string() }) },
    },
  }, async (req, reply) => {
    const { trip_id } = req.params as { trip_id: number };
    const body = req.body as { expires_at?: string | null; include_costs: boolean };
    const link = await inTx(req, (trx) => service.createLink(trx, trip_id, { include_costs: body.include_costs, expires_at: body.expires_at ?? null }));
    return reply.status(201).send(link);
  });

  app.get('/api/v1/trips/:trip_id/share-links', {
    schema: { tags, security, params: tripParams, summary: 'The trip\'s share links (owner and admins); tokens are not stored', response: { 200: z.array(linkRow) } },
  }, async (req) => inTx(req, (trx) => service.listLinks(trx, (req.params as { trip_id: number }).trip_id)));

  app.delete('/api/v1/trips/:trip_id/share-links/:id', {
    schema: { tags, security, params: z.object({ trip_id: bigintId, id: bigintId }), summary: 'Revoke a share link', response: { 204: noContent } },
  }, async (req, reply) => {
    const { trip_id, id: linkId } = req.params as { trip_id: number; id: number };
    await inTx(req, (trx) => service.revokeLink(trx, trip_id, linkId));
    return reply.status(204).send();
  });

  app.get('/api/v1/shared/:token', {
    schema: {
      tags, params: tokenParams, summary: 'A shared trip, read-only, without signing in: trip, days, timeline, notes',
      querystring: z.strictObject({
        tz: timeZone,
        from_day: z.coerce.number().int().min(1).max(1_000_000).default(1).describe('first day to list'),
        days: z.coerce.number().int().min(1).max(MAX_DAYS_PER_PAGE).default(MAX_DAYS_PER_PAGE).describe(`how many days (at most ${MAX_DAYS_PER_PAGE})`),
      }),
      response: { 200: sharedView },
    },
  }, async (req) => {
    const { token } = req.params as { token: string };
    const q = req.query as { tz: string; from_day: number; days: number };
    return inTx(req, (trx) => service.sharedView(trx, token, { tz: q.tz, fromDay: q.from_day, days: q.days }));
  });

  app.get('/api/v1/shared/:token/calendar.ics', {
    schema: { tags, params: tokenParams, summary: 'A shared trip as an iCalendar file, without signing in', response: { 200: z.string().describe('text/calendar') } },
  }, async (req, reply) => {
    const body = await inTx(req, (trx) => service.sharedCalendar(trx, (req.params as { token: string }).token));
    return sendCalendar(reply, 'trip.ics', body);
  });
}
