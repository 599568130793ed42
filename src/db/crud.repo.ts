/**
 * The generic table repository behind the plain CRUD resources: list with filters, order, paging
 * and an exact count; get, insert, update and delete by key. Table and column names come only
 * from the resource definitions in code (never from a request), and Kysely quotes them;
 * values are always bound parameters.
 */
import { sql, type RawBuilder } from 'kysely';
import { JSON_COLUMNS } from './schema.ts';
import type { Tx } from './transaction.ts';

/** `contains`: the column (or any of `or`) contains the text, case-insensitively (ILIKE). */
export type FilterOp = '=' | '>' | '>=' | '<' | '<=' | 'contains';
export interface Filter {
  column: string;
  op: FilterOp;
  value: unknown;
  /** For `contains`: further columns, any of which may match. */
  or?: readonly string[];
}
export interface OrderBy {
  column: string;
  desc: boolean;
}
export interface ListParams {
  where: Filter[];
  order: OrderBy[];
  limit: number;
  offset: number;
  count: boolean;
}
export type Row = Record<string, unknown>;

// Kysely's types are per-table; this seam is deliberately untyped and tested through every route.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTx = any;

function applyWhere(q: AnyTx, where: Filter[]): AnyTx {
  return where.reduce((acc, f) => {
    if (f.op !== 'contains') return acc.where(f.column, f.op, f.value);
    const pattern = containsPattern(String(f.value));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return acc.where((eb: any) => eb.or([f.column, ...(f.or ?? [])].map((c) => eb(c, 'ilike', pattern))));
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
function encoder(table: string): (values: Row) => Row {
  const json = JSON_COLUMNS[table] ?? [];
  if (!json.length) return (v) => v;
  return (values) => {
    const out = { ...values };
    for (const c of json) if (out[c] !== undefined && out[c] !== null) out[c] = JSON.stringify(out[c]);
    return out;
  };
}

export function tableRepo(table: string, columns: readonly string[]) {
  const cols = [...columns];
  const encode = encoder(table);
  return {
    async list(trx: Tx, p: ListParams): Promise<{ rows: Row[]; total?: number }> {
      let q = applyWhere((trx as AnyTx).selectFrom(table).select(cols), p.where);
      for (const o of p.order) q = q.orderBy(o.column, o.desc ? 'desc' : 'asc');
      const rows = (await q.limit(p.limit).offset(p.offset).execute()) as Row[];
      if (!p.count) return { rows };
      const c = await applyWhere((trx as AnyTx).selectFrom(table).select(sql<number>`count(*)::int`.as('n')), p.where).executeTakeFirst();
      return { rows, total: (c as { n: number }).n };
    },
    async get(trx: Tx, key: Filter[]): Promise<Row | undefined> {
      return applyWhere((trx as AnyTx).selectFrom(table).select(cols), key).executeTakeFirst();
    },
    async insert(trx: Tx, values: Row): Promise<Row> {
      return (trx as AnyTx).insertInto(table).values(encode(values)).returning(cols).executeTakeFirstOrThrow();
    },
    async insertMany(trx: Tx, values: Row[]): Promise<Row[]> {
      if (!values.length) return [];
      return (trx as AnyTx).insertInto(table).values(values.map(encode)).returning(cols).execute();
    },
    async update(trx: Tx, key: Filter[], values: Row): Promise<Row | undefined> {
      if (!Object.keys(values).length) return this.get(trx, key);
      return applyWhere((trx as AnyTx).updateTable(table).set(encode(values)), key).returning(cols).executeTakeFirst();
    },
    async remove(trx: Tx, key: Filter[]): Promise<boolean> {
      const r = await applyWhere((trx as AnyTx).deleteFrom(table), key).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

export type TableRepo = ReturnType<typeof tableRepo>;
