/**
 * How column values cross into JavaScript, identically on both backends.
 *
 * - NUMERIC stays a string: money is never a float (sum it in SQL).
 * - BIGINT becomes a number: ids are identity values far below 2^53, and PostgREST clients expect
 *   JSON numbers. A value beyond Number.MAX_SAFE_INTEGER is refused loudly rather than rounded.
 * - DATE and TIME stay strings ('2026-05-01', '09:30:00'): no time-zone shifting of calendar days.
 * - TIMESTAMPTZ becomes an ISO 8601 string with the database's full microsecond precision
 *   ('2026-05-01T09:30:00.123456+00:00'), as PostgREST returns it; sessions run in UTC. Years
 *   outside 0001–9999 AD, which PostgreSQL writes as '0044-03-15 … BC' or '10000-…', become
 *   ISO's astronomical years (see isoYear), so every value parses as an instant.
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

/**
 * An ISO 8601 year from PostgreSQL's: astronomical numbering (1 BC is year 0000, 2 BC is -0001),
 * four digits for 0000–9999 and otherwise a sign and six digits, as JavaScript's Date writes
 * and reads them ('+010000', '-000043').
 */
function isoYear(digits: string, bc: boolean): string {
  const y = bc ? 1 - Number(digits) : Number(digits);
  if (y >= 0 && y <= 9999) return String(y).padStart(4, '0');
  return `${y < 0 ? '-' : '+'}${String(Math.abs(y)).padStart(6, '0')}`;
}

const PG_TIMESTAMPTZ = /^(\d{4,})-(\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::(\d\d))?( BC)?$/;
const PG_DATE = /^(\d{4,})(-\d\d-\d\d)( BC)?$/;

/**
 * '2026-05-01 09:30:00.123+00' → '2026-05-01T09:30:00.123+00:00'; '0001-12-31 10:00:00+00 BC'
 * → '0000-12-31T10:00:00+00:00'; '10000-01-01 00:00:00+00' → '+010000-01-01T00:00:00+00:00'.
 * 'infinity' and '-infinity' (valid in PostgreSQL, not instants) are passed through as they are.
 */
export function isoTimestamp(value: string): string {
  const m = PG_TIMESTAMPTZ.exec(value);
  if (!m) return value;
  const [, year, monthDay, time, offsetHours, offsetMinutes = '00', bc] = m;
  return `${isoYear(year!, !!bc)}-${monthDay}T${time}${offsetHours}:${offsetMinutes}`;
}

/** '2026-05-01' stays; '0044-03-15 BC' → '-0043-03-15'; '10000-01-01' → '+010000-01-01'. */
export function isoDate(value: string): string {
  const m = PG_DATE.exec(value);
  if (!m || (!m[3] && m[1]!.length === 4)) return value;
  return `${isoYear(m[1]!, !!m[3])}${m[2]}`;
}

const identity = (value: string): string => value;

export const typeParsers: Record<number, (value: string) => unknown> = {
  [OID.INT8]: parseInt8,
  [OID.NUMERIC]: identity,
  [OID.DATE]: isoDate,
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
