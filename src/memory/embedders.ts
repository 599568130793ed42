/**
 * Embedding providers behind one interface, chosen by `TRIPSAGE_EMBEDDINGS` (hashing | openai).
 *
 * - `hashing` (default, offline): signed feature hashing of words, word pairs and character
 *   trigrams into 1536 dimensions. Deterministic and free, but it measures SHARED WORDS (and
 *   spelling), not meaning: "hotel" and "accommodation" are unrelated to it.
 * - `openai`: any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Azure-style proxies, a
 *   local server), with timeouts, retries with exponential backoff on 429/5xx, and batching.
 *
 * The column is `vector(1536)`: shorter vectors are zero-padded (cosine similarity between
 * vectors of the same model is unchanged by padding); longer ones are refused.
 */
import { ConfigError } from '../config.ts';

import { EMBEDDING_DIM, HASHING_MODEL, hashingVector } from './hashing.ts';
import { hashingTexts } from './hashing-thread.ts';

export { EMBEDDING_DIM };

export interface Embedder {
  /** Stored in each memory's metadata; a search compares only vectors of the same model. */
  readonly model: string;
  /** The model's own dimension, before zero-padding (learned from its first answer; null before). */
  readonly dimension: number | null;
  /** One vector of exactly EMBEDDING_DIM numbers per text, in order. */
  embed(texts: string[]): Promise<number[][]>;
  /**
   * The same vectors in pgvector's text form, computed off the HTTP thread — for batches, whose
   * hashing and number formatting would otherwise hold the thread for a noticeable time.
   */
  embedText?(texts: string[]): Promise<string[]>;
}

/** An embedding provider failed (network, HTTP status, bad answer). */
export class EmbeddingError extends Error {
  constructor(
    message: string,
    /** The provider's HTTP status; 504 for a timeout; null when it could not be reached or made no sense. */
    readonly status: number | null = null,
    /** Worth another attempt: 429, 5xx, timeouts, network errors (not a malformed answer). */
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'EmbeddingError';
  }
}

// ---- hashing -----------------------------------------------------------------------------------

export { features, fnv1a32, HASHING_MODEL, hashingVector, tokenize } from './hashing.ts';

/** Batches are hashed on a thread of their own (hashing-thread.ts); one vector here. */
export function hashingEmbedder(): Embedder {
  return {
    model: HASHING_MODEL,
    dimension: EMBEDDING_DIM,
    embed: async (texts) => texts.map((t) => hashingVector(t)),
    embedText: hashingTexts,
  };
}

// ---- OpenAI-compatible -------------------------------------------------------------------------

export interface OpenAIEmbedderOptions {
  /** Default https://api.openai.com; `/v1/embeddings` is appended (a trailing `/v1` is tolerated). */
  baseUrl?: string;
  model?: string;
  apiKey?: string;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt, on 429, 5xx, timeouts and network errors. Default 4. */
  maxRetries?: number;
  /** First backoff; doubled each retry, ±25 % jitter, capped at 20 s. Default 500 ms. */
  backoffMs?: number;
  /** Texts per request. Default 100. */
  batchSize?: number;
}

export const OPENAI_DEFAULT_URL = 'https://api.openai.com';
export const OPENAI_DEFAULT_MODEL = 'text-embedding-3-small';

