/**
 * POST (insert, upsert), PATCH (update) and DELETE on /rest/v1/{table}: the mutation in a CTE,
 * read back through the same select tree as a GET when `Prefer: return=representation` asks for
 * it. Filters apply to the mutation itself; `limit` with `order` limits an update or delete.
 */
import type { FastifyRequest } from 'fastify';
import { columnNotFound, invalidBody, invalidPutFilters, maxAffectedViolation, notImplemented, putLimitNotAllowed, putMatchingPk } from './errors.ts';
import { execute, type Outcome } from './execute.ts';
import { preferenceApplied, type Preferences } from './headers.ts';
import { planReply, runOptions } from './handle-read.ts';
import { parseBody, type ParsedBody } from './payload.ts';
import { planRead, tableRoot } from './plan-read.ts';
import type { Condition, ReadNode } from './plan-types.ts';
import { pathKey } from './query-params.ts';
import { commonHeaders, restRequest, withCache, type RestRequest, type RestSettings } from './request.ts';
import { checkSingular, bodyText, contentRange, contentTypeOf, withResponseSettings, type RestReply } from './response.ts';
import type { Column, Table } from './schema-cache.ts';
import { jsonPathSql, orderSql, Params } from './sql-fragments.ts';
import { bodySql, mainSql } from './sql-main.ts';
import { readSql } from './sql-read.ts';
import { deleteSql, insertSql, updateSql, type FilteredSpec, type Payload, type Returning } from './sql-write.ts';

type Kind = 'insert' | 'update' | 'delete' | 'put';

interface Planned {
  table: Table;
  node: ReadNode;
  /** The root's own filters, moved from the read to the mutation. */
  where: Condition[];
}

async function plan(req: FastifyRequest, s: RestSettings, r: RestRequest, name: string): Promise<Planned> {
  return withCache(s, r.schema, (env) => {
    const { root, table } = tableRoot(env, name, { kind: 'source' });
    const node = planRead(env, root, r.query, { capRoot: false });
    const where = node.where.filter((c) => c.kind !== 'embed-null');
    node.where = node.where.filter((c) => c.kind === 'embed-null');
    node.range = { offset: 0 };
    return { table, node, where };
  });
}

export async function handleInsert(req: FastifyRequest, s: RestSettings, name: string, raw: string): Promise<RestReply> {
  const r = restRequest(req, s, { write: true });
  const body = parseBody(raw, req.headers['content-type'], r.query.columns === undefined);
  const { table, node } = await plan(req, s, r, name);
  const p = new Params();
  const resolution = r.prefs.resolution === 'ignore-duplicates' ? 'ignore' : r.prefs.resolution === 'merge-duplicates' ? 'merge' : undefined;
  const conflictColumns = r.query.onConflict ?? table.primaryKey;
  for (const c of conflictColumns) if (!table.columns.has(c)) throw columnNotFound(table.name, c);
  const source = insertSql({
    table,
    payload: payloadOf(table, body, r),
    returning: returningOf(node, table, r.prefs),
    ...(resolution && conflictColumns.length ? { onConflict: { columns: conflictColumns, resolution } } : {}),
  }, p);
  return answerWrite(req, s, r, 'insert', { table, node, source, p, merge: resolution === 'merge' });
}

/**
 * PUT: one row, named by its whole primary key in `eq` filters, inserted or replaced. A body whose
 * key differs from the URL's writes nothing, and answers PGRST115.
 */
export async function handlePut(req: FastifyRequest, s: RestSettings, name: string, raw: string): Promise<RestReply> {
  const r = restRequest(req, s, { write: true });
  const body = parseBody(raw, req.headers['content-type'], true);
  if (body.isArray) throw invalidBody('PUT takes a single JSON object');
  if (r.query.ranges.size) throw putLimitNotAllowed();
  const { table, node } = await plan(req, s, r, name);
  const filters = r.query.filters.filter((f) => f.path.length === 0);
  const keyMatch = filters.map((f): [string, string] => [f.filter.field.name, (f.filter.operation as { value: string }).value]);
  const exact = r.query.logic.length === 0 && filters.every((f) => f.filter.operation.op === 'eq' && !f.filter.negated && f.filter.field.json.length === 0)
    && table.primaryKey.length > 0 && [...new Set(keyMatch.map(([c]) => c))].sort().join() === [...table.primaryKey].sort().join() && keyMatch.length === table.primaryKey.length;
  if (!exact) throw invalidPutFilters();
  const p = new Params();
  const source = insertSql({
    table, payload: payloadOf(table, body, r), returning: returningOf(node, table, r.prefs),
    onConflict: { columns: table.primaryKey, resolution: 'merge' }, keyMatch,
  }, p);
  return answerWrite(req, s, r, 'put', { table, node, source, p, merge: true });
}

export async function handleUpdate(req: FastifyRequest, s: RestSettings, name: string, raw: string): Promise<RestReply> {
  const r = restRequest(req, s, { write: true });
  const body = parseBody(raw, req.headers['content-type'], r.query.columns === undefined);
  if (body.isArray) throw notImplemented('PATCH takes a single JSON object');
  const planned = await plan(req, s, r, name);
  const p = new Params();
  const source = updateSql(filtered(planned, r, p), payloadOf(planned.table, body, r), p);
  return answerWrite(req, s, r, 'update', { ...planned, source, p, merge: false });
}

export async function handleDelete(req: FastifyRequest, s: RestSettings, name: string): Promise<RestReply> {
  const r = restRequest(req, s, { write: true });
  const planned = await plan(req, s, r, name);
  const p = new Params();
  return answerWrite(req, s, r, 'delete', { ...planned, source: deleteSql(filtered(planned, r, p), p), p, merge: false });
}

