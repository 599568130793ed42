/**
 * SQL of the search-history insights. Runs as the caller: RLS limits every query to the caller's
 * own searches and the trips they can see. search_params is free-form JSON written by clients, so
 * only the documented keys are read, only when they hold JSON strings, and dates are compared as
 * ISO text (never cast: one malformed value must not fail the whole request).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../db/transaction.ts';

/** Keys read for "where", in order of preference (docs/operations-jobs.md). */
export const DESTINATION_KEYS = ['destination', 'destination_name', 'destination_code', 'location', 'city'] as const;
/** Keys read for the start and the end of the travel dates searched. */
export const START_DATE_KEYS = ['start_date', 'departure_date', 'check_in_date', 'check_in'] as const;
export const END_DATE_KEYS = ['end_date', 'return_date', 'check_out_date', 'check_out'] as const;

/** The trimmed string at `key`, or NULL when absent, empty or not a JSON string. */
const str = (key: string) =>
  `CASE WHEN jsonb_typeof(search_params -> '${key}') = 'string' THEN nullif(btrim(search_params ->> '${key}'), '') END`;
/** The leading YYYY-MM-DD of the value at `key` (dates or timestamps), else NULL. */
const isoDate = (key: string) =>
  `CASE WHEN jsonb_typeof(search_params -> '${key}') = 'string' AND (search_params ->> '${key}') ~ '^\\d{4}-\\d{2}-\\d{2}' THEN left(search_params ->> '${key}', 10) END`;

const destinationExpr: RawBuilder<string | null> = sql.raw(`coalesce(${DESTINATION_KEYS.map(str).join(', ')})`);
const startExpr = sql.raw(`coalesce(${START_DATE_KEYS.map(isoDate).join(', ')})`);
const endExpr = sql.raw(`coalesce(${END_DATE_KEYS.map(isoDate).join(', ')})`);

export interface Insights {
  total_searches: number;
  by_type: Array<{ search_type: string; count: number }>;
  top_destinations: Array<{ destination: string; count: number; last_searched_at: string }>;
  travel_dates: Array<{ search_type: string; earliest: string | null; latest: string | null; searches_with_dates: number }>;
  unbooked_destinations: Array<{ destination: string; count: number; last_searched_at: string }>;
}

export async function searchInsights(trx: Tx, days: number, topN = 10): Promise<Insights> {
  const since = sql`created_at >= now() - make_interval(days => ${days}::int)`;
  const byType = await sql<{ search_type: string; count: number }>`
    SELECT search_type, count(*)::int AS count
    FROM public.search_history WHERE ${since}
    GROUP BY search_type ORDER BY count DESC, search_type`.execute(trx);

  // Grouped case-insensitively; shown in the spelling used most often.
  const destinations = sql`
    SELECT lower(d) AS key, mode() WITHIN GROUP (ORDER BY d) AS destination, count(*)::int AS count, max(created_at) AS last_searched_at
    FROM (SELECT ${destinationExpr} AS d, created_at FROM public.search_history WHERE ${since}) AS s
    WHERE d IS NOT NULL
    GROUP BY lower(d)`;
  const top = await sql<{ destination: string; count: number; last_searched_at: string }>`
    SELECT destination, count, last_searched_at FROM (${destinations}) AS g
    ORDER BY count DESC, last_searched_at DESC, destination LIMIT ${topN}::int`.execute(trx);
  const unbooked = await sql<{ destination: string; count: number; last_searched_at: string }>`
    SELECT destination, count, last_searched_at FROM (${destinations}) AS g
    WHERE count >= 2
      AND NOT EXISTS (SELECT 1 FROM public.trips AS t WHERE lower(btrim(t.destination)) = g.key)
    ORDER BY count DESC, last_searched_at DESC, destination LIMIT ${topN}::int`.execute(trx);

  const dates = await sql<{ search_type: string; earliest: string | null; latest: string | null; searches_with_dates: number }>`
    SELECT search_type, min(least(s, coalesce(e, s))) AS earliest, max(greatest(e, s)) AS latest, count(*)::int AS searches_with_dates
    FROM (SELECT search_type, ${startExpr} AS s, ${endExpr} AS e FROM public.search_history WHERE ${since}) AS x
    WHERE s IS NOT NULL OR e IS NOT NULL
    GROUP BY search_type ORDER BY search_type`.execute(trx);

  return {
    total_searches: byType.rows.reduce((n, r) => n + r.count, 0),
    by_type: byType.rows,
    top_destinations: top.rows,
    travel_dates: dates.rows,
    unbooked_destinations: unbooked.rows,
  };
}
