/**
 * The one statement every /rest/v1 request runs: its work in a CTE (`pgrst_source`: the read, the
 * mutation or the function call), then a single row with the total count, the page count, the
 * response body built as text in the database, and the response status and headers a function
 * may have set (`response.status`, `response.headers`), as PostgREST does.
 */
import type { MediaType } from './headers.ts';
import { SOURCE } from './sql-read.ts';

/** How the rows turn into a body: rows of a relation, or a function's scalar result(s). */
export type BodyShape = 'rows' | 'single-row' | 'scalar' | 'scalar-set';

export const INSERTED_SETTING = 'pgrst.inserted';

export function bodySql(media: MediaType, shape: BodyShape): string {
  if (media.kind === 'csv') {
    return `coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), E'\\n'), '')`;
  }
  const strip = (s: string) => ('stripNulls' in media && media.stripNulls ? `json_strip_nulls(${s})` : s);
  const value = shape === 'scalar' || shape === 'scalar-set' ? '_postgrest_t.pgrst_scalar' : '_postgrest_t';
  const single = media.kind === 'object' || shape === 'scalar' || shape === 'single-row';
  return single ? `coalesce(${strip(`json_agg(${value})->0`)}, 'null')` : `coalesce(${strip(`json_agg(${value})`)}, '[]')`;
}

export interface MainParts {
  /** The CTE's statement. */
  source: string;
  /** The rows of the response, read from the CTE (default: all of it). */
  select?: string;
  /** An exact count's query (its own CTE). */
  count?: string;
  body: string;
  /** Upserts: how many rows were inserted rather than updated. */
  inserted?: boolean;
  /** CSV: the first row as JSON, for the header line. */
  firstRow?: boolean;
}

export function mainSql(m: MainParts): string {
  const ctes = [`${SOURCE} AS (${m.source})`];
  if (m.count) ctes.push(`pgrst_source_count AS (${m.count})`);
  const columns = [
    `${m.count ? '(SELECT pg_catalog.count(*) FROM pgrst_source_count)' : 'NULL::bigint'} AS total_result_set`,
    'pg_catalog.count(*) AS page_total',
    `(${m.body})::text AS body`,
    "nullif(current_setting('response.headers', true), '') AS response_headers",
    "nullif(current_setting('response.status', true), '') AS response_status",
    `${m.inserted ? `nullif(current_setting('${INSERTED_SETTING}', true), '')::int` : 'NULL::int'} AS inserted`,
    `${m.firstRow ? '(json_agg(_postgrest_t)->0)::text' : 'NULL::text'} AS first_row`,
  ];
  return `WITH ${ctes.join(', ')} SELECT ${columns.join(', ')} FROM (${m.select ?? `SELECT * FROM ${SOURCE}`}) _postgrest_t`;
}
