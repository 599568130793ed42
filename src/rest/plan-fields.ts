/**
 * Names from a request, found in the schema cache: a node's columns and computed fields (as SQL
 * over the node's alias) and the types a request may cast to.
 */
import { RestError, undefinedColumn } from './errors.ts';
import type { PlanEnv, ReadNode, ResolvedField } from './plan-types.ts';
import type { Field } from './query-ast.ts';
import { quoteIdent, quoteQualified } from './schema-cache.ts';

/** A type named in a cast, as SQL from the schema cache: `text`, `int`, `public.my_enum`, `text[]`. */
export function castType(env: PlanEnv, name: string): string {
  const array = /^(.*?)\s*((?:\[\])+)$/.exec(name);
  const base = (array ? array[1]! : name).trim().toLowerCase().replace(/\s+/g, ' ');
  const sqlName = env.cache.types.get(base) ?? env.cache.types.get(`${env.schema}.${base}`);
  if (!sqlName) throw new RestError(400, '42704', `type "${name}" does not exist`);
  return sqlName + (array ? array[2]! : '');
}

/** A column or computed field of a node; PostgreSQL's own 42703 when it has neither. */
export function resolveField(node: ReadNode, f: Field): ResolvedField {
  const column = node.columns.get(f.name);
  if (column) {
    return {
      sql: `${quoteIdent(node.alias)}.${quoteIdent(column.name)}`, name: column.name, json: f.json,
      isJson: column.baseType === 'json' || column.baseType === 'jsonb', isTsvector: column.baseType === 'tsvector',
    };
  }
  const fn = node.computed.get(f.name);
  if (fn) {
    const sql = `${quoteQualified(fn)}(${quoteIdent(node.alias)}::${quoteQualified(fn.argumentRelation!)})`;
    return { sql, name: fn.name, json: f.json, isJson: fn.returnType === 'json' || fn.returnType === 'jsonb', isTsvector: fn.returnType === 'tsvector' };
  }
  throw undefinedColumn(node.alias, f.name);
}