/** Zero-pads a vector to EMBEDDING_DIM; refuses a longer one. */
export function fitDimension(v: number[], model: string): number[] {
  if (v.length > EMBEDDING_DIM) {
    throw new EmbeddingError(
      `model ${model} returned ${v.length}-dimensional vectors; the memory column holds at most ${EMBEDDING_DIM}` +
        ` (choose a model of ≤ ${EMBEDDING_DIM} dimensions, e.g. text-embedding-3-small, or one that accepts a "dimensions" option)`,
    );
  }
  if (v.length === 0) throw new EmbeddingError(`model ${model} returned an empty vector`);
  if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new EmbeddingError(`model ${model} returned a non-numeric vector`);
  return v.length === EMBEDDING_DIM ? v : [...v, ...new Array<number>(EMBEDDING_DIM - v.length).fill(0)];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function openAIEmbedder(opts: OpenAIEmbedderOptions = {}): Embedder {
  const base = (opts.baseUrl ?? OPENAI_DEFAULT_URL).replace(/\/+$/, '').replace(/\/v1$/, '');
  const url = `${base}/v1/embeddings`;
  const model = opts.model ?? OPENAI_DEFAULT_MODEL;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxRetries = opts.maxRetries ?? 4;
  const backoffMs = opts.backoffMs ?? 500;
  const batchSize = Math.max(1, opts.batchSize ?? 100);

  async function once(input: string[]): Promise<number[][]> {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    try {
      const res = await fetch(url, {
        method: 'POST',
        signal: ctl.signal,
        headers: {
          'content-type': 'application/json',
          ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
        },
        body: JSON.stringify({ model, input, encoding_format: 'float' }),
      });
      const text = await res.text();
      if (!res.ok) {
        let detail = text.slice(0, 300);
        try {
          detail = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? detail;
        } catch {
          /* not JSON */
        }
        const e = new EmbeddingError(`embedding provider answered ${res.status}: ${detail}`, res.status, res.status === 429 || res.status >= 500);
        (e as EmbeddingError & { retryAfter?: number }).retryAfter = Number(res.headers.get('retry-after')) || undefined;
        throw e;
      }
      let body: { data?: Array<{ embedding?: unknown; index?: number }> };
      try {
        body = JSON.parse(text);
      } catch {
        throw new EmbeddingError('embedding provider answered with invalid JSON', res.status);
      }
      const data = body.data;
      if (!Array.isArray(data) || data.length !== input.length) {
        throw new EmbeddingError(`embedding provider returned ${Array.isArray(data) ? data.length : 'no'} vectors for ${input.length} inputs`);
      }
      const sorted = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      return sorted.map((d) => {
        if (!Array.isArray(d.embedding)) throw new EmbeddingError('embedding provider returned a non-array embedding (use encoding_format float)');
        return d.embedding as number[];
      });
    } catch (e) {
      if (e instanceof EmbeddingError) throw e;
      if (ctl.signal.aborted) throw new EmbeddingError(`embedding provider did not answer within ${timeoutMs} ms`, 504, true);
      throw new EmbeddingError(`embedding provider unreachable: ${(e as Error).message}`, null, true);
    } finally {
      clearTimeout(timer);
    }
  }

  async function withRetries(input: string[]): Promise<number[][]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await once(input);
      } catch (e) {
        if (!(e instanceof EmbeddingError) || !e.retryable || attempt >= maxRetries) throw e;
        const retryAfter = (e as EmbeddingError & { retryAfter?: number }).retryAfter;
        const exp = backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
        await sleep(Math.min(20_000, retryAfter ? Math.max(retryAfter * 1000, exp) : exp));
      }
    }
  }

  const self = {
    model,
    dimension: null as number | null,
    async embed(texts: string[]): Promise<number[][]> {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const raw = await withRetries(texts.slice(i, i + batchSize));
        for (const v of raw) {
          out.push(fitDimension(v, model));
          self.dimension = v.length;
        }
      }
      return out;
    },
  };
  return self;
}

// ---- configuration -----------------------------------------------------------------------------

export interface EmbedderConfig {
  provider: 'hashing' | 'openai';
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

/** Reads TRIPSAGE_EMBEDDINGS, _URL, _MODEL, _API_KEY (or _API_KEY_FILE), _TIMEOUT_MS. */
export function embedderConfigFromEnv(env: NodeJS.ProcessEnv = process.env): EmbedderConfig {
  const val = (k: string) => (env[k] === undefined || env[k] === '' ? undefined : env[k]);
  const provider = (val('TRIPSAGE_EMBEDDINGS') ?? 'hashing').toLowerCase();
  if (provider !== 'hashing' && provider !== 'openai') {
    throw new ConfigError(`invalid configuration:\n  TRIPSAGE_EMBEDDINGS: "${provider}" is not one of hashing, openai`);
  }
  const url = val('TRIPSAGE_EMBEDDINGS_URL') ?? OPENAI_DEFAULT_URL;
  try {
    new URL(url);
  } catch {
    throw new ConfigError(`invalid configuration:\n  TRIPSAGE_EMBEDDINGS_URL: "${url}" is not a URL`);
  }
  const timeoutMs = Number(val('TRIPSAGE_EMBEDDINGS_TIMEOUT_MS') ?? 30_000);
  if (!Number.isFinite(timeoutMs) || timeoutMs < 100) throw new ConfigError('invalid configuration:\n  TRIPSAGE_EMBEDDINGS_TIMEOUT_MS: a number of milliseconds ≥ 100');
  return { provider, url, model: val('TRIPSAGE_EMBEDDINGS_MODEL') ?? OPENAI_DEFAULT_MODEL, apiKey: val('TRIPSAGE_EMBEDDINGS_API_KEY'), timeoutMs };
}

export function createEmbedder(c: EmbedderConfig): Embedder {
  return c.provider === 'openai'
    ? openAIEmbedder({ baseUrl: c.url, model: c.model, apiKey: c.apiKey, timeoutMs: c.timeoutMs })
    : hashingEmbedder();
}
