/**
 * Exchange-rate shapes, shared by the HTTP route and `tripsage rates import`.
 */
import { z } from 'zod';
import { date, decimal, id, numericOut, optionalText, ts } from '../http/schemas.ts';
import { currencyCode } from './trips.schemas.ts';

/** Rows per POST /api/v1/exchange-rates and per statement of `rates import`. */
export const MAX_RATE_BATCH = 5000;

export const rateIn = z.strictObject({
  base: currencyCode,
  quote: currencyCode,
  rate: decimal.refine((v) => !v.startsWith('-') && /[1-9]/.test(v), { message: 'must be greater than 0' })
    .describe('1 base = rate quote (exact decimal)'),
  as_of: date.describe('the day the rate applies from'),
  source: optionalText(200),
}).refine((r) => r.base !== r.quote, { message: 'base and quote must differ', path: ['quote'] });

export const rateRow = z.object({
  id, base: z.string(), quote: z.string(), rate: numericOut, as_of: z.string(), source: z.string().nullable(), created_at: ts, updated_at: ts,
});
