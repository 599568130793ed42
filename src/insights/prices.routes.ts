/**
 * /api/v1/prices: price observations (ingested by trusted back ends), their history, statistics
 * and deals. Reading is for signed-in users (RLS: price_history is shared reference data);
 * writing is service_role only (no write policy exists for any other role).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { inTx } from '../http/context.ts';
import { MAX_LIMIT } from '../http/list.ts';
import { id, MAX_PATH_PARAM, money, numericOut, text, timestamp, ts } from '../http/schemas.ts';
import { requireServiceRole } from '../http/context.ts';
import { nameSchema } from '../http/openapi.ts';
import { insertPrices, priceHistory, priceStats, type PriceInput } from './prices.repo.ts';
import { dealsReport } from './prices.service.ts';

export const MAX_PRICE_BATCH = 1000;

const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR').describe('ISO 4217 currency code');
const priceIn = z.strictObject({
  entity_type: text(100).describe('e.g. flight, accommodation'),
  entity_ref: text(500).describe("the provider's reference of the priced thing"),
  price: money,
  currency,
  timestamp: timestamp.describe('when the price was observed'),
  source: text(200),
});
const priceRow = z.object({
  id, entity_type: z.string(), entity_ref: z.string(), price: numericOut, currency: z.string(), timestamp: ts, source: z.string(), created_at: ts,
});
const ingestBody = z.union([priceIn, z.array(priceIn).min(1).max(MAX_PRICE_BATCH)]);
const refParams = z.object({ entity_ref: z.string().min(1).max(MAX_PATH_PARAM) });
const range = {
  from: timestamp.optional().describe('observed at or after'),
  to: timestamp.optional().describe('observed before'),
};
const historyQuery = z.strictObject({
  ...range,
  currency: currency.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(MAX_LIMIT),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
});
const statsQuery = z.strictObject(range);
const stat = z.object({
  currency: z.string(), count: z.number().int(), min: numericOut, max: numericOut, mean: numericOut, median: numericOut,
  p10: numericOut, p90: numericOut, latest: z.object({ price: numericOut, timestamp: ts }),
});
const dealsQuery = z.strictObject({
  entity_type: text(100).optional(),
  currency: currency.optional(),
  window_days: z.coerce.number().int().min(1).max(3650).default(30).describe('trailing window, in days'),
  threshold: z.coerce.number().gt(0).lt(1).default(0.2).describe('fraction below the trailing median, e.g. 0.2'),
  min_observations: z.coerce.number().int().min(2).max(100_000).default(5).describe('observations needed before the latest one'),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(100),
});
const dealRow = z.object({
  entity_type: z.string(), entity_ref: z.string(), currency: z.string(), latest_price: numericOut, latest_at: ts,
  observations: z.number().int(), median: numericOut.nullable(), p10: numericOut.nullable(), bound: numericOut.nullable(),
  discount: numericOut.nullable(),
});
const tags = ['prices'];
const security = [{ bearer: [] }];

export function registerPriceRoutes(app: FastifyInstance): void {
  const base = '/api/v1/prices';
  nameSchema(app, priceRow, 'PriceObservation');
  nameSchema(app, priceIn, 'PriceObservationCreate');

  app.post(base, {
    schema: {
      tags, security, summary: `Record price observations (service_role only; one or up to ${MAX_PRICE_BATCH})`,
      body: ingestBody, response: { 201: z.union([priceRow, z.array(priceRow)]) },
    },
  }, async (req, reply) => {
    requireServiceRole(req);
    const body = req.body as PriceInput | PriceInput[];
    const rows = await inTx(req, (trx) => insertPrices(trx, Array.isArray(body) ? body : [body]));
    return reply.status(201).send(Array.isArray(body) ? rows : rows[0]);
  });

  app.get(`${base}/deals`, {
    schema: {
      tags, security, querystring: dealsQuery,
      summary: 'Entities whose latest price is a deal: below (1 − threshold) × trailing median and ≤ the p10 of the window',
      response: {
        200: z.object({
          rule: z.object({ window_days: z.number(), threshold: z.string(), min_observations: z.number() }),
          evaluated: z.number().int().describe('entities (per currency) with enough history for a verdict'),
          deals: z.array(dealRow),
          no_verdict: z.array(dealRow.pick({ entity_type: true, entity_ref: true, currency: true, latest_price: true, latest_at: true, observations: true })),
        }),
      },
    },
  }, async (req) => {
    const q = req.query as z.infer<typeof dealsQuery>;
    return inTx(req, (trx) =>
      dealsReport(trx, {
        entityType: q.entity_type, currency: q.currency, windowDays: q.window_days, threshold: String(q.threshold), minObservations: q.min_observations, limit: q.limit,
      }),
    );
  });

  app.get(`${base}/:entity_ref/history`, {
    schema: { tags, security, summary: 'Price observations of one entity, oldest first', params: refParams, querystring: historyQuery, response: { 200: z.array(priceRow) } },
  }, async (req) => {
    const q = req.query as z.infer<typeof historyQuery>;
    return inTx(req, (trx) => priceHistory(trx, (req.params as { entity_ref: string }).entity_ref, q));
  });

  app.get(`${base}/:entity_ref/stats`, {
    schema: {
      tags, security, summary: 'Price statistics of one entity, per currency (exact decimals)', params: refParams, querystring: statsQuery,
      response: { 200: z.object({ entity_ref: z.string(), currencies: z.array(stat) }) },
    },
  }, async (req) => {
    const ref = (req.params as { entity_ref: string }).entity_ref;
    const currencies = await inTx(req, (trx) => priceStats(trx, ref, req.query as z.infer<typeof statsQuery>));
    return { entity_ref: ref, currencies };
  });
}
