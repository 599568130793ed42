/**
 * The memory feature's rules: embed outside the database transaction (a provider call must not
 * hold one open), stamp each memory with the model that embedded it, and search only among
 * vectors of the same model.
 */
import type { Tx } from '../db/transaction.ts';
import { DomainError, invalid } from '../domain/errors.ts';
import { EMBEDDING_DIM, EmbeddingError, type Embedder } from './embedders.ts';
import {
  getMemory, insertMemories, searchMemories, updateMemory,
  vectorLiteral, type MemoryPatch, type MemoryRow, type NewMemory, type SearchHit,
} from './memory.repo.ts';

export interface MemoryInput {
  content_text: string;
  content_type: string;
  metadata?: Record<string, unknown>;
}

/** Texts per embed() call when storing many memories. */
export const EMBED_BATCH = 100;

/** Provider failures as domain errors: upstream_failed (bad answer / unreachable), upstream_timeout. */
export async function embedOrFail(embedder: Embedder, texts: string[]): Promise<number[][]> {
  return providerErrors(async () => {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += EMBED_BATCH) out.push(...(await embedder.embed(texts.slice(i, i + EMBED_BATCH))));
    if (out.length !== texts.length || out.some((v) => v.length !== EMBEDDING_DIM)) {
      throw new EmbeddingError(`the embedder returned ${out.length} vectors of the wrong shape for ${texts.length} texts`);
    }
    return out;
  });
}

/**
 * The vectors of many texts in pgvector's text form: off the HTTP thread when the embedder can
 * (the hashing embedder's thread), else embedded and formatted here.
 */
async function embedTextsOrFail(embedder: Embedder, texts: string[]): Promise<string[]> {
  if (!embedder.embedText) return (await embedOrFail(embedder, texts)).map(vectorLiteral);
  return providerErrors(async () => {
    const out: string[] = [];
    for (let i = 0; i < texts.length; i += EMBED_BATCH) out.push(...(await embedder.embedText!(texts.slice(i, i + EMBED_BATCH))));
    if (out.length !== texts.length) throw new EmbeddingError(`the embedder returned ${out.length} vectors for ${texts.length} texts`);
    return out;
  });
}

async function providerErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof EmbeddingError)) throw e;
    throw new DomainError(e.status === 504 ? 'upstream_timeout' : 'upstream_failed', 'embedding_failed', e.message, {
      hint: 'check the TRIPSAGE_EMBEDDINGS_* settings and the provider; see docs/memory.md',
      cause: e,
    });
  }
}

const stamp = (embedder: Embedder, metadata: Record<string, unknown> | undefined) => ({
  ...(metadata ?? {}),
  embedding_model: embedder.model,
  embedding_dim: embedder.dimension ?? EMBEDDING_DIM,
});

/** Embeds the inputs (in batches); returns rows ready for insertMemories. */
export async function prepareMemories(embedder: Embedder, inputs: MemoryInput[]): Promise<NewMemory[]> {
  const vectors = await embedTextsOrFail(embedder, inputs.map((m) => m.content_text));
  return inputs.map((m, i) => ({
    content_text: m.content_text,
    content_type: m.content_type,
    metadata: stamp(embedder, m.metadata),
    embedding: vectors[i]!,
  }));
}

export async function storeMemories(trx: Tx, userId: string, rows: NewMemory[]): Promise<MemoryRow[]> {
  return insertMemories(trx, userId, rows);
}

export interface PreparedPatch {
  patch: MemoryPatch;
  /** Set when content_text changed: the new embedding's model stamp. */
  stamp?: { embedding_model: string; embedding_dim: number };
}

/** Re-embeds a new content_text (outside the transaction). */
export async function preparePatch(embedder: Embedder, body: Partial<MemoryInput>): Promise<PreparedPatch> {
  const patch: MemoryPatch = { content_text: body.content_text, content_type: body.content_type, metadata: body.metadata };
  if (body.content_text === undefined) return { patch };
  const [v] = await embedOrFail(embedder, [body.content_text]);
  patch.embedding = v!;
  return { patch, stamp: { embedding_model: embedder.model, embedding_dim: embedder.dimension ?? EMBEDDING_DIM } };
}

/**
 * Applies a patch. The embedding stamp in metadata is the server's: a new `metadata` replaces the
 * caller's keys but keeps (or, after a re-embed, renews) `embedding_model` / `embedding_dim`.
 */
export async function applyPatch(trx: Tx, id: string, p: PreparedPatch): Promise<MemoryRow | undefined> {
  const patch = { ...p.patch };
  if (patch.metadata !== undefined || p.stamp) {
    const current = await getMemory(trx, id);
    if (!current) return undefined;
    const keep = { embedding_model: current.metadata.embedding_model, embedding_dim: current.metadata.embedding_dim };
    patch.metadata = { ...(patch.metadata ?? current.metadata), ...keep, ...(p.stamp ?? {}) };
  }
  return updateMemory(trx, id, patch);
}

export interface SearchRequest {
  query?: string;
  embedding?: number[];
  embedding_model?: string;
  limit: number;
  threshold?: number;
  content_type?: string;
  metadata?: Record<string, unknown>;
}

/**
 * `v` scaled to length 1, or undefined for a zero vector. Cosine distance ignores length, but
 * pgvector sums squares in single precision: a vector of tiny (1e-30) or huge (1e20) numbers has
 * a norm of 0 or ∞ there, and a NaN distance (issue 10). Scaling by the largest magnitude first
 * keeps the sum of squares in range in double precision too.
 */
export function unitVector(v: readonly number[]): number[] | undefined {
  const max = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  if (!(max > 0) || !Number.isFinite(max)) return undefined;
  const scaled = v.map((x) => x / max);
  const norm = Math.sqrt(scaled.reduce((s, x) => s + x * x, 0));
  return scaled.map((x) => x / norm);
}

/** The query vector (embedded outside the transaction) and the model to compare against. */
export async function prepareSearch(embedder: Embedder, r: SearchRequest): Promise<{ embedding: number[]; model: string }> {
  if (r.embedding) {
    const unit = unitVector(r.embedding);
    if (!unit) {
      throw invalid('invalid_request', 'the query embedding is all zeros (its cosine distance is undefined)', { hint: 'send a non-zero vector' });
    }
    return { embedding: unit, model: r.embedding_model ?? embedder.model };
  }
  const [v] = await embedOrFail(embedder, [r.query!]);
  return { embedding: v!, model: embedder.model };
}

export async function runSearch(trx: Tx, q: { embedding: number[]; model: string }, r: SearchRequest): Promise<SearchHit[]> {
  return searchMemories(trx, {
    embedding: q.embedding,
    model: q.model,
    limit: r.limit,
    threshold: r.threshold,
    contentType: r.content_type,
    metadata: r.metadata,
  });
}
