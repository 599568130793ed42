/**
 * From a parsed select tree to a tree of ReadNodes: every relation, column, computed field, cast
 * and relationship looked up in the schema cache, embedding bounded in depth and count, and each
 * node's rows capped at max-rows.
 */
import { aggregatesNotAllowed, queryParamError, tableNotFound } from './errors.ts';
import { applyConditions } from './plan-conditions.ts';
import { castType, resolveField } from './plan-fields.ts';
import type { NodeColumn, NodeSource, OutputItem, PlanEnv, ReadNode, ResolvedField } from './plan-types.ts';
import type { Field, QueryParams, Range, SelectField, SelectItem, SelectRelation } from './query-ast.ts';
import { pathKey } from './query-params.ts';
import { findRelationship } from './relationships.ts';
import { keyOf, type QualifiedName, type Routine, type SchemaCache, type Table } from './schema-cache.ts';

/** The root of a read: a relation, or the rows of a mutation or function call (`pgrst_source`). */
export interface RootSpec {
  source: NodeSource;
  name: string;
  origin: string;
  columns: Map<string, NodeColumn>;
  computed: Map<string, Routine>;
}

export function tableRoot(env: PlanEnv, name: string, source?: NodeSource): { root: RootSpec; table: Table } {
  const table = findTable(env, name);
  return {
    table,
    root: {
      source: source ?? { kind: 'relation', relation: table },
      name: table.name,
      origin: table.name,
      columns: table.columns,
      computed: computedFields(env.cache, table),
    },
  };
}

export function findTable(env: PlanEnv, name: string): Table {
  const table = env.cache.tables.get(`${env.schema}.${name}`);
  if (table) return table;
  const near = [...env.cache.tables.values()].find((t) => t.schema === env.schema && t.name.toLowerCase() === name.toLowerCase());
  throw tableNotFound(env.schema, name, near ? `Perhaps you meant the table '${env.schema}.${near.name}'` : null);
}

/** Functions of one row of `relation` returning a scalar: columns computed on read. */
export function computedFields(cache: SchemaCache, relation: QualifiedName): Map<string, Routine> {
  const out = new Map<string, Routine>();
  for (const list of cache.routines.values()) {
    for (const r of list) {
      if (r.argumentRelation && keyOf(r.argumentRelation) === keyOf(relation) && r.returns === 'scalar' && r.schema === relation.schema) out.set(r.name, r);
    }
  }
  return out;
}

/** `count(*)`'s argument. */
const ALL_ROWS: ResolvedField = { sql: '*', name: '*', json: [], isJson: false, isTsvector: false };

interface Build {
  env: PlanEnv;
  embeds: number;
  /** The aliases of the nodes from the root down to the one being filled. */
  aliases: string[];
}

export function planRead(env: PlanEnv, spec: RootSpec, q: QueryParams, opts: { capRoot: boolean }): ReadNode {
  const b: Build = { env, embeds: 0, aliases: [] };
  const root: ReadNode = {
    source: spec.source, alias: spec.name, name: spec.name, key: spec.name, origin: spec.origin,
    columns: spec.columns, computed: spec.computed, output: [], children: [], where: [], order: [],
    range: rangeFor(env, q, [], opts.capRoot), depth: 0,
  };
  fillNode(b, root, q.select, q, []);
  applyConditions(root, q);
  return root;
}

function fillNode(b: Build, node: ReadNode, items: SelectItem[], q: QueryParams, path: string[]): void {
  b.aliases.push(node.alias);
  for (const item of items) {
    if (item.kind === 'relation') node.children.push(childNode(b, node, item, q, path));
    else node.output.push(outputItem(b.env, node, item));
  }
  b.aliases.pop();
  // `rel()`: nothing of it is output, but it is still joined (for !inner and null filters).
  if (node.embed && node.output.length === 0 && node.children.every((c) => c.embed!.hidden)) node.embed.hidden = true;
}

