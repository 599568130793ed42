/**
 * Field schemas shared by the resources. Values are validated before they reach the database, so
 * bad input is a clear 400 naming the field; the database's constraints remain the final word.
 */
import { z } from 'zod';

export const text = (max = 10_000) => z.string().min(1).max(max);
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

function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1 && t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

export const date = z
  .string()
  .refine(isCalendarDate, { message: 'a calendar date YYYY-MM-DD that exists' })
  .describe('date, YYYY-MM-DD');
export const timestamp = z.iso
  .datetime({ offset: true })
  .refine((s) => !Number.isNaN(Date.parse(s)) && Number(s.slice(0, 4)) >= 1, { message: 'a real instant' })
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
