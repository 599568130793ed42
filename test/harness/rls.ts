/**
 * The machinery of the RLS matrix tests (rls.test.ts, rls-collaborators.test.ts): statements as a
 * caller, and what the database actually did, checked as the superuser.
 *
 * - allowed: the statement succeeds and really touches the row (RETURNING gives it back, and the
 *   superuser sees the change afterwards);
 * - refused: the statement raises 42501 (no privilege, or a WITH CHECK violation) and the
 *   superuser sees nothing changed;
 * - hidden: a USING clause filters the row out, so the statement raises nothing but touches zero
 *   rows, and the superuser sees the row unchanged and still present.
 */
import { sql, type RawBuilder } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { DbError } from '../../src/db/errors.ts';
import { asCaller, type Caller } from '../../src/db/transaction.ts';

export type Id = number | string;
export type Row = Record<string, unknown>;
export type Op = 'select' | 'insert' | 'update' | 'delete';
export type Outcome = 'allowed' | 'hidden' | 'refused';

export const OPS: readonly Op[] = ['select', 'insert', 'update', 'delete'];
export const OUTCOME_TEXT: Record<Outcome, string> = {
  allowed: 'is allowed',
  hidden: 'is denied (row hidden)',
  refused: 'is denied (42501)',
};

// SQL builders for the caller's statements (identifiers come from the test's tables, values are parameters).
const tableRef = (t: string) => sql.table(`public.${t}`);
const refs = (cols: readonly string[]) => sql.join(cols.map((c) => sql.ref(c)));

export function insertSql(table: string, row: Row): RawBuilder<Row> {
  const cols = Object.keys(row);
  return sql<Row>`INSERT INTO ${tableRef(table)} (${refs(cols)}) VALUES (${sql.join(Object.values(row))}) RETURNING id`;
}
export function updateSql(table: string, id: Id, column: string, value: unknown): RawBuilder<Row> {
  return sql<Row>`UPDATE ${tableRef(table)} SET ${sql.ref(column)} = ${value} WHERE id = ${id} RETURNING id`;
}
export function deleteSql(table: string, id: Id): RawBuilder<Row> {
  return sql<Row>`DELETE FROM ${tableRef(table)} WHERE id = ${id} RETURNING id`;
}
export function selectSql(table: string, id: Id, cols?: readonly string[]): RawBuilder<Row> {
  return sql<Row>`SELECT ${cols ? refs(cols) : sql`*`} FROM ${tableRef(table)} WHERE id = ${id}`;
}

type Attempt = { ok: true; rows: Row[] } | { ok: false; error: unknown };

export function rlsTools(ctx: { db: Database }) {
  // Superuser helpers: fixtures and after-the-fact checks, bypassing RLS.
  const su = {
    async insert(table: string, row: Row): Promise<Id> {
      const cols = Object.keys(row);
      const r = await ctx.db.query<{ id: Id }>(
        `INSERT INTO public.${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
        Object.values(row),
      );
      return r.rows[0]!.id;
    },
    async value(table: string, column: string, id: Id): Promise<string | null | undefined> {
      const r = await ctx.db.query<{ v: string | null }>(`SELECT ${column}::text AS v FROM public.${table} WHERE id = $1`, [id]);
      return r.rows[0]?.v;
    },
    async exists(table: string, id: Id): Promise<boolean> {
      const r = await ctx.db.query(`SELECT 1 FROM public.${table} WHERE id = $1`, [id]);
      return r.rows.length === 1;
    },
    async count(table: string): Promise<number> {
      const r = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.${table}`);
      return r.rows[0]!.n;
    },
  };

  async function attempt(caller: Caller, q: RawBuilder<Row>): Promise<Attempt> {
    try {
      return { ok: true, rows: await asCaller(ctx.db, caller, async (trx) => (await q.execute(trx)).rows) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** Asserts the statement's own result; returns the rows it gave back. */
  function expectOutcome(a: Attempt, outcome: Outcome): Row[] {
    if (outcome === 'refused') {
      expect(a.ok, 'expected 42501, but the statement succeeded').toBe(false);
      if (!a.ok) {
        expect(a.error).toBeInstanceOf(DbError);
        expect((a.error as DbError).sqlstate, (a.error as Error).message).toBe('42501');
      }
      return [];
    }
    if (!a.ok) throw a.error;
    expect(a.rows).toHaveLength(outcome === 'allowed' ? 1 : 0);
    return a.rows;
  }

  async function expectRefused(caller: Caller, q: RawBuilder<Row>): Promise<void> {
    expectOutcome(await attempt(caller, q), 'refused');
  }

  /** One cell of a matrix: the operation on the fixture row (or a new row), and the superuser's check. */
  async function checkCell(opts: {
    table: string; op: Op; caller: Caller; outcome: Outcome; newRow: Row; fixture: () => Promise<Id>;
    update: readonly [column: string, value: string | number]; readable?: readonly string[];
  }): Promise<void> {
    const { table, op, caller, outcome } = opts;
    if (op === 'insert') {
      const before = await su.count(table);
      const rows = expectOutcome(await attempt(caller, insertSql(table, opts.newRow)), outcome);
      if (outcome === 'allowed') expect(await su.exists(table, rows[0]!.id as Id)).toBe(true);
      else expect(await su.count(table)).toBe(before);
      return;
    }
    const id = await opts.fixture();
    if (op === 'select') {
      const rows = expectOutcome(await attempt(caller, selectSql(table, id, opts.readable)), outcome);
      if (outcome === 'allowed') expect(rows[0]!.id).toBe(id);
    } else if (op === 'update') {
      const [column, value] = opts.update;
      const old = await su.value(table, column, id);
      expectOutcome(await attempt(caller, updateSql(table, id, column, value)), outcome);
      expect(await su.value(table, column, id)).toBe(outcome === 'allowed' ? String(value) : old);
    } else {
      expectOutcome(await attempt(caller, deleteSql(table, id)), outcome);
      expect(await su.exists(table, id)).toBe(outcome !== 'allowed');
    }
  }

  return { su, attempt, expectOutcome, expectRefused, checkCell };
}
