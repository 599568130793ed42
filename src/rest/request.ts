/**
 * What every /rest/v1 handler starts from: the settings, the request's schema, preferences and
 * media type, its parsed query string, and planning against the schema cache — re-planned once
 * after a reload when the request names something the cache does not know yet.
 */
import type { FastifyRequest } from 'fastify';
import type { SchemaCacheHolder } from './cache-holder.ts';
import { RestError } from './errors.ts';
import { negotiate, parsePrefer, profileSchema, strictPreferences, type MediaType, type Preferences } from './headers.ts';
import type { PlanEnv } from './plan-types.ts';
import type { QueryParams } from './query-ast.ts';
import { parseQueryParams } from './query-params.ts';
import type { SchemaCache } from './schema-cache.ts';

export interface RestSettings {
  holder: SchemaCacheHolder;
  /** Exposed schemas; the first is the default. */
  schemas: string[];
  maxRows: number | undefined;
  maxDepth: number;
  maxEmbeds: number;
  aggregates: boolean;
  /** Accept: application/vnd.pgrst.plan (EXPLAIN) allowed. */
  plans: boolean;
  statementTimeoutMs: number;
}

export interface RestRequest {
  schema: string;
  prefs: Preferences;
  media: MediaType;
  query: QueryParams;
  /** Whether the schema was chosen among several (then Content-Profile is echoed). */
  profiled: boolean;
}

/** Errors that a fresh look at the catalog might cure. */
const CACHE_MISSES = new Set(['PGRST200', 'PGRST202', 'PGRST204', 'PGRST205', '42703']);

export function restRequest(req: FastifyRequest, s: RestSettings, opts: { write: boolean; rpcRead?: boolean }): RestRequest {
  const schema = profileSchema(req.headers[opts.write ? 'content-profile' : 'accept-profile'], s.schemas);
  const prefs = parsePrefer(req.headers.prefer);
  strictPreferences(prefs);
  const media = negotiate(req.headers.accept, { plans: s.plans });
  const search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
  const query = parseQueryParams(search, { rpcRead: opts.rpcRead === true });
  return { schema, prefs, media, query, profiled: s.schemas.length > 1 };
}

export function planEnv(s: RestSettings, cache: SchemaCache, schema: string): PlanEnv {
  const env: PlanEnv = { cache, schema, maxDepth: s.maxDepth, maxEmbeds: s.maxEmbeds, aggregates: s.aggregates };
  if (s.maxRows !== undefined) env.maxRows = s.maxRows;
  return env;
}

/** Plans with the current cache; on a miss, once more with a reloaded one (throttled). */
export async function withCache<T>(s: RestSettings, schema: string, plan: (env: PlanEnv) => T): Promise<T> {
  const cache = await s.holder.get();
  try {
    return plan(planEnv(s, cache, schema));
  } catch (e) {
    if (!(e instanceof RestError) || !CACHE_MISSES.has(e.code)) throw e;
    const fresh = await s.holder.refreshIfStale();
    if (!fresh) throw e;
    return plan(planEnv(s, fresh, schema));
  }
}

/** Headers every successful answer carries. */
export function commonHeaders(r: RestRequest, applied: string | undefined): Record<string, string> {
  const h: Record<string, string> = {};
  if (applied) h['preference-applied'] = applied;
  if (r.profiled) h['content-profile'] = r.schema;
  return h;
}