function childNode(b: Build, parent: ReadNode, item: SelectRelation, q: QueryParams, parentPath: string[]): ReadNode {
  const env = b.env;
  if (parent.depth + 1 > env.maxDepth) throw queryParamError(`embedding is limited to ${env.maxDepth} levels`, `'${item.name}' is nested too deeply`);
  if (++b.embeds > env.maxEmbeds) throw queryParamError(`a request may embed at most ${env.maxEmbeds} resources`, `'${item.name}' is one too many`);
  const rel = findRelationship(env.cache.relationships, env.schema, parent.origin, item.name, item.hint);
  const target = rel.foreignTable;
  const table = env.cache.tables.get(keyOf(target));
  if (!table) throw tableNotFound(target.schema, target.name, null);
  // PostgREST's aliases (`messages_1`: table and depth), which PostgreSQL's own messages quote;
  // made unique where a parent, or a sibling's carrier, already has the name.
  const depth = parent.depth + 1;
  const alias = unique(`${short(target.name)}_${depth}`, b.aliases);
  const key = item.alias ?? item.name;
  const path = [...parentPath, key];
  const node: ReadNode = {
    source: rel.cardinality === 'computed' ? { kind: 'computed', routine: rel.routine! } : { kind: 'relation', relation: target },
    alias, name: item.name, key, origin: target.name,
    columns: table.columns, computed: computedFields(env.cache, table),
    output: [], children: [], where: [], order: [], range: rangeFor(env, q, path, true), depth,
    embed: {
      rel, parentAlias: parent.alias, lateral: unique(`${short(parent.name)}_${short(key)}_${depth}`, [...b.aliases, ...parent.children.map((c) => c.embed!.lateral)]),
      join: item.join ?? 'left', spread: item.spread, hidden: false,
      requestedAs: item.alias ? [item.alias] : [item.name],
    },
  };
  fillNode(b, node, item.children, q, path);
  return node;
}

function unique(name: string, taken: string[]): string {
  let candidate = name;
  for (let i = 2; taken.includes(candidate); i++) candidate = `${name}_${i}`;
  return candidate;
}

/** Aliases stay well under PostgreSQL's 63-byte identifier limit. */
function short(name: string): string {
  return [...name].slice(0, 16).join('');
}

function rangeFor(env: PlanEnv, q: QueryParams, path: string[], cap: boolean): Range {
  const r = q.ranges.get(pathKey(path)) ?? { offset: 0 };
  return cap ? capRange(r, env.maxRows) : r;
}

/** db-max-rows: no node returns more rows than this, whatever the request's limit. */
export function capRange(r: Range, maxRows: number | undefined): Range {
  if (maxRows === undefined) return r;
  return { offset: r.offset, limit: Math.min(r.limit ?? maxRows, maxRows) };
}

function outputItem(env: PlanEnv, node: ReadNode, item: SelectField): OutputItem {
  if (item.aggregate && !env.aggregates) throw aggregatesNotAllowed();
  if (item.field.name === '*' && item.field.json.length === 0) {
    if (item.aggregate !== 'count') return { kind: 'star', alias: node.alias };
    const out: OutputItem = { kind: 'field', field: ALL_ROWS, key: item.alias ?? 'count', aggregate: 'count' };
    if (item.aggregateCast !== undefined) out.aggregateCast = castType(env, item.aggregateCast);
    return out;
  }
  if (isCountOfRows(node, item)) {
    return { kind: 'field', field: ALL_ROWS, key: item.alias ?? 'count', aggregate: 'count' };
  }
  const field = resolveField(node, item.field);
  const out: OutputItem = { kind: 'field', field, key: item.alias ?? (item.aggregate && !item.alias ? item.aggregate : jsonKey(item.field)) };
  if (item.cast !== undefined) out.cast = castType(env, item.cast);
  if (item.aggregate) out.aggregate = item.aggregate;
  if (item.aggregateCast !== undefined) out.aggregateCast = castType(env, item.aggregateCast);
  return out;
}

/**
 * `rel(count)`: with PostgREST this is PostgreSQL's functional notation `count(rel)` — an
 * aggregate over the embed's rows — whenever the relation has no column named count.
 */
function isCountOfRows(node: ReadNode, item: SelectField): boolean {
  const f = item.field;
  return f.name === 'count' && f.json.length === 0 && !item.aggregate && !node.columns.has('count') && !node.computed.has('count');
}

/** A field's key in the JSON output: its last JSON key, else the column name. */
function jsonKey(f: Field): string {
  const keys = f.json.filter((s) => !s.index);
  const last = f.json[f.json.length - 1];
  if (!last) return f.name;
  return last.index ? (keys[keys.length - 1]?.key ?? f.name) : last.key;
}

