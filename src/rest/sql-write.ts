/**
 * INSERT (with ON CONFLICT for upserts), UPDATE and DELETE from a request. The body is bound as one
 * JSON parameter and turned into typed rows by json_to_record(set), so values are parsed by the
 * database exactly (numerics, big integers, JSON) and never by JavaScript; column names and types
 * come from the schema cache.
 */
import type { Condition } from './plan-types.ts';
import type { Range } from './query-ast.ts';
import type { Column, Table } from './schema-cache.ts';
import { quoteIdent, quoteLiteral, quoteQualified, type Params } from './sql-fragments.ts';
import { INSERTED_SETTING } from './sql-main.ts';
import { conditionSql, rangeSql } from './sql-read.ts';

export type Returning = 'none' | 'all' | string[];

export interface Payload {
  /** The raw JSON text of the body. */
  json: string;
  isArray: boolean;
  /** The columns named by `columns=` or the body's keys. */
  columns: Column[];
  /** missing=default: a column absent from an object takes its default rather than NULL. */
  defaults: boolean;
}

export interface InsertSpec {
  table: Table;
  payload: Payload;
  onConflict?: { columns: string[]; resolution: 'merge' | 'ignore' };
  /** PUT: the row is written only if its key equals the URL's (`pgrst_body.pk = value`). */
  keyMatch?: [string, string][];
  returning: Returning;
}

export interface FilteredSpec {
  table: Table;
  alias: string;
  where: Condition[];
  /** A limited update/delete (`limit=`), with its order. */
  range?: { range: Range; order: string };
  returning: Returning;
}

/** The body as rows of typed columns, named `pgrst_body`. */
function payloadRows(pl: Payload, p: Params): string {
  const typed = pl.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
  const withDefaults = pl.defaults ? pl.columns.filter((c) => c.defaultSql !== null) : [];
  if (pl.columns.length === 0) {
    return pl.isArray ? `(SELECT FROM json_array_elements(${p.bind(pl.json)}::json)) pgrst_body` : '(SELECT) pgrst_body';
  }
  if (withDefaults.length === 0) {
    return `json_to_record${pl.isArray ? 'set' : ''}(${p.bind(pl.json)}::json) AS pgrst_body(${typed})`;
  }
  // Defaults are evaluated per row, inside the JSON, then overridden by the row's own keys.
  const defaults = `jsonb_build_object(${withDefaults.map((c) => `${quoteLiteral(c.name)}, ${c.defaultSql}`).join(', ')})`;
  const json = p.bind(pl.json);
  const source = pl.isArray
    ? `(SELECT jsonb_agg(${defaults} || e) FROM jsonb_array_elements(${json}::jsonb) e)`
    : `${defaults} || ${json}::jsonb`;
  return `jsonb_to_record${pl.isArray ? 'set' : ''}(${source}) AS pgrst_body(${typed})`;
}

function returningSql(alias: string, r: Returning): string {
  if (r === 'none') return 'RETURNING 1';
  if (r === 'all') return `RETURNING ${quoteIdent(alias)}.*`;
  return `RETURNING ${r.map((c) => `${quoteIdent(alias)}.${quoteIdent(c)}`).join(', ')}`;
}

/** Counts inserted candidate rows up and conflicting (updated) ones down, for the upsert's status. */
function countInserted(delta: '+' | '-'): string {
  return `set_config('${INSERTED_SETTING}', (coalesce(nullif(current_setting('${INSERTED_SETTING}', true), '')::int, 0) ${delta} 1)::text, true) IS NOT NULL`;
}

export function insertSql(s: InsertSpec, p: Params): string {
  const t = s.table;
  const alias = quoteIdent(t.name);
  const cols = s.payload.columns.map((c) => quoteIdent(c.name));
  const merge = s.onConflict?.resolution === 'merge';
  let out = `INSERT INTO ${quoteQualified(t)} AS ${alias}${cols.length ? `(${cols.join(', ')})` : ''} `;
  out += `SELECT ${cols.map((c) => `pgrst_body.${c}`).join(', ')} FROM ${payloadRows(s.payload, p)}`;
  const where = [...(merge ? [countInserted('+')] : []), ...(s.keyMatch ?? []).map(([c, v]) => `pgrst_body.${quoteIdent(c)} = ${p.bind(v)}`)];
  if (where.length) out += ` WHERE ${where.join(' AND ')}`;
  if (s.onConflict && s.onConflict.columns.length) {
    out += ` ON CONFLICT (${s.onConflict.columns.map(quoteIdent).join(', ')}) `;
    out += !merge || cols.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')} WHERE ${countInserted('-')}`;
  }
  return `${out} ${returningSql(t.name, s.returning)}`;
}

export function updateSql(s: FilteredSpec, payload: Payload, p: Params): string {
  const alias = quoteIdent(s.alias);
  if (payload.columns.length === 0) {
    // Nothing to set: an empty result with the table's shape.
    return `SELECT ${s.returning === 'none' ? '1' : `${alias}.*`} FROM ${quoteQualified(s.table)} AS ${alias} WHERE false`;
  }
  const sets = payload.columns.map((c) => `${quoteIdent(c.name)} = pgrst_body.${quoteIdent(c.name)}`).join(', ');
  const body = payloadRows({ ...payload, isArray: false }, p);
  return `UPDATE ${quoteQualified(s.table)} AS ${alias} SET ${sets} FROM ${body}${whereSql(s, p)} ${returningSql(s.alias, s.returning)}`;
}

export function deleteSql(s: FilteredSpec, p: Params): string {
  const alias = quoteIdent(s.alias);
  return `DELETE FROM ${quoteQualified(s.table)} AS ${alias}${whereSql(s, p)} ${returningSql(s.alias, s.returning)}`;
}

function whereSql(s: FilteredSpec, p: Params): string {
  const conds = s.where.map((c) => conditionSql(c, p, 'main'));
  if (s.range) {
    // A limited update/delete: the rows are chosen (ordered, limited) first, by their ctid.
    const alias = quoteIdent(s.alias);
    const inner = `SELECT ${alias}.ctid FROM ${quoteQualified(s.table)} AS ${alias}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}${s.range.order}${rangeSql(s.range.range, p)}`;
    return ` WHERE ${alias}.ctid = ANY (ARRAY(${inner}))`;
  }
  return conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
}
