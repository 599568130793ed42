/**
 * /rest/v1/rpc/{function}: POST with named arguments in a JSON object (or the whole body for a
 * single unnamed json/text parameter), GET/HEAD with arguments in the query string (read-only).
 * A function returning rows is read like a table — select, filters, order, embedding, counts.
 */
import type { FastifyRequest } from 'fastify';
import { maxAffectedRpcViolation, maxAffectedViolation } from './errors.ts';
import { answerRows, headerOf } from './handle-read.ts';
import { topRange } from './headers.ts';
import { bodyKind, parseBody } from './payload.ts';
import { capRange, computedFields, planRead, type RootSpec } from './plan-read.ts';
import type { NodeColumn } from './plan-types.ts';
import { pathKey } from './query-params.ts';
import { restRequest, withCache, type RestSettings } from './request.ts';
import { findRoutine, hasOneUnnamedParam } from './routines.ts';
import type { RestReply } from './response.ts';
import { keyOf, type Routine, type SchemaCache } from './schema-cache.ts';
import { callSql, type CallArgs } from './sql-call.ts';
import { Params } from './sql-fragments.ts';
import type { BodyShape } from './sql-main.ts';
import { readSql } from './sql-read.ts';

export async function handleCall(req: FastifyRequest, s: RestSettings, name: string, raw: string): Promise<RestReply> {
  const read = req.method === 'GET' || req.method === 'HEAD';
  const r = restRequest(req, s, { write: !read, rpcRead: read });
  const kind = read ? 'none' : bodyKind(req.headers['content-type']);
  const body = !read && (kind === 'json' || kind === 'form') ? parseBody(raw, req.headers['content-type'], false) : undefined;
  const keys = new Set(read ? r.query.rpcArgs.map(([k]) => k) : (r.query.columns ?? body?.keys ?? []));
  const { routine, node } = await withCache(s, r.schema, (env) => {
    const routine = findRoutine(env.cache, r.schema, name, keys, !read, kind);
    if (routine.returns !== 'composite') return { routine, node: undefined };
    const node = planRead(env, rootOf(env.cache, routine), r.query, { capRoot: true });
    node.range = capRange(topRange(headerOf(req, 'range'), r.query.ranges.get(pathKey([]))), s.maxRows);
    return { routine, node };
  });
  const p = new Params();
  const source = callSql(routine, argsOf(routine, read, kind, raw, body, r.query.rpcArgs, keys), p);
  const maxAffected = r.prefs.handling === 'strict' ? r.prefs.maxAffected : undefined;
  if (maxAffected !== undefined && !routine.returnsSet) throw maxAffectedRpcViolation();
  return answerRows(req, s, r, node, {
    source,
    ...(node ? { select: readSql(node, p) } : {}),
    p,
    shape: shapeOf(routine),
    voidResult: routine.returns === 'void',
    check: (o) => {
      if (maxAffected !== undefined && o.pageTotal > maxAffected) throw maxAffectedViolation(o.pageTotal);
    },
  });
}

function shapeOf(r: Routine): BodyShape {
  if (r.returns === 'composite') return r.returnsSet ? 'rows' : 'single-row';
  return r.returnsSet ? 'scalar-set' : 'scalar';
}

/** A function's rows read like its return relation (columns, computed fields, relationships), else like its OUT columns. */
function rootOf(cache: SchemaCache, r: Routine): RootSpec {
  const table = r.returnsRelation ? cache.tables.get(keyOf(r.returnsRelation)) : undefined;
  const columns: Map<string, NodeColumn> = table
    ? table.columns
    : new Map(r.outColumns.map((c) => [c.name, { name: c.name, type: c.type, baseType: c.type }]));
  return {
    source: { kind: 'source' },
    name: r.name,
    origin: table?.name ?? r.name,
    columns,
    computed: table ? computedFields(cache, table) : new Map(),
  };
}

function argsOf(
  r: Routine,
  read: boolean,
  kind: ReturnType<typeof bodyKind>,
  raw: string,
  body: ReturnType<typeof parseBody> | undefined,
  queryArgs: [string, string][],
  keys: Set<string>,
): CallArgs {
  const params = r.params.filter((p) => keys.has(p.name));
  // One unnamed parameter takes the whole body (a GET's arguments as a JSON object), positionally.
  if (hasOneUnnamedParam(r)) {
    const body = read ? JSON.stringify(Object.fromEntries(queryArgs)) : raw === '' && kind === 'json' ? '{}' : raw;
    return { kind: 'whole-body', body, param: r.params[0]! };
  }
  if (read) return { kind: 'query', values: new Map(queryArgs), params };
  return { kind: 'json', json: body?.json ?? '{}', isArray: body?.isArray ?? false, params };
}
