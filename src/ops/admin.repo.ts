/**
 * Database statistics for operators (service_role): exact row counts of the seed's 16 tables,
 * table sizes (public.table_sizes) and slow queries (public.slow_queries, where
 * pg_stat_statements exists). Shared by /api/v1/admin/* and `tripsage db stats`.
 */
import { sql } from 'kysely';
import { SEED_TABLES } from '../db/schema.ts';
import type { Tx } from '../db/transaction.ts';

export interface TableStat {
  table: string;
  /** Exact count(*); null when the table does not exist here (memory feature off). */
  rows: number | null;
  total_bytes: number | null;
  size: string | null;
}

export async function tableStats(trx: Tx): Promise<TableStat[]> {
  const present = await sql<{ t: string }>`
    SELECT c.relname AS t FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname = ANY(${[...SEED_TABLES]}::text[])`.execute(trx);
  const have = new Set(present.rows.map((r) => r.t));
  const names = SEED_TABLES.filter((t) => have.has(t));
  const counts = new Map<string, { rows: number; total_bytes: number; size: string }>();
  if (names.length) {
    // Table names come from the fixed SEED_TABLES list, quoted as identifiers.
    const parts = names.map((t) => sql`SELECT ${t}::text AS t, count(*)::bigint AS rows, pg_total_relation_size(${`public.${t}`}::regclass) AS total_bytes, pg_size_pretty(pg_total_relation_size(${`public.${t}`}::regclass)) AS size FROM ${sql.table(`public.${t}`)}`);
    const r = await sql<{ t: string; rows: number; total_bytes: number; size: string }>`${sql.join(parts, sql` UNION ALL `)}`.execute(trx);
    for (const row of r.rows) counts.set(row.t, { rows: row.rows, total_bytes: Number(row.total_bytes), size: row.size });
  }
  return SEED_TABLES.map((t) => ({ table: t, rows: counts.get(t)?.rows ?? null, total_bytes: counts.get(t)?.total_bytes ?? null, size: counts.get(t)?.size ?? null }));
}

export interface TableSize {
  schemaname: string;
  tablename: string;
  row_estimate: number;
  total_bytes: number;
  table_bytes: number;
  index_bytes: number;
  size: string;
}

export async function tableSizes(trx: Tx): Promise<TableSize[]> {
  const r = await sql<TableSize>`SELECT schemaname, tablename, row_estimate, total_bytes, table_bytes, index_bytes, size FROM public.table_sizes`.execute(trx);
  return r.rows.map((x) => ({ ...x, total_bytes: Number(x.total_bytes), table_bytes: Number(x.table_bytes), index_bytes: Number(x.index_bytes) }));
}

export interface SlowQueries {
  available: boolean;
  note: string | null;
  queries: Array<{ query: string; calls: number; total_exec_time: number; mean_exec_time: number; rows: number; hit_percent: string | null }>;
}

export async function slowQueries(trx: Tx, limit = 100): Promise<SlowQueries> {
  const v = await sql<{ v: string | null }>`SELECT to_regclass('public.slow_queries')::text AS v`.execute(trx);
  if (!v.rows[0]?.v) {
    return { available: false, note: 'public.slow_queries does not exist: pg_stat_statements was not installed when the database was migrated', queries: [] };
  }
  const r = await sql<SlowQueries['queries'][number]>`
    SELECT query, calls, total_exec_time, mean_exec_time, rows, hit_percent FROM public.slow_queries LIMIT ${limit}::int`.execute(trx);
  return { available: true, note: null, queries: r.rows };
}
