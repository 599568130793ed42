/**
 * GET /rest/v1/: a Swagger 2.0 description (as PostgREST serves it) of the tables, views and
 * functions of the schema that the caller's role may use — the privilege check runs as the caller.
 */
import type { FastifyRequest } from 'fastify';
import { CompiledQuery } from 'kysely';
import { inTx } from '../http/context.ts';
import type { Column, Routine, SchemaCache, Table } from './schema-cache.ts';
import { ACCESSIBLE_SQL } from './schema-cache.sql.ts';

type Json = Record<string, unknown>;

const JSON_TYPE: Record<string, string> = { N: 'number', B: 'boolean', A: 'array' };

function property(c: Column, table: Table): Json {
  const type = c.baseType === 'json' || c.baseType === 'jsonb' ? undefined : ['int2', 'int4', 'int8'].includes(c.baseType) ? 'integer' : (JSON_TYPE[c.category] ?? 'string');
  const p: Json = { format: c.type };
  if (type) p.type = type;
  if (type === 'array') p.items = { type: 'string' };
  const notes = [c.description, table.primaryKey.includes(c.name) ? 'Note:\nThis is a Primary Key.<pk/>' : null].filter(Boolean);
  if (notes.length) p.description = notes.join('\n\n');
  if (c.enumValues) p.enum = c.enumValues;
  if (c.defaultSql !== null) p.default = c.defaultSql;
  return p;
}

function definition(t: Table): Json {
  const columns = [...t.columns.values()].sort((a, b) => a.position - b.position);
  const required = columns.filter((c) => !c.nullable && c.defaultSql === null && !c.readOnly).map((c) => c.name);
  const d: Json = { type: 'object', properties: Object.fromEntries(columns.map((c) => [c.name, property(c, t)])) };
  if (required.length) d.required = required;
  if (t.description) d.description = t.description;
  return d;
}

const ref = (name: string) => ({ $ref: `#/parameters/${name}` });

function tablePaths(t: Table): Json {
  const rowFilters = [...t.columns.values()].map((c) => ({ name: c.name, in: 'query', required: false, type: 'string', format: c.type }));
  const schema = { type: 'array', items: { $ref: `#/definitions/${t.name}` } };
  const ops: Json = {
    get: {
      tags: [t.name], summary: t.description ?? undefined,
      parameters: [...rowFilters, ref('select'), ref('order'), ref('range'), ref('rangeUnit'), ref('offset'), ref('limit'), ref('preferCount')],
      responses: { 200: { description: 'OK', schema }, 206: { description: 'Partial Content' } },
    },
  };
  const body = { name: t.name, in: 'body', required: false, schema: { $ref: `#/definitions/${t.name}` } };
  if (t.insertable) ops.post = { tags: [t.name], parameters: [body, ref('select'), ref('preferPost')], responses: { 201: { description: 'Created' } } };
  if (t.updatable) ops.patch = { tags: [t.name], parameters: [...rowFilters, body, ref('preferReturn')], responses: { 204: { description: 'No Content' } } };
  if (t.deletable) ops.delete = { tags: [t.name], parameters: [...rowFilters, ref('preferReturn')], responses: { 204: { description: 'No Content' } } };
  return ops;
}

function routinePath(r: Routine): Json {
  const args = {
    in: 'body', name: 'args', required: true,
    schema: {
      type: 'object',
      required: r.params.filter((p) => p.required && p.name).map((p) => p.name),
      properties: Object.fromEntries(r.params.filter((p) => p.name).map((p) => [p.name, { format: p.type, type: 'string' }])),
    },
  };
  const post: Json = { tags: ['(rpc) ' + r.name], parameters: [args, ref('preferParams')], responses: { 200: { description: 'OK' } } };
  if (r.description) post.summary = r.description;
  const ops: Json = { post };
  if (r.volatility !== 'volatile') {
    ops.get = {
      tags: ['(rpc) ' + r.name],
      parameters: r.params.filter((p) => p.name).map((p) => ({ name: p.name, in: 'query', required: p.required, type: 'string', format: p.type })),
      responses: { 200: { description: 'OK' } },
    };
  }
  return ops;
}

const PARAMETERS: Json = {
  select: { name: 'select', in: 'query', description: 'Filtering Columns', required: false, type: 'string' },
  order: { name: 'order', in: 'query', description: 'Ordering', required: false, type: 'string' },
  range: { name: 'Range', in: 'header', description: 'Limiting and Pagination', required: false, type: 'string' },
  rangeUnit: { name: 'Range-Unit', in: 'header', description: 'Limiting and Pagination', required: false, type: 'string', default: 'items' },
  offset: { name: 'offset', in: 'query', description: 'Limiting and Pagination', required: false, type: 'string' },
  limit: { name: 'limit', in: 'query', description: 'Limiting and Pagination', required: false, type: 'string' },
  preferCount: { name: 'Prefer', in: 'header', description: 'Preference', required: false, type: 'string', enum: ['count=none'] },
  preferPost: { name: 'Prefer', in: 'header', description: 'Preference', required: false, type: 'string', enum: ['return=representation', 'return=minimal', 'return=none', 'resolution=ignore-duplicates', 'resolution=merge-duplicates'] },
  preferReturn: { name: 'Prefer', in: 'header', description: 'Preference', required: false, type: 'string', enum: ['return=representation', 'return=minimal', 'return=none'] },
  preferParams: { name: 'Prefer', in: 'header', description: 'Preference', required: false, type: 'string', enum: ['params=single-object'] },
};

export async function openApiDocument(req: FastifyRequest, cache: SchemaCache, schema: string): Promise<string> {
  const visible = await inTx(req, async (trx) => (await trx.executeQuery<{ kind: string; name: string }>(CompiledQuery.raw(ACCESSIBLE_SQL, [schema]))).rows);
  const tables = new Set(visible.filter((v) => v.kind === 'table').map((v) => v.name));
  const functions = new Set(visible.filter((v) => v.kind === 'function').map((v) => v.name));
  const paths: Json = { '/': { get: { tags: ['Introspection'], summary: 'OpenAPI description (this document)', produces: ['application/openapi+json', 'application/json'], responses: { 200: { description: 'OK' } } } } };
  const definitions: Json = {};
  for (const t of [...cache.tables.values()].filter((t) => t.schema === schema && tables.has(t.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    paths[`/${t.name}`] = tablePaths(t);
    definitions[t.name] = definition(t);
  }
  for (const r of [...cache.routines.values()].flat().filter((r) => r.schema === schema && functions.has(r.name))) {
    paths[`/rpc/${r.name}`] = routinePath(r);
  }
  const host = req.headers.host ?? 'localhost';
  return JSON.stringify({
    swagger: '2.0',
    info: { title: 'TripSage data API (PostgREST dialect)', version: '12', description: `The tables, views and functions of the "${schema}" schema you may use.` },
    host,
    basePath: '/rest/v1',
    schemes: [req.protocol],
    consumes: ['application/json', 'application/vnd.pgrst.object+json', 'text/csv'],
    produces: ['application/json', 'application/vnd.pgrst.object+json', 'text/csv'],
    paths,
    definitions,
    parameters: PARAMETERS,
  });
}
