/**
 * Field schemas shared by the resources. Values are validated before they reach the database, so
 * bad input is a clear 400 naming the field; the database's constraints remain the final word.
 */
import { z } from 'zod';

export const text = (max = 10_000) => z.string().min(1).max(max);

/** The longest path parameter (in characters) any route accepts; app.ts sizes the router by it. */
export const MAX_PATH_PARAM = 500;
export const optionalText = (max = 10_000) => z.string().max(max).nullable().optional();

/** NUMERIC as JSON number or string; returned as a string (exact decimal). */
export const decimal = z
  .union([z.number(), z.string()])
  .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))
  .refine((v) => /^-?\d{1,15}(\.\d{1,6})?$/.test(v), {
    message: 'a decimal number with at most 15 integer and 6 fractional digits',
  })
  .describe('decimal number (sent as number or string, returned as string)');
export const money = decimal.refine((v) => !v.startsWith('-'), { message: 'must not be negative' });

/** Whether y-mo-d exists. setUTCFullYear, unlike Date.UTC, takes years 0–99 as they are. */
function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return y >= 1 && t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

export const date = z
  .string()
  .refine(isCalendarDate, { message: 'a calendar date YYYY-MM-DD that exists (years 0001–9999)' })
  .describe('date, YYYY-MM-DD');

/**
 * The instants a timestamp may name: those written with a four-digit year in UTC, 0001-01-01
 * to 9999-12-31 — what the responses print as they were sent (0001-01-01T00:00:00+14:00 is
 * 1 BC in UTC, which would come back as year 0000).
 */
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const AFTER_LAST_INSTANT = Date.parse('+010000-01-01T00:00:00Z');
export const timestamp = z.iso
  .datetime({ offset: true })
  .refine((s) => {
    const t = Date.parse(s);
    return t >= FIRST_INSTANT && t < AFTER_LAST_INSTANT;
  }, { message: 'a real instant from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z' })
  .describe('ISO 8601 timestamp with offset, e.g. 2026-05-01T09:30:00Z');
export const time = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$/, 'a time HH:MM or HH:MM:SS')
  .describe('local time, HH:MM[:SS]');
export const int = (min: number, max = 2_147_483_647) => z.number().int().min(min).max(max);
export const jsonObject = z.record(z.string(), z.unknown()).describe('JSON object');
export const jsonValue = z.unknown().describe('any JSON value');

// Row shapes (responses) ------------------------------------------------------------------------
export const id = z.number().int();
export const uuid = z.string().uuid();
export const ts = z.string().describe('ISO 8601 timestamp');
export const numericOut = z.string().describe('exact decimal');
export const audit = { created_at: ts, updated_at: ts };
