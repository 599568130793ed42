/**
 * What /rest/v1 knows of the database: the exposed schemas' tables and views with their columns
 * and primary keys, the relationships their foreign keys make, and their functions — read from
 * pg_catalog (schema-cache.sql.ts) at start-up and on reload. Every identifier the SQL builders
 * write comes from here, never from a request.
 */
import { CompiledQuery, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { buildRelationships, type Relationship } from './relationships.ts';
import { COLUMNS_SQL, FOREIGN_KEYS_SQL, FUNCTIONS_SQL, TABLES_SQL, TYPES_SQL, VIEWS_SQL } from './schema-cache.sql.ts';
import { viewForeignKeys } from './view-columns.ts';

export interface QualifiedName {
  schema: string;
  name: string;
}

export interface Column {
  name: string;
  position: number;
  /** The column's type as SQL (`integer`, `public.user_status`, `character varying(20)`). */
  type: string;
  /** The name of its (domain's) base type: `jsonb`, `tsvector`, `int4` … */
  baseType: string;
  /** pg_type.typcategory of the base type: N numeric, S string, B boolean, A array, U user… */
  category: string;
  nullable: boolean;
  /** The default as SQL (identity columns as `nextval('seq')`), or null. */
  defaultSql: string | null;
  /** Generated or GENERATED ALWAYS identity: never written by a request. */
  readOnly: boolean;
  description: string | null;
  enumValues: string[] | null;
}

export interface Table extends QualifiedName {
  oid: number;
  kind: 'table' | 'view' | 'materialized_view' | 'foreign_table';
  description: string | null;
  insertable: boolean;
  updatable: boolean;
  deletable: boolean;
  primaryKey: string[];
  columns: Map<string, Column>;
}

export interface RoutineParam {
  name: string;
  type: string;
  required: boolean;
  variadic: boolean;
}

export interface Routine extends QualifiedName {
  oid: number;
  description: string | null;
  volatility: 'immutable' | 'stable' | 'volatile';
  params: RoutineParam[];
  /** OUT / INOUT / TABLE columns, when the function returns a row of them. */
  outColumns: { name: string; type: string }[];
  returnType: string;
  returnsSet: boolean;
  /** One row at most: not SETOF, or declared `ROWS 1`. */
  returnsSingleRow: boolean;
  returns: 'void' | 'scalar' | 'composite';
  /** The relation whose row type it returns (a table or view), if any. */
  returnsRelation: QualifiedName | null;
  /** The relation whose row is its only argument: a computed field or relationship of it. */
  argumentRelation: QualifiedName | null;
  /**
   * Callable by /rpc: all parameters named, or a single unnamed one of a type a whole body can
   * fill (bytea, json, jsonb, text, xml) — as PostgREST decides.
   */
  callable: boolean;
}

export interface SchemaCache {
  schemas: string[];
  tables: Map<string, Table>;
  /** By function name (`schema.name`): every overload. */
  routines: Map<string, Routine[]>;
  /** By origin table (`schema.name`). */
  relationships: Map<string, Relationship[]>;
  /** Type names accepted in casts, lower-cased, mapped to their SQL (`"pg_catalog"."int4"`). */
  types: Map<string, string>;
  loadedAt: number;
}

export const keyOf = (q: QualifiedName): string => `${q.schema}.${q.name}`;

const KIND: Record<string, Table['kind']> = { r: 'table', p: 'table', v: 'view', m: 'materialized_view', f: 'foreign_table' };
const VOLATILITY: Record<string, Routine['volatility']> = { i: 'immutable', s: 'stable', v: 'volatile' };

/** SQL standard spellings PostgreSQL accepts for its own types. */
const TYPE_ALIASES: Record<string, string> = {
  int: 'int4', integer: 'int4', smallint: 'int2', bigint: 'int8', real: 'float4', float: 'float8',
  'double precision': 'float8', boolean: 'bool', decimal: 'numeric', 'character varying': 'varchar',
  character: 'bpchar', char: 'bpchar', 'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp', 'time with time zone': 'timetz', 'time without time zone': 'time',
};

type Row = Record<string, any>;

const WHOLE_BODY_TYPES = ['bytea', 'json', 'jsonb', 'text', 'xml'];

export async function loadSchemaCache(db: Database, schemas: string[]): Promise<SchemaCache> {
  const [tables, columns, fks, functions, types, views] = await db.kysely.transaction().execute(async (trx) => {
    await sql`SELECT set_config('search_path', 'pg_catalog', true)`.execute(trx);
    const run = async (text: string) => (await trx.executeQuery<Row>(CompiledQuery.raw(text, [schemas]))).rows;
    return [await run(TABLES_SQL), await run(COLUMNS_SQL), await run(FOREIGN_KEYS_SQL), await run(FUNCTIONS_SQL), await run(TYPES_SQL), await run(VIEWS_SQL)];
  });
  const byOid = new Map<number, Table>();
  const tableMap = new Map<string, Table>();
  for (const r of tables) {
    const mask = Number(r.updatable_mask);
    const t: Table = {
      oid: Number(r.oid), schema: r.schema, name: r.name, kind: KIND[r.kind]!, description: r.description,
      // pg_relation_is_updatable's bits: 1 << CMD_UPDATE (4), CMD_INSERT (8), CMD_DELETE (16).
      insertable: (mask & 8) !== 0, updatable: (mask & 4) !== 0, deletable: (mask & 16) !== 0,
      primaryKey: r.primary_key, columns: new Map(),
    };
    byOid.set(t.oid, t);
    tableMap.set(keyOf(t), t);
  }
  for (const r of columns) {
    byOid.get(Number(r.table_oid))?.columns.set(r.name, {
      name: r.name, position: Number(r.position), type: r.type, baseType: r.base_type, category: r.category,
      nullable: r.nullable, defaultSql: r.default_sql, readOnly: r.read_only, description: r.description, enumValues: r.enum_values,
    });
  }
  const relationOf = (oid: unknown): QualifiedName | null => {
    const t = oid == null ? undefined : byOid.get(Number(oid));
    return t ? { schema: t.schema, name: t.name } : null;
  };
  const routines = new Map<string, Routine[]>();
  for (const r of functions) {
    const routine = toRoutine(r, relationOf);
    routines.set(keyOf(routine), [...(routines.get(keyOf(routine)) ?? []), routine]);
  }
  const typeMap = new Map<string, string>();
  for (const r of types) {
    const quoted = `${quoteIdent(r.schema)}.${quoteIdent(r.name)}`;
    typeMap.set(r.schema === 'pg_catalog' ? r.name.toLowerCase() : `${r.schema}.${r.name}`.toLowerCase(), quoted);
    if (!typeMap.has(r.name.toLowerCase())) typeMap.set(r.name.toLowerCase(), quoted);
  }
  for (const [alias, name] of Object.entries(TYPE_ALIASES)) typeMap.set(alias, `"pg_catalog".${quoteIdent(name)}`);
  const fkList = fks.map((r) => ({ name: r.name as string, table: byOid.get(Number(r.table_oid)), foreign: byOid.get(Number(r.foreign_oid)), columns: r.columns as [string, string][], oneToOne: r.one_to_one as boolean }));
  fkList.push(...viewForeignKeys(fkList, views.map((v) => ({ oid: Number(v.oid), action: v.action as string })), byOid));
  return {
    schemas,
    tables: tableMap,
    routines,
    relationships: buildRelationships(tableMap, fkList, [...routines.values()].flat()),
    types: typeMap,
    loadedAt: Date.now(),
  };
}

function toRoutine(r: Row, relationOf: (oid: unknown) => QualifiedName | null): Routine {
  const args = r.args as { name: string | null; type: string; mode: string; relid: number | null }[];
  const inputs = args.filter((a) => a.mode === 'i' || a.mode === 'b' || a.mode === 'v');
  const requiredCount = Number(r.required_args);
  const params: RoutineParam[] = inputs.map((a, i) => ({ name: a.name ?? '', type: a.type, required: i < requiredCount, variadic: a.mode === 'v' }));
  const outColumns = args.filter((a) => a.mode === 'o' || a.mode === 'b' || a.mode === 't').map((a) => ({ name: a.name ?? '', type: a.type }));
  const unnamed = inputs.filter((a) => a.name === null).length;
  const returns: Routine['returns'] = r.return_type === 'void' ? 'void' : r.return_kind === 'c' || outColumns.length > 0 ? 'composite' : 'scalar';
  return {
    oid: Number(r.oid), schema: r.schema, name: r.name, description: r.description,
    volatility: VOLATILITY[r.volatility] ?? 'volatile',
    params, outColumns, returnType: r.return_type, returnsSet: r.returns_set,
    returnsSingleRow: !r.returns_set || Number(r.rows) === 1,
    returns,
    returnsRelation: relationOf(r.return_relid),
    argumentRelation: inputs.length === 1 && requiredCount <= 1 ? relationOf(inputs[0]!.relid) : null,
    callable: unnamed === 0 || (unnamed === 1 && inputs.length === 1 && WHOLE_BODY_TYPES.includes(inputs[0]!.type)),
  };
}

/** A SQL identifier, always quoted (`"a""b"`). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteQualified(q: QualifiedName): string {
  return `${quoteIdent(q.schema)}.${quoteIdent(q.name)}`;
}
