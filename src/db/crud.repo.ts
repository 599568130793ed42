/**
 * The generic table repository behind the plain CRUD resources: list with filters, order, paging
 * and an exact count; get, insert, update and delete by key. Typed by table: the table name, the
 * returned columns, filter and order columns and the written values are checked by the compiler
 * against the generated schema (schema.generated.ts). Table and column names come only from code
 * (never from a request), and Kysely quotes them; values are always bound parameters.
 */
import { sql, type InsertObject, type Kysely, type RawBuilder, type SelectType, type UpdateObject } from 'kysely';
import { JSON_COLUMNS, type DB } from './schema.ts';
import type { Tx } from './transaction.ts';

/** A table (or view) of the generated schema. */
export type TableName = keyof DB & string;
export type ColumnOf<T extends TableName> = keyof DB[T] & string;

/** `contains`: the column (or any of `or`) contains the text, case-insensitively (ILIKE). */
export type FilterOp = '=' | '>' | '>=' | '<' | '<=' | 'contains';
export interface Filter<C extends string = string> {
  column: C;
  op: FilterOp;
  value: unknown;
  /** For `contains`: further columns, any of which may match. */
  or?: readonly C[];
}
export interface OrderBy<C extends string = string> {
  column: C;
  desc: boolean;
}
export interface ListParams<C extends string = string> {
  where: Filter<C>[];
  order: OrderBy<C>[];
  limit: number;
  offset: number;
  count: boolean;
}
/** The key of a row by its `id`. */
export const byId = (id: unknown): Filter<'id'>[] => [{ column: 'id', op: '=', value: id }];

/** A row as the HTTP layer handles it (validated by zod there, not by the compiler). */
export type Row = Record<string, unknown>;

/** The returned columns `C` of table `T`, as they arrive (src/db/types.ts). */
export type RowOf<T extends TableName, C extends ColumnOf<T> = ColumnOf<T>> = { [K in C]: SelectType<DB[T][K]> };
export type NewRow<T extends TableName> = InsertObject<DB, T>;
export type RowPatch<T extends TableName> = UpdateObject<DB, T>;

/**
 * The one place the table's name is not a literal type: inside the repository, queries run over
 * a schema of any table with any column (the public signatures above are what is checked).
 */
type Loose = Kysely<Record<string, Record<string, unknown>>>;
const loose = (trx: Tx) => trx as unknown as Loose;
type Where<Q> = { where(column: string, op: Exclude<FilterOp, 'contains'>, value: unknown): Q; where(condition: RawBuilder<boolean>): Q };

/** The filters on `q`; `alias` qualifies every column (a query over `trips as t`). */
export function applyWhere<Q extends Where<Q>>(q: Q, where: readonly Filter[], alias?: string): Q {
  const col = (c: string) => (alias ? `${alias}.${c}` : c);
  return where.reduce((acc, f) => {
    if (f.op !== 'contains') return acc.where(col(f.column), f.op, f.value);
    const pattern = containsPattern(String(f.value));
    const any = [f.column, ...(f.or ?? [])].map((c) => sql<boolean>`${sql.ref(col(c))} ILIKE ${pattern}`);
    return acc.where(sql<boolean>`(${sql.join(any, sql` OR `)})`);
  }, q);
}

/** An ILIKE pattern matching the text anywhere: its own %, _ and \ match only themselves. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}

/**
 * A JSON value as a jsonb parameter, for hand-written SQL: sent as text and cast, so both drivers
 * agree on arrays, strings and objects (the table repository below does the same for its JSON
 * columns).
 */
export function jsonb<T = unknown>(value: unknown): RawBuilder<T> {
  return sql<T>`cast(${JSON.stringify(value)} as jsonb)`;
}

/** JSON columns' values as JSON text: any JSON value (array, string, …) is stored exactly. */
function encoder(table: TableName): (values: object) => Row {
  const json: readonly string[] = (JSON_COLUMNS as Partial<Record<string, readonly string[]>>)[table] ?? [];
  return (values) => {
    const out: Row = { ...values };
    for (const c of json) if (out[c] !== undefined && out[c] !== null) out[c] = JSON.stringify(out[c]);
    return out;
  };
}

export interface TableRepo<T extends TableName = TableName, C extends ColumnOf<T> = ColumnOf<T>> {
  readonly table: T;
  readonly columns: readonly C[];
  list(trx: Tx, p: ListParams<ColumnOf<T>>): Promise<{ rows: RowOf<T, C>[]; total?: number }>;
  get(trx: Tx, key: Filter<ColumnOf<T>>[]): Promise<RowOf<T, C> | undefined>;
  insert(trx: Tx, values: NewRow<T>): Promise<RowOf<T, C>>;
  insertMany(trx: Tx, values: NewRow<T>[]): Promise<RowOf<T, C>[]>;
  update(trx: Tx, key: Filter<ColumnOf<T>>[], values: RowPatch<T>): Promise<RowOf<T, C> | undefined>;
  remove(trx: Tx, key: Filter<ColumnOf<T>>[]): Promise<boolean>;
}

/**
 * Any table's repository with its types erased to rows and column names: what the generic
 * resource routes and the trip transfer work with once a definition has been checked.
 */
export interface AnyTableRepo {
  readonly table: TableName;
  list(trx: Tx, p: ListParams): Promise<{ rows: Row[]; total?: number }>;
  get(trx: Tx, key: Filter[]): Promise<Row | undefined>;
  insert(trx: Tx, values: Row): Promise<Row>;
  insertMany(trx: Tx, values: Row[]): Promise<Row[]>;
  update(trx: Tx, key: Filter[], values: Row): Promise<Row | undefined>;
  remove(trx: Tx, key: Filter[]): Promise<boolean>;
}

export function tableRepo<T extends TableName, C extends ColumnOf<T>>(table: T, columns: readonly C[]): TableRepo<T, C> {
  const cols: string[] = [...columns];
  const name: string = table;
  const encode = encoder(table);
  type Out = RowOf<T, C>;
  const repo: TableRepo<T, C> = {
    table,
    columns,
    async list(trx, p) {
      let q = applyWhere(loose(trx).selectFrom(name).select(cols), p.where);
      for (const o of p.order) q = q.orderBy(o.column, o.desc ? 'desc' : 'asc');
      const rows = (await q.limit(p.limit).offset(p.offset).execute()) as Out[];
      if (!p.count) return { rows };
      const c = await applyWhere(loose(trx).selectFrom(name).select(sql<number>`count(*)::int`.as('n')), p.where).executeTakeFirstOrThrow();
      return { rows, total: c.n };
    },
    async get(trx, key) {
      return (await applyWhere(loose(trx).selectFrom(name).select(cols), key).executeTakeFirst()) as Out | undefined;
    },
    async insert(trx, values) {
      return (await loose(trx).insertInto(name).values(encode(values)).returning(cols).executeTakeFirstOrThrow()) as Out;
    },
    async insertMany(trx, values) {
      if (!values.length) return [];
      return (await loose(trx).insertInto(name).values(values.map(encode)).returning(cols).execute()) as Out[];
    },
    async update(trx, key, values) {
      if (!Object.keys(values).length) return repo.get(trx, key);
      return (await applyWhere(loose(trx).updateTable(name).set(encode(values)), key).returning(cols).executeTakeFirst()) as Out | undefined;
    },
    async remove(trx, key) {
      const r = await applyWhere(loose(trx).deleteFrom(name), key).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
  return repo;
}
