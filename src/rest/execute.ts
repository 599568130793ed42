/**
 * Runs a /rest/v1 statement in the request's one transaction as the caller (`inTx`), after
 * PostgREST's per-request settings: search_path, request.method, request.path, request.headers,
 * request.cookies (role and request.jwt.claims are set by `asCaller`), and the statement timeout.
 * A check that fails after the work (a single object that is not one row, max-affected) rolls the
 * transaction back, as does `Prefer: tx=rollback` — which still answers with the result.
 */
import type { FastifyRequest } from 'fastify';
import { CompiledQuery } from 'kysely';
import type { Tx } from '../db/transaction.ts';
import { inTx } from '../http/context.ts';
import { quoteIdent } from './schema-cache.ts';

export interface Statement {
  sql: string;
  params: (string | null)[];
}

export interface Outcome {
  total: number | null;
  pageTotal: number;
  body: string | null;
  responseHeaders: string | null;
  responseStatus: string | null;
  inserted: number | null;
  firstRow: string | null;
}

export interface RunOptions {
  schema: string;
  statementTimeoutMs: number;
  timezone?: string;
  /**
   * count=planned: EXPLAIN's estimate of this query is the total. count=estimated: the exact
   * count (limited to `exactUpTo` + 1 rows) unless it exceeds `exactUpTo`, then the estimate.
   */
  planned?: { query: Statement; exactUpTo?: number };
  /** Throws (a RestError) to refuse the outcome: the transaction rolls back. */
  check?: (o: Outcome) => void;
  rollback: boolean;
}

class Rollback {
  constructor(readonly value: unknown) {}
}

async function run<R>(trx: Tx, s: Statement): Promise<R[]> {
  return (await trx.executeQuery<R>(CompiledQuery.raw(s.sql, s.params))).rows;
}

/** The per-request settings PostgREST makes before the work. */
export function requestSettings(req: FastifyRequest, o: Pick<RunOptions, 'schema' | 'statementTimeoutMs' | 'timezone'>): Statement {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const cookies: Record<string, string> = {};
  for (const part of (headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) cookies[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  // PostgREST's: the request's schema, then Supabase's extra search path (public, extensions).
  const searchPath = [o.schema, 'public', 'extensions'].map(quoteIdent).join(', ');
  const settings: [string, string][] = [
    ['search_path', searchPath],
    ['request.method', req.method],
    ['request.path', req.url.split('?')[0]!],
    ['request.headers', JSON.stringify(headers)],
    ['request.cookies', JSON.stringify(cookies)],
    ['statement_timeout', String(o.statementTimeoutMs)],
  ];
  if (o.timezone) settings.push(['timezone', o.timezone]);
  const params: string[] = [];
  const calls = settings.map(([k, v]) => {
    params.push(k, v);
    return `set_config($${params.length - 1}, $${params.length}, true)`;
  });
  return { sql: `SELECT ${calls.join(', ')}`, params };
}

interface OutcomeRow {
  total_result_set: number | null;
  page_total: number;
  body: string | null;
  response_headers: string | null;
  response_status: string | null;
  inserted: number | null;
  first_row: string | null;
}

export async function execute(req: FastifyRequest, main: Statement, o: RunOptions): Promise<Outcome> {
  try {
    return await inTx(req, async (trx) => {
      await run(trx, requestSettings(req, o));
      const [row] = await run<OutcomeRow>(trx, main);
      let total = row!.total_result_set === null ? null : Number(row!.total_result_set);
      const p = o.planned;
      if (p && p.exactUpTo === undefined) total = await plannedRows(trx, p.query);
      else if (p && total !== null && total > p.exactUpTo!) total = Math.max(total, await plannedRows(trx, p.query));
      const outcome: Outcome = {
        total,
        pageTotal: Number(row!.page_total),
        body: row!.body,
        responseHeaders: row!.response_headers,
        responseStatus: row!.response_status,
        inserted: row!.inserted,
        firstRow: row!.first_row,
      };
      o.check?.(outcome);
      if (o.rollback) {
        // Deferred constraints are checked before the rollback, so their errors are still reported.
        await run(trx, { sql: 'SET CONSTRAINTS ALL IMMEDIATE', params: [] });
        throw new Rollback(outcome);
      }
      return outcome;
    });
  } catch (e) {
    if (e instanceof Rollback) return e.value as Outcome;
    throw e;
  }
}

/** The planner's estimate of a query's rows (count=planned), from EXPLAIN. */
async function plannedRows(trx: Tx, s: Statement): Promise<number> {
  const [row] = await run<{ 'QUERY PLAN': unknown }>(trx, { sql: `EXPLAIN (FORMAT JSON) ${s.sql}`, params: s.params });
  const plan = typeof row!['QUERY PLAN'] === 'string' ? JSON.parse(row!['QUERY PLAN'] as string) : row!['QUERY PLAN'];
  return Number((plan as { Plan: { 'Plan Rows': number } }[])[0]!.Plan['Plan Rows']);
}

/**
 * EXPLAIN of the main statement (Accept: application/vnd.pgrst.plan) in the request's
 * transaction, which always rolls back: `analyze` runs the statement, and must not keep its writes.
 */
export async function explain(req: FastifyRequest, main: Statement, format: 'json' | 'text', options: string[], o: RunOptions): Promise<string> {
  const allowed = ['analyze', 'verbose', 'settings', 'buffers', 'wal'];
  const opts = [`FORMAT ${format.toUpperCase()}`, ...options.filter((x) => allowed.includes(x)).map((x) => x.toUpperCase())];
  try {
    await inTx(req, async (trx) => {
      await run(trx, requestSettings(req, o));
      const rows = await run<{ 'QUERY PLAN': unknown }>(trx, { sql: `EXPLAIN (${opts.join(', ')}) ${main.sql}`, params: main.params });
      const plan = rows.map((r) => r['QUERY PLAN']);
      throw new Rollback(format === 'json' ? JSON.stringify(typeof plan[0] === 'string' ? JSON.parse(plan[0]) : plan[0]) : plan.join('\n'));
    });
  } catch (e) {
    if (e instanceof Rollback) return e.value as string;
    throw e;
  }
  throw new Error('unreachable: explain always rolls back');
}
