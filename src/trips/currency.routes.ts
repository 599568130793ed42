/**
 * Currencies and exchange rates over HTTP: the ISO 4217 codes the database accepts, rates written
 * by trusted back ends (service_role) and read by signed-in users.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { inTx, requireServiceRole } from '../http/context.ts';
import { MAX_LIMIT } from '../http/list.ts';
import { date } from '../http/schemas.ts';
import { currencyCodes, listRates, upsertRates, type RateInput, type RateQuery } from './currency.repo.ts';
import { MAX_RATE_BATCH, rateIn, rateRow } from './currency.schemas.ts';
import { currencyCode } from './trips.schemas.ts';

const tags = ['currencies'];
const security = [{ bearer: [] }];

export function registerCurrencyRoutes(app: FastifyInstance): void {
  app.get('/api/v1/currencies', {
    schema: { tags, summary: 'The ISO 4217 currency codes the database accepts', response: { 200: z.array(z.string()) } },
  }, async (req) => inTx(req, (trx) => currencyCodes(trx)));

  app.post('/api/v1/exchange-rates', {
    schema: {
      tags, security, summary: `Record exchange rates (service_role only; up to ${MAX_RATE_BATCH}); an existing (base, quote, as_of) is replaced`,
      body: z.strictObject({ rates: z.array(rateIn).min(1).max(MAX_RATE_BATCH) }),
      response: { 200: z.object({ written: z.number().int() }) },
    },
  }, async (req) => {
    requireServiceRole(req);
    const { rates } = req.body as { rates: RateInput[] };
    return { written: await inTx(req, (trx) => upsertRates(trx, rates)) };
  });

  app.get('/api/v1/exchange-rates', {
    schema: {
      tags, security, summary: 'Exchange rates, newest day first',
      querystring: z.strictObject({
        base: currencyCode.optional(), quote: currencyCode.optional(),
        on_or_before: date.optional().describe('only rates of this day or earlier'),
        limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50),
        offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
      }),
      response: { 200: z.array(rateRow) },
    },
  }, async (req) => inTx(req, (trx) => listRates(trx, req.query as RateQuery)));
}
