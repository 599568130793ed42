/**
 * SQL of the memory module. Every function runs inside the request's transaction, as the caller:
 * the RLS policies of public.memory_embeddings decide whose rows are seen. pgvector lives in the
 * `extensions` schema, so the operator and the type are schema-qualified here.
 */
import { sql, type RawBuilder } from 'kysely';
import { tableRepo } from '../db/crud.repo.ts';
import type { Database } from '../db/database.ts';
import type { Tx } from '../db/transaction.ts';

/** Every column but the embedding (never returned: 1536 numbers nobody asked for). */
export const MEMORY_COLUMNS = ['id', 'user_id', 'content_text', 'content_type', 'metadata', 'created_at', 'updated_at'] as const;
const COLS = sql.raw(MEMORY_COLUMNS.join(', '));

export const memoryTable = tableRepo('memory_embeddings', MEMORY_COLUMNS);

export interface MemoryRow {
  id: string;
  user_id: string;
  content_text: string;
  content_type: string;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface NewMemory {
  content_text: string;
  content_type: string;
  metadata: Record<string, unknown>;
  /** The numbers, or already in pgvector's text form (formatted off the HTTP thread). */
  embedding: number[] | string;
}

/**
 * pgvector's text form, `[0.1,0.2,…]`, which is also JSON: JSON.stringify is native and fast
 * (building shorter float4 strings by hand was 20× slower). Callers pass finite numbers only.
 */
export function vectorLiteral(v: readonly number[] | string): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const vec = (v: readonly number[]): RawBuilder<unknown> => sql`${vectorLiteral(v)}::extensions.vector`;

/**
 * Inserts the rows in one statement, in order; `userId` is the owner RLS will check. Two `json`
 * parameters (not jsonb: no re-parsing into a tree) joined by ordinality: the documents, and the
 * vectors as one JSON array of arrays, each element's text being pgvector's input form.
 */
export async function insertMemories(trx: Tx, userId: string, rows: NewMemory[]): Promise<MemoryRow[]> {
  if (!rows.length) return [];
  const docs = JSON.stringify(rows.map((r) => ({ content_text: r.content_text, content_type: r.content_type, metadata: r.metadata })));
  const vectors = `[${rows.map((r) => vectorLiteral(r.embedding)).join(',')}]`;
  const r = await sql<MemoryRow>`
    INSERT INTO public.memory_embeddings (user_id, content_text, content_type, metadata, embedding)
    SELECT ${userId}::uuid, d.doc->>'content_text', d.doc->>'content_type', (d.doc->'metadata')::jsonb, e.v::text::extensions.vector
    FROM json_array_elements(${docs}::json) WITH ORDINALITY AS d(doc, i)
    JOIN json_array_elements(${vectors}::json) WITH ORDINALITY AS e(v, j) ON d.i = e.j
    ORDER BY d.i
    RETURNING ${COLS}`.execute(trx);
  return r.rows;
}

export interface MemoryPatch {
  content_text?: string;
  content_type?: string;
  metadata?: Record<string, unknown>;
  embedding?: number[];
}

export async function updateMemory(trx: Tx, id: string, patch: MemoryPatch): Promise<MemoryRow | undefined> {
  const sets: RawBuilder<unknown>[] = [];
  if (patch.content_text !== undefined) sets.push(sql`content_text = ${patch.content_text}`);
  if (patch.content_type !== undefined) sets.push(sql`content_type = ${patch.content_type}`);
  if (patch.metadata !== undefined) sets.push(sql`metadata = ${JSON.stringify(patch.metadata)}::jsonb`);
  if (patch.embedding !== undefined) sets.push(sql`embedding = ${vec(patch.embedding)}`);
  if (!sets.length) return getMemory(trx, id);
  const r = await sql<MemoryRow>`UPDATE public.memory_embeddings SET ${sql.join(sets)} WHERE id = ${id}::uuid RETURNING ${COLS}`.execute(trx);
  return r.rows[0];
}

export async function getMemory(trx: Tx, id: string): Promise<MemoryRow | undefined> {
  const r = await sql<MemoryRow>`SELECT ${COLS} FROM public.memory_embeddings WHERE id = ${id}::uuid`.execute(trx);
  return r.rows[0];
}

/**
 * Deletes every memory the caller can see (RLS: their own). `userId` is only a planner hint
 * (it lets the user_id index drive the delete); RLS is what confines it.
 */
export async function deleteAllMemories(trx: Tx, userId: string): Promise<number> {
  const r = await sql`DELETE FROM public.memory_embeddings WHERE user_id = ${userId}::uuid`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

export interface SearchParams {
  embedding: number[];
  model: string;
  limit: number;
  /** Minimum similarity (1 − cosine distance), 0..1; none when absent (similarity can be < 0). */
  threshold?: number;
  contentType?: string;
  metadata?: Record<string, unknown>;
}

export type SearchHit = MemoryRow & { similarity: number };

/** hnsw.ef_search for a page of `limit`: the candidate list must be well above the page size. */
export const efSearchFor = (limit: number) => Math.min(1000, Math.max(40, 2 * limit));

/**
 * Per-transaction settings (SET LOCAL) for the approximate search:
 * - hnsw.ef_search: a candidate list sized to the page;
 * - hnsw.iterative_scan = relaxed_order (pgvector 0.8): rows filtered out after the index scan
 *   (other users' rows under RLS, another model, content_type, metadata) do not starve the page:
 *   the scan goes on until the page is full or hnsw.max_scan_tuples is reached;
 * - enable_sort = off: a planner hint. The jsonb filters have no statistics (default selectivity
 *   0.5 %), so the planner would otherwise often prefer "user_id index, then sort every row by
 *   distance", which is exact but reads all of the caller's vectors. Without a Sort node the HNSW
 *   order is the only cheap plan. Any plan remains possible (enable_* only adds cost).
 */
export async function setSearchKnobs(trx: Tx, limit: number): Promise<void> {
  await sql`SELECT set_config('hnsw.ef_search', ${String(efSearchFor(limit))}, true),
    set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('enable_sort', 'off', true)`.execute(trx);
}

/** Settings for the exact search: no index-ordered scan, so every visible row is compared. */
export async function setExactKnobs(trx: Tx): Promise<void> {
  await sql`SELECT set_config('enable_sort', 'on', true), set_config('enable_indexscan', 'off', true)`.execute(trx);
}

/** The search statement (exported for tests and the benchmark, which EXPLAIN it). */
export function searchQuery(p: Omit<SearchParams, 'threshold'>, opts: { explain?: boolean } = {}): RawBuilder<SearchHit> {
  const q = vec(p.embedding);
  const filters: RawBuilder<unknown>[] = [sql`metadata->>'embedding_model' = ${p.model}`];
  if (p.contentType !== undefined) filters.push(sql`content_type = ${p.contentType}`);
  if (p.metadata !== undefined) filters.push(sql`metadata @> ${JSON.stringify(p.metadata)}::jsonb`);
  // ORDER BY the distance expression + LIMIT: the shape the HNSW index answers. relaxed_order may
  // return the candidates slightly out of order, hence the materialised CTE and the final sort
  // (pgvector's recommendation).
  return sql<SearchHit>`${sql.raw(opts.explain ? 'EXPLAIN (COSTS OFF) ' : '')}WITH hits AS MATERIALIZED (
      SELECT ${COLS}, embedding OPERATOR(extensions.<=>) ${q} AS distance
      FROM public.memory_embeddings
      WHERE ${sql.join(filters, sql` AND `)}
      ORDER BY embedding OPERATOR(extensions.<=>) ${q}
      LIMIT ${p.limit})
    SELECT ${COLS}, (1 - distance)::float8 AS similarity FROM hits
    WHERE distance <> 'NaN'::float8 -- a stored zero vector has no direction: it matches nothing
    ORDER BY distance, id`;
}

/**
 * Up to this many visible rows, the exact search answers directly: it reads the caller's rows
 * through the user_id index and compares them all, which measured faster than the HNSW scan with
 * RLS filtering for a user with 100–1,000 rows (docs/benchmarks.md, "1 % user"), and is exact.
 */
export const EXACT_MAX_ROWS = 1000;

/** How many rows the caller can see, counting no further than `cap` (cheap: user_id index). */
export async function visibleRowsUpTo(trx: Tx, cap: number): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT 1 FROM public.memory_embeddings LIMIT ${cap}) AS x`.execute(trx);
  return r.rows[0]!.n;
}

export interface SearchOutcome {
  hits: SearchHit[];
  /**
   * `hnsw`: the index filled the page. `exact`: every visible row was compared, because the
   * caller has at most EXACT_MAX_ROWS rows (`few_rows`) or the index came back short (`short_page`).
   */
  path: 'hnsw' | 'exact';
  reason?: 'few_rows' | 'short_page';
}

/**
 * The caller's best `limit` memories. A caller with at most EXACT_MAX_ROWS rows gets the exact
 * search. Otherwise the HNSW index answers (iterative scan); if it returns fewer than `limit` rows
 * (hnsw.max_scan_tuples reached because the matching rows are a tiny fraction of the table), the
 * exact search answers instead, so a page is never short while matching rows exist.
 * `strategy: 'hnsw'` skips the row count (tests and the benchmark measure the index path).
 * The threshold is applied after the LIMIT, which is equivalent (the best `limit` above it are
 * the best `limit`, cut) and keeps the scan bounded.
 */
export async function searchMemoriesDetailed(trx: Tx, p: SearchParams, strategy: 'auto' | 'hnsw' = 'auto'): Promise<SearchOutcome> {
  const cut = (hits: SearchHit[]) => (p.threshold === undefined ? hits : hits.filter((h) => h.similarity >= p.threshold!));
  const exact = async (reason: SearchOutcome['reason']): Promise<SearchOutcome> => {
    await setExactKnobs(trx);
    return { hits: cut((await searchQuery(p).execute(trx)).rows), path: 'exact', reason };
  };
  if (strategy === 'auto' && (await visibleRowsUpTo(trx, EXACT_MAX_ROWS + 1)) <= EXACT_MAX_ROWS) return exact('few_rows');
  await setSearchKnobs(trx, p.limit);
  const hits = (await searchQuery(p).execute(trx)).rows;
  if (hits.length < p.limit) return exact('short_page');
  return { hits: cut(hits), path: 'hnsw' };
}

export async function searchMemories(trx: Tx, p: SearchParams): Promise<SearchHit[]> {
  return (await searchMemoriesDetailed(trx, p)).hits;
}

