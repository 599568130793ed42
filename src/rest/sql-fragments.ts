/**
 * The small pieces every /rest/v1 statement is made of. Two rules hold everywhere: identifiers are
 * written only through `quoteIdent` from names the planner found in the schema cache, and every
 * value from a request is a bound parameter (`Params.bind`) sent untyped, so PostgreSQL infers its
 * type from where it is used, as PostgREST's "unknown" parameters are.
 */
import type { JsonStep, Operation } from './query-ast.ts';
import { quoteIdent, quoteQualified } from './schema-cache.ts';

export { quoteIdent, quoteQualified };

/** Collects the values of one statement; `bind` returns the placeholder ($1, $2 …). */
export class Params {
  readonly values: (string | null)[] = [];

  bind(value: string | null): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A string literal for text that comes from the catalog (never from a request). */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** `{"a","b \"c\""}`: a PostgreSQL array literal of text values, bound as one parameter. */
export function arrayLiteral(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/**
 * A column reference with its JSON path. A json/jsonb column takes the arrows directly; any other
 * type is converted with to_jsonb first. Keys and indexes are parameters.
 */
export function jsonPathSql(base: string, steps: JsonStep[], isJson: boolean, p: Params): string {
  if (steps.length === 0) return base;
  let out = isJson ? base : `to_jsonb(${base})`;
  for (const s of steps) out += `${s.arrow}${s.index ? `${p.bind(s.key)}::int` : p.bind(s.key)}`;
  return out;
}

const QUANT_SQL: Record<string, string> = {
  eq: '=', gte: '>=', gt: '>', lte: '<=', lt: '<', like: 'like', ilike: 'ilike', match: '~', imatch: '~*',
};
const SIMPLE_SQL: Record<string, string> = {
  neq: '<>', cs: '@>', cd: '<@', ov: '&&', sl: '<<', sr: '>>', nxr: '&<', nxl: '&>', adj: '-|-',
};
const FTS_SQL: Record<string, string> = {
  fts: 'to_tsquery', plfts: 'plainto_tsquery', phfts: 'phraseto_tsquery', wfts: 'websearch_to_tsquery',
};
const IS_SQL: Record<string, string> = { null: 'NULL', not_null: 'NOT NULL', true: 'TRUE', false: 'FALSE', unknown: 'UNKNOWN' };

/**
 * `expr <op> value` for one filter. `isTsvector`: full-text search on the column itself rather
 * than on to_tsvector(column).
 */
export function operationSql(expr: string, o: Operation, negated: boolean, isTsvector: boolean, p: Params): string {
  const not = negated ? 'NOT ' : '';
  switch (o.op) {
    case 'in':
      return `${not}${expr} = ANY (${o.values.length === 1 && o.values[0] === '' ? "'{}'" : p.bind(arrayLiteral(o.values))})`;
    case 'is':
      return `${not}${expr} IS ${IS_SQL[o.value]}`;
    case 'isdistinct':
      return `${not}${expr} IS DISTINCT FROM ${p.bind(o.value)}`;
    case 'fts':
    case 'plfts':
    case 'phfts':
    case 'wfts': {
      const lang = o.language === undefined ? '' : `${p.bind(o.language)}, `;
      const doc = isTsvector ? expr : `to_tsvector(${lang}${expr})`;
      return `${not}${doc} @@ ${FTS_SQL[o.op]}(${lang}${p.bind(o.value)})`;
    }
    case 'like':
    case 'ilike':
    case 'eq':
    case 'gte':
    case 'gt':
    case 'lte':
    case 'lt':
    case 'match':
    case 'imatch': {
      // like/ilike accept `*` for `%`, which needs no URL escaping.
      const value = o.op === 'like' || o.op === 'ilike' ? o.value.replace(/\*/g, '%') : o.value;
      const rhs = o.quantifier ? `${o.quantifier.toUpperCase()}(${p.bind(value)})` : p.bind(value);
      return `${not}${expr} ${QUANT_SQL[o.op]} ${rhs}`;
    }
    default:
      return `${not}${expr} ${SIMPLE_SQL[o.op]} ${p.bind(o.value)}`;
  }
}

export function orderSql(expr: string, direction?: 'asc' | 'desc', nulls?: 'first' | 'last'): string {
  return [expr, direction?.toUpperCase(), nulls ? `NULLS ${nulls.toUpperCase()}` : undefined].filter(Boolean).join(' ');
}
