/**
 * How column values cross into JavaScript, identically on both backends.
 *
 * - NUMERIC stays a string: money is never a float (sum it in SQL).
 * - BIGINT becomes a number: ids are identity values far below 2^53, and PostgREST clients expect
 *   JSON numbers. A value beyond Number.MAX_SAFE_INTEGER is refused loudly rather than rounded.
 * - DATE and TIME stay strings ('2026-05-01', '09:30:00'): no time-zone shifting of calendar days.
 * - TIMESTAMPTZ becomes an ISO 8601 string with the database's full microsecond precision
 *   ('2026-05-01T09:30:00.123456+00:00'), as PostgREST returns it; sessions run in UTC.
 */
import type { ColumnType } from 'kysely';

export const OID = {
  INT8: 20,
  NUMERIC: 1700,
  DATE: 1082,
  TIME: 1083,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
} as const;

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`bigint ${value} does not fit a JavaScript number`);
  }
  return n;
}

/** '2026-05-01 09:30:00.123+00' → '2026-05-01T09:30:00.123+00:00' */
export function isoTimestamp(value: string): string {
  const t = value.replace(' ', 'T');
  return /[+-]\d\d$/.test(t) ? `${t}:00` : t;
}

const identity = (value: string): string => value;

export const typeParsers: Record<number, (value: string) => unknown> = {
  [OID.INT8]: parseInt8,
  [OID.NUMERIC]: identity,
  [OID.DATE]: identity,
  [OID.TIME]: identity,
  [OID.TIMESTAMP]: identity,
  [OID.TIMESTAMPTZ]: isoTimestamp,
};

/** A TIMESTAMPTZ column: read as an ISO 8601 string (above), written as text or a Date. */
export type Timestamptz = ColumnType<string, string | Date, string | Date>;

/** A JSON value as json/jsonb columns return it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * A json/jsonb column: read as parsed JSON; written as any JSON-serialisable value (the table
 * repository sends JSON columns as JSON text, see crud.repo.ts).
 */
export type JsonColumn = ColumnType<Json, object | string | number | boolean | null, object | string | number | boolean | null>;
