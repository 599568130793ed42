/**
 * The embedding providers: the offline hashing embedder's properties, and the OpenAI-compatible
 * client against a local node:http server speaking /v1/embeddings (nothing calls the internet).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmbedder, EMBEDDING_DIM, EmbeddingError, embedderConfigFromEnv, fitDimension, hashingEmbedder, hashingVector,
  HASHING_MODEL, openAIEmbedder, tokenize,
} from '../src/memory/embedders.ts';
import { testBackends } from './harness/backends.ts';
import { buildTestApp, makeUser } from './harness/http.ts';

const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (a: number[]) => Math.sqrt(cos(a, a));

describe('hashing embedder', () => {
  it('is deterministic, 1536-dimensional and L2-normalised', async () => {
    const e = hashingEmbedder();
    const [a, b] = await e.embed(['Beach hotel in Crete', 'Beach hotel in Crete']);
    expect(a).toHaveLength(EMBEDDING_DIM);
    expect(a).toEqual(b);
    expect(norm(a!)).toBeCloseTo(1, 10);
    expect(e.model).toBe(HASHING_MODEL);
  });

  it('tokenizes Unicode text, lower-case NFKC', () => {
    expect(tokenize('Ｃａｆé CAFE\u0301, 東京 Москва — naïve 42!')).toEqual(['café', 'café', '東京', 'москва', 'naïve', '42']);
    // Full-width letters, case and decomposed accents embed identically after NFKC + lower-case.
    expect(hashingVector('ＣＡＦÉ')).toEqual(hashingVector('cafe\u0301'));
  });

  it('shared words score higher than unrelated text; word order matters a little (bigrams)', () => {
    const q = hashingVector('cheap hotel in Lisbon');
    const near = cos(q, hashingVector('Lisbon hotel, cheap and central'));
    const far = cos(q, hashingVector('Sushi restaurant reservations in Osaka'));
    expect(near).toBeGreaterThan(0.4);
    expect(far).toBeLessThan(0.15);
    expect(cos(hashingVector('new york'), hashingVector('york new'))).toBeLessThan(0.99);
    // Trigrams: a typo still shares most of the word.
    expect(cos(hashingVector('accommodation'), hashingVector('accomodation'))).toBeGreaterThan(0.5);
    // What it is not: meaning without shared words.
    expect(cos(hashingVector('hotel'), hashingVector('lodging'))).toBeLessThan(0.2);
  });

  it('text without words still gets a non-zero vector', () => {
    for (const t of ['!!!', '🙂', '   ']) expect(norm(hashingVector(t))).toBeCloseTo(1, 10);
  });

  it('sub-linear term frequency: repeating a word does not dominate linearly', () => {
    const once = hashingVector('paris museum');
    const many = hashingVector('paris paris paris paris paris paris paris paris museum');
    expect(cos(once, many)).toBeGreaterThan(0.6);
  });
});

describe('configuration', () => {
  it('defaults to hashing; openai with URL, model and key; refuses an unknown provider', () => {
    expect(embedderConfigFromEnv({})).toMatchObject({ provider: 'hashing', url: 'https://api.openai.com', model: 'text-embedding-3-small' });
    const c = embedderConfigFromEnv({ TRIPSAGE_EMBEDDINGS: 'OpenAI', TRIPSAGE_EMBEDDINGS_URL: 'http://127.0.0.1:1', TRIPSAGE_EMBEDDINGS_MODEL: 'm', TRIPSAGE_EMBEDDINGS_API_KEY: 'k' });
    expect(c).toMatchObject({ provider: 'openai', url: 'http://127.0.0.1:1', model: 'm', apiKey: 'k' });
    expect(createEmbedder(c).model).toBe('m');
    expect(() => embedderConfigFromEnv({ TRIPSAGE_EMBEDDINGS: 'word2vec' })).toThrow(/TRIPSAGE_EMBEDDINGS/);
    expect(() => embedderConfigFromEnv({ TRIPSAGE_EMBEDDINGS_URL: 'not a url' })).toThrow(/TRIPSAGE_EMBEDDINGS_URL/);
  });

  it('pads short vectors with zeros and refuses long ones clearly', () => {
    const v = fitDimension([0.6, 0.8], 'm');
    expect(v).toHaveLength(EMBEDDING_DIM);
    expect(v.slice(0, 3)).toEqual([0.6, 0.8, 0]);
    expect(() => fitDimension(new Array(3072).fill(0.1), 'text-embedding-3-large')).toThrow(/3072-dimensional.*at most 1536/);
  });
});

// ---- a local /v1/embeddings server ---------------------------------------------------------------

interface Seen {
  auth: string | undefined;
  model: string;
  input: string[];
}

type Behaviour = (n: number, body: Seen) => { status: number; json?: unknown; delayMs?: number; headers?: Record<string, string> };

const read = (req: IncomingMessage) => new Promise<string>((ok) => {
  let s = '';
  req.on('data', (d) => (s += d));
  req.on('end', () => ok(s));
});

/** A deterministic tiny embedding: `dim` numbers from the text's length and first char. */
const tinyVector = (t: string, dim: number) => Array.from({ length: dim }, (_, i) => ((t.length * (i + 1) + t.charCodeAt(0)) % 17) / 17 + 0.01);