function filtered(pl: Planned, r: RestRequest, p: Params): FilteredSpec {
  const spec: FilteredSpec = { table: pl.table, alias: pl.table.name, where: pl.where, returning: returningOf(pl.node, pl.table, r.prefs) };
  const range = r.query.ranges.get(pathKey([]));
  if (range && (range.limit !== undefined || range.offset > 0)) {
    if (pl.table.kind !== 'table') throw notImplemented('limit/offset on an update or delete needs a table, not a view');
    const order = pl.node.order.map((o) => orderSql(jsonPathSql(o.field.sql, o.field.json, o.field.isJson, p), o.direction, o.nulls));
    spec.range = { range, order: order.length ? ` ORDER BY ${order.join(', ')}` : '' };
  }
  return spec;
}

function payloadOf(table: Table, body: ParsedBody, r: RestRequest): Payload {
  const names = r.query.columns ?? body.keys;
  const columns: Column[] = names.map((n) => {
    const c = table.columns.get(n);
    if (!c) throw columnNotFound(table.name, n);
    return c;
  });
  return { json: body.json, isArray: body.isArray, columns, defaults: r.prefs.missing === 'default' };
}

/**
 * What the mutation must return: nothing (`RETURNING 1`, only counted), the primary key
 * (headers-only), or what the representation's select tree reads — every column when it uses
 * `*` or computed fields (which take the whole row).
 */
function returningOf(node: ReadNode, table: Table, prefs: Preferences): Returning {
  if (prefs.return === 'headers-only') return table.primaryKey.length ? table.primaryKey : 'none';
  if (prefs.return !== 'representation') return 'none';
  const cols = new Set<string>();
  const usesRow = node.output.some((o) => o.kind === 'star' || !node.columns.has(o.field.name) && o.field.sql !== '*')
    || node.children.some((c) => c.embed!.rel.cardinality === 'computed');
  if (usesRow) return 'all';
  for (const o of node.output) if (o.kind === 'field' && o.field.sql !== '*') cols.add(o.field.name);
  for (const o of node.order) cols.add(o.field.name);
  for (const c of node.children) {
    const rel = c.embed!.rel;
    for (const [origin] of rel.junction ? rel.junction.sourceColumns.map(([, oc]) => [oc]) : rel.columns) cols.add(origin!);
  }
  return cols.size ? [...cols].filter((c) => table.columns.has(c)) : 'none';
}

async function answerWrite(
  req: FastifyRequest,
  s: RestSettings,
  r: RestRequest,
  kind: Kind,
  w: { table: Table; node: ReadNode; source: string; p: Params; merge: boolean },
): Promise<RestReply> {
  const representation = r.prefs.return === 'representation';
  const headersOnly = r.prefs.return === 'headers-only' && kind === 'insert';
  const main = {
    sql: mainSql({
      source: w.source,
      select: representation ? readSql(w.node, w.p) : undefined,
      body: representation ? bodySql(r.media, 'rows') : "''",
      inserted: w.merge,
      firstRow: (representation && r.media.kind === 'csv') || headersOnly,
    }),
    params: w.p.values,
  };
  if (r.media.kind === 'plan') return planReply(req, r.media, main, runOptions(s, r));
  const maxAffected = r.prefs.handling === 'strict' && kind !== 'insert' ? r.prefs.maxAffected : undefined;
  const o = await execute(req, main, runOptions(s, r, {
    check: (out) => {
      if (kind === 'put' && out.pageTotal !== 1) throw putMatchingPk();
      if (representation) checkSingular(r.media, out);
      if (maxAffected !== undefined && out.pageTotal > maxAffected) throw maxAffectedViolation(out.pageTotal);
    },
  }));
  const applied = preferenceApplied(r.prefs, kind === 'insert' || kind === 'put'
    ? [...(w.table.primaryKey.length || r.query.onConflict ? (['resolution'] as const) : []), 'missing', 'return', 'count', 'tx', 'handling', 'timezone']
    : ['missing', 'return', 'count', 'tx', 'handling', 'timezone', 'maxAffected']);
  const headers = commonHeaders(r, applied);
  const total = r.prefs.count ? o.pageTotal : null;
  if (kind !== 'put') headers['content-range'] = kind === 'update' ? contentRange(0, o.pageTotal - 1, total) : contentRange(1, 0, total);
  if (headersOnly && o.pageTotal === 1 && o.firstRow) headers.location = locationOf(w.table, o);
  // An upsert that inserted nothing (every row merged) is 200, any other insert 201; PUT
  // answers 201/200 only with the representation.
  const inserted = w.merge && (o.inserted ?? 0) <= 0 ? 200 : 201;
  const status = kind === 'insert' ? inserted : kind === 'put' ? (representation ? inserted : 204) : representation ? 200 : 204;
  if (!representation) return withResponseSettings({ status, headers, body: null }, o);
  headers['content-type'] = contentTypeOf(r.media);
  return withResponseSettings({ status, headers, body: bodyText(r.media, o) }, o);
}

/** `Location: /table?id=eq.5` for the one row a headers-only insert created. */
function locationOf(table: Table, o: Outcome): string {
  const row = JSON.parse(o.firstRow!) as Record<string, unknown>;
  const q = table.primaryKey.map((k) => `${encodeURIComponent(k)}=${row[k] === null ? 'is.null' : `eq.${encodeURIComponent(String(row[k]))}`}`);
  return `/${table.name}?${q.join('&')}`;
}
