/**
 * GET /api/v1/search-history/insights: what the caller has been searching for. As the caller,
 * under RLS: only their own searches, compared with the trips they can see.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { inTx } from '../http/context.ts';
import { ts } from '../http/schemas.ts';
import { searchInsights } from './insights.repo.ts';

const query = z.strictObject({
  days: z.coerce.number().int().min(1).max(3650).default(90).describe('only searches of the last N days'),
});
const destination = z.object({ destination: z.string(), count: z.number().int(), last_searched_at: ts });
const response = z.object({
  days: z.number().int(),
  total_searches: z.number().int(),
  by_type: z.array(z.object({ search_type: z.string(), count: z.number().int() })),
  top_destinations: z.array(destination).describe('the 10 most searched'),
  travel_dates: z
    .array(z.object({ search_type: z.string(), earliest: z.string().nullable(), latest: z.string().nullable(), searches_with_dates: z.number().int() }))
    .describe('per search type, the earliest and latest travel date searched (YYYY-MM-DD)'),
  unbooked_destinations: z.array(destination).describe('searched at least twice, with no trip there yet (the 10 most searched)'),
});

export function registerSearchInsightsRoutes(app: FastifyInstance): void {
  app.get('/api/v1/search-history/insights', {
    schema: {
      tags: ['search history'], security: [{ bearer: [] }], summary: 'Insights from my search history', querystring: query,
      response: { 200: response },
    },
  }, async (req) => {
    const { days } = req.query as z.infer<typeof query>;
    const r = await inTx(req, (trx) => searchInsights(trx, days));
    return { days, ...r };
  });
}