function okBody(input: string[], dim: number) {
  // Deliberately out of order: the client must sort by `index`.
  return { object: 'list', model: 'x', data: input.map((t, index) => ({ object: 'embedding', index, embedding: tinyVector(t, dim) })).reverse() };
}

describe('OpenAI-compatible client (local server)', () => {
  let server: Server;
  let base = '';
  let behaviour: Behaviour = () => ({ status: 500 });
  let seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const raw = await read(req);
      if (req.url !== '/v1/embeddings' || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw) as { model: string; input: string[] };
      const s: Seen = { auth: req.headers.authorization, model: body.model, input: body.input };
      seen.push(s);
      const b = behaviour(seen.length, s);
      if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
      if (res.destroyed) return;
      res.writeHead(b.status, { 'content-type': 'application/json', ...(b.headers ?? {}) }).end(JSON.stringify(b.json ?? { error: { message: `status ${b.status}` } }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  });
  const reset = (b: Behaviour) => {
    seen = [];
    behaviour = b;
  };

  it('retries a 429 (then succeeds), sends model and key, pads short vectors, keeps input order', async () => {
    reset((n, s) => (n === 1 ? { status: 429, headers: { 'retry-after': '0' } } : { status: 200, json: okBody(s.input, 8) }));
    const e = openAIEmbedder({ baseUrl: `${base}/v1/`, model: 'tiny-8', apiKey: 'sk-test', backoffMs: 5 });
    const out = await e.embed(['alpha', 'be']);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ auth: 'Bearer sk-test', model: 'tiny-8', input: ['alpha', 'be'] });
    expect(out).toHaveLength(2);
    expect(out[0]).toHaveLength(EMBEDDING_DIM);
    expect(out[0]!.slice(0, 8)).toEqual(tinyVector('alpha', 8));
    expect(out[1]!.slice(0, 8)).toEqual(tinyVector('be', 8));
    expect(out[0]!.slice(8).every((x) => x === 0)).toBe(true);
    expect(e.dimension).toBe(8);
  });

  it('batches 100 texts per request', async () => {
    reset((_n, s) => ({ status: 200, json: okBody(s.input, 4) }));
    const texts = Array.from({ length: 250 }, (_, i) => `t${i}`);
    const out = await openAIEmbedder({ baseUrl: base, backoffMs: 1 }).embed(texts);
    expect(seen.map((s) => s.input.length)).toEqual([100, 100, 50]);
    expect(out).toHaveLength(250);
    expect(out[249]!.slice(0, 4)).toEqual(tinyVector('t249', 4));
  });

  it('retries 5xx with backoff up to maxRetries, then fails; does not retry 400', async () => {
    reset(() => ({ status: 503 }));
    await expect(openAIEmbedder({ baseUrl: base, backoffMs: 1, maxRetries: 2 }).embed(['x'])).rejects.toThrow(/answered 503/);
    expect(seen).toHaveLength(3);
    reset(() => ({ status: 400, json: { error: { message: 'bad model' } } }));
    await expect(openAIEmbedder({ baseUrl: base, backoffMs: 1 }).embed(['x'])).rejects.toThrow(/answered 400: bad model/);
    expect(seen).toHaveLength(1);
  });

  it('times out (AbortController), refuses too-long vectors and malformed answers', async () => {
    reset(() => ({ status: 200, json: okBody(['x'], 4), delayMs: 500 }));
    const err = await openAIEmbedder({ baseUrl: base, timeoutMs: 50, maxRetries: 0 }).embed(['x']).catch((e) => e);
    expect(err).toBeInstanceOf(EmbeddingError);
    expect(err.message).toMatch(/within 50 ms/);
    reset((_n, s) => ({ status: 200, json: okBody(s.input, 2000) }));
    await expect(openAIEmbedder({ baseUrl: base }).embed(['x'])).rejects.toThrow(/2000-dimensional/);
    reset(() => ({ status: 200, json: { data: [] } }));
    await expect(openAIEmbedder({ baseUrl: base }).embed(['x'])).rejects.toThrow(/0 vectors for 1 inputs/);
    expect(seen).toHaveLength(1); // a malformed answer is not retried
    // Unreachable: retried, then a clear error.
    await expect(openAIEmbedder({ baseUrl: 'http://127.0.0.1:9', backoffMs: 1, maxRetries: 1 }).embed(['x'])).rejects.toThrow(/unreachable/);
  });

  it('BYOK: without a server key, each user embeds with their own stored openai key (resolved and counted)', async () => {
    const pglite = testBackends().find((b) => b.name === 'pglite')!;
    const h = await pglite.clone();
    const saved = { ...process.env };
    Object.assign(process.env, { TRIPSAGE_EMBEDDINGS: 'openai', TRIPSAGE_EMBEDDINGS_URL: base, TRIPSAGE_EMBEDDINGS_MODEL: 'tiny-8', TRIPSAGE_EMBEDDINGS_API_KEY: '' });
    try {
      const t = await buildTestApp(h.db, { TRIPSAGE_ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 5).toString('base64')}` });
      try {
        const u = await makeUser(t, h.db);
        reset((_n, s) => ({ status: 200, json: okBody(s.input, 8) }));
        const memory = { content_text: 'rooftop bars in Lisbon', content_type: 'note' };
        const none = await t.app.inject({ method: 'POST', url: '/api/v1/memories', headers: u.headers, payload: memory });
        expect(none.statusCode, none.body).toBe(400);
        expect(none.json()).toMatchObject({ code: 'api_key_unavailable', details: { reason: 'missing' } });
        expect(none.json().hint).toMatch(/POST \/api\/v1\/api-keys/);
        expect(seen).toEqual([]);

        const key = await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: u.headers, payload: { service_name: 'openai', key_name: 'mine', value: 'sk-user-own-key-1234' } });
        expect(key.statusCode, key.body).toBe(201);
        const ok = await t.app.inject({ method: 'POST', url: '/api/v1/memories', headers: u.headers, payload: memory });
        expect(ok.statusCode, ok.body).toBe(201);
        expect(seen.map((x) => x.auth)).toEqual(['Bearer sk-user-own-key-1234']);
        const after = await t.app.inject({ method: 'GET', url: `/api/v1/api-keys/${key.json().id}`, headers: u.headers });
        expect(after.json()).toMatchObject({ usage_count: 1 });
        expect(after.json().last_used_at).not.toBeNull();
        // A search by vector needs no embedding, so it neither needs nor counts the key.
        const byVector = await t.app.inject({ method: 'POST', url: '/api/v1/memories/search', headers: u.headers, payload: { embedding: Array(1536).fill(0.01), embedding_model: 'tiny-8' } });
        expect(byVector.statusCode, byVector.body).toBe(200);
        expect((await t.app.inject({ method: 'GET', url: `/api/v1/api-keys/${key.json().id}`, headers: u.headers })).json().usage_count).toBe(1);

        await t.app.inject({ method: 'PATCH', url: `/api/v1/api-keys/${key.json().id}`, headers: u.headers, payload: { is_active: false } });
        const off = await t.app.inject({ method: 'POST', url: '/api/v1/memories', headers: u.headers, payload: memory });
        expect(off.json()).toMatchObject({ code: 'api_key_unavailable', details: { reason: 'inactive' } });
      } finally {
        await t.app.close();
      }
    } finally {
      process.env = saved;
      await h.db.close();
    }
  });

  it('through the API: TRIPSAGE_EMBEDDINGS=openai stamps model and native dimension; provider failure is 502', async () => {
    const pglite = testBackends().find((b) => b.name === 'pglite')!;
    const h = await pglite.clone();
    const saved = { ...process.env };
    Object.assign(process.env, { TRIPSAGE_EMBEDDINGS: 'openai', TRIPSAGE_EMBEDDINGS_URL: base, TRIPSAGE_EMBEDDINGS_MODEL: 'tiny-8', TRIPSAGE_EMBEDDINGS_API_KEY: 'sk-x' });
    try {
      const t = await buildTestApp(h.db);
      try {
        const u = await makeUser(t, h.db);
        reset((_n, s) => ({ status: 200, json: okBody(s.input, 8) }));
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/memories', headers: u.headers, payload: [{ content_text: 'alpha', content_type: 'n' }, { content_text: 'omega longer', content_type: 'n' }] });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json()[0].metadata).toEqual({ embedding_model: 'tiny-8', embedding_dim: 8 });
        // A hashing-model memory of the same user is never compared with tiny-8 vectors.
        await h.db.query(`INSERT INTO memory_embeddings (user_id, content_text, content_type, embedding, metadata)
          VALUES ($1, 'alpha', 'n', array_fill(0.1::real, ARRAY[1536])::extensions.vector, '{"embedding_model":"tripsage-hashing-v1"}')`, [u.id]);
        const hits = await t.app.inject({ method: 'POST', url: '/api/v1/memories/search', headers: u.headers, payload: { query: 'alpha' } });
        expect(hits.statusCode, hits.body).toBe(200);
        const rows = hits.json() as Array<{ content_text: string; similarity: number; metadata: { embedding_model: string } }>;
        expect(rows.map((r) => r.metadata.embedding_model)).toEqual(['tiny-8', 'tiny-8']);
        expect(rows[0]!.content_text).toBe('alpha');
        expect(rows[0]!.similarity).toBeCloseTo(1, 5);

        reset(() => ({ status: 401, json: { error: { message: 'invalid api key' } } }));
        const fail = await t.app.inject({ method: 'POST', url: '/api/v1/memories', headers: u.headers, payload: { content_text: 'x', content_type: 'n' } });
        expect(fail.statusCode).toBe(502);
        expect(fail.json()).toMatchObject({ code: 'embedding_failed' });
        expect(fail.json().message).toMatch(/invalid api key/);
      } finally {
        await t.app.close();
      }
    } finally {
      process.env = saved;
      await h.db.close();
    }
  });
});
