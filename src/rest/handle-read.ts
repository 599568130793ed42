/**
 * GET and HEAD on /rest/v1/{table}: one SELECT (embeds as lateral joins, JSON built in the
 * database), the count PostgREST's Prefer: count asks for, and the range answer.
 */
import type { FastifyRequest } from 'fastify';
import { execute, explain, type Outcome, type RunOptions, type Statement } from './execute.ts';
import { CONTENT_TYPE, preferenceApplied, topRange, type MediaType } from './headers.ts';
import { capRange, planRead, tableRoot } from './plan-read.ts';
import type { ReadNode } from './plan-types.ts';
import { pathKey } from './query-params.ts';
import { commonHeaders, restRequest, withCache, type RestRequest, type RestSettings } from './request.ts';
import { bodyText, checkSingular, contentTypeOf, rangeReply, withResponseSettings, type RestReply } from './response.ts';
import { Params } from './sql-fragments.ts';
import { bodySql, mainSql, type BodyShape } from './sql-main.ts';
import { countSql, readSql } from './sql-read.ts';

export async function handleRead(req: FastifyRequest, s: RestSettings, table: string): Promise<RestReply> {
  const r = restRequest(req, s, { write: false });
  const node = await withCache(s, r.schema, (env) => {
    const root = planRead(env, tableRoot(env, table).root, r.query, { capRoot: true });
    root.range = capRange(topRange(headerOf(req, 'range'), r.query.ranges.get(pathKey([]))), s.maxRows);
    return root;
  });
  const p = new Params();
  const source = readSql(node, p);
  return answerRows(req, s, r, node, { source, p, shape: 'rows' });
}

export const headerOf = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The statement options every request shares. */
export function runOptions(s: RestSettings, r: RestRequest, extra: Partial<RunOptions> = {}): RunOptions {
  const o: RunOptions = { schema: r.schema, statementTimeoutMs: s.statementTimeoutMs, rollback: r.prefs.tx === 'rollback', ...extra };
  if (r.prefs.timezone) o.timezone = r.prefs.timezone;
  return o;
}

/**
 * Runs a read of `node` (its SQL already in `source`, for reads and function calls) with the
 * count asked for, and answers with PostgREST's range status and headers.
 */
export async function answerRows(
  req: FastifyRequest,
  s: RestSettings,
  r: RestRequest,
  node: ReadNode | undefined,
  m: { source: string; select?: string; p: Params; shape: BodyShape; check?: (o: Outcome) => void; voidResult?: boolean },
): Promise<RestReply> {
  const count = r.prefs.count;
  const exactCount = node && (count === 'exact' || count === 'estimated') ? countSql(node, m.p) : undefined;
  const limited = exactCount && count === 'estimated' && s.maxRows !== undefined ? `${exactCount} LIMIT ${s.maxRows + 1}` : exactCount;
  const main: Statement = {
    sql: mainSql({ source: m.source, select: m.select, count: limited, body: bodySql(r.media, m.shape), firstRow: r.media.kind === 'csv' }),
    params: m.p.values,
  };
  const extra: Partial<RunOptions> = {
    check: (o) => {
      checkSingular(r.media, o);
      m.check?.(o);
    },
  };
  if (node && (count === 'planned' || count === 'estimated')) {
    const cp = new Params();
    extra.planned = { query: { sql: countSql(node, cp), params: cp.values } };
    if (count === 'estimated' && s.maxRows !== undefined) extra.planned.exactUpTo = s.maxRows;
  }
  if (r.media.kind === 'plan') return planReply(req, r.media, main, runOptions(s, r));
  const o = await execute(req, main, runOptions(s, r, extra));
  // A scalar function's rows are their own count.
  if (count !== undefined && !node) o.total = o.pageTotal;
  const headers = commonHeaders(r, preferenceApplied(r.prefs, ['count', 'tx', 'handling', 'timezone']));
  if (m.voidResult) return withResponseSettings({ status: 204, headers, body: null }, o);
  const { status, contentRange } = rangeReply(node?.range.offset ?? 0, o);
  headers['content-range'] = contentRange;
  headers['content-type'] = contentTypeOf(r.media);
  return withResponseSettings({ status, headers, body: req.method === 'HEAD' ? null : bodyText(r.media, o) }, o);
}

export async function planReply(req: FastifyRequest, media: Extract<MediaType, { kind: 'plan' }>, main: Statement, o: RunOptions): Promise<RestReply> {
  const body = await explain(req, main, media.format, media.options, o);
  return { status: 200, headers: { 'content-type': `${CONTENT_TYPE.plan}+${media.format}; charset=utf-8` }, body };
}
