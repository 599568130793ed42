/**
 * Bring your own key: without a server key the user's stored key for the provider is resolved
 * through the key vault, sent to the provider (asserted at the fake server) and counted once per
 * turn; an expired key, no key, or no provider at all give 503 assistant_unavailable with a hint
 * that says how to fix it, before anything is stored or sent. And the LLM settings' validation.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIGURE_HINT } from '../src/assistant/provider.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { describeEachBackend } from './harness/backends.ts';
import { startFakeLlm, text, toolCalls, type FakeLlm } from './harness/fake-llm.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

const KEYS = `1:${randomBytes(32).toString('base64')}`;

describeEachBackend('assistant BYOK', (ctx) => {
  let llm: FakeLlm;
  let t: TestApp;
  beforeAll(async () => {
    llm = await startFakeLlm();
    t = await buildTestApp(ctx.db, {
      TRIPSAGE_LLM_PROVIDER: 'openai-compatible', TRIPSAGE_LLM_BASE_URL: llm.baseUrl, TRIPSAGE_LLM_MODEL: 'fake-model',
      TRIPSAGE_ENCRYPTION_KEYS: KEYS,
    });
  });
  afterAll(async () => {
    await t?.app.close();
    await llm?.close();
  });

  const session = async (app: TestApp, u: TestUser) => (await app.app.inject({ method: 'POST', url: '/api/v1/chat/sessions', headers: u.headers, payload: {} })).json().id as string;
  const reply = async (app: TestApp, u: TestUser, accept = 'application/json') =>
    app.app.inject({ method: 'POST', url: `/api/v1/chat/sessions/${await session(app, u)}/reply`, headers: { ...u.headers, accept }, payload: { content: 'plan something' } });
  const storeKey = (u: TestUser, payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: u.headers, payload: { service_name: 'openai', key_name: 'mine', ...payload } });
  const usage = async (id: number) => (await ctx.db.query<{ usage_count: number }>('SELECT usage_count FROM public.api_keys WHERE id = $1', [id])).rows[0]!.usage_count;

  it("uses the user's stored key, sends it to the provider, and counts it once per turn", async () => {
    const u = await makeUser(t, ctx.db);
    const key = await storeKey(u, { value: 'sk-user-own-9876' });
    expect(key.statusCode, key.body).toBe(201);
    llm.push(toolCalls({ name: 'list_trips', args: {} }), text('You have no trips yet.'));
    const n = llm.requests.length;
    const r = await reply(t, u, 'text/event-stream');
    expect(r.statusCode, r.body).toBe(200);
    expect(llm.requests.slice(n).map((x) => x.headers.authorization)).toEqual(['Bearer sk-user-own-9876', 'Bearer sk-user-own-9876']);
    expect(await usage(key.json().id)).toBe(1);
    expect(r.body).not.toContain('sk-user-own-9876');
    const stored = await ctx.db.query<{ metadata: Record<string, unknown> }>("SELECT metadata FROM public.chat_messages WHERE role = 'assistant' ORDER BY created_at DESC LIMIT 1");
    expect(stored.rows[0]!.metadata).toMatchObject({ key: 'user', status: 'complete' });
    expect(JSON.stringify(stored.rows[0]!.metadata)).not.toContain('sk-user-own-9876');
    llm.push(text('Again.'));
    expect((await reply(t, u)).statusCode).toBe(200);
    expect(await usage(key.json().id)).toBe(2);
  });

  it('an expired key: 503 assistant_unavailable (reason expired); nothing sent, nothing stored', async () => {
    const u = await makeUser(t, ctx.db);
    const key = await storeKey(u, { value: 'sk-user-old-1111', expires_at: '2020-01-01T00:00:00Z' });
    expect(key.statusCode, key.body).toBe(201);
    const n = llm.requests.length;
    const r = await reply(t, u);
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({
      code: 'assistant_unavailable', details: { reason: 'expired', service: 'openai' },
      message: expect.stringMatching(/has expired/), hint: expect.stringMatching(/PATCH \/api\/v1\/api-keys\/\{id\}/),
    });
    expect(llm.requests.length).toBe(n);
    expect(await usage(key.json().id)).toBe(0);
    expect((await ctx.db.query('SELECT 1 FROM public.chat_messages m JOIN public.chat_sessions s ON s.id = m.session_id WHERE s.user_id = $1', [u.id])).rows).toEqual([]);
  });

  it('no key: 503 with the hint to store one; no provider configured at all: the full configuration hint', async () => {
    const u = await makeUser(t, ctx.db);
    const r = await reply(t, u);
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ code: 'assistant_unavailable', details: { reason: 'no_key', service: 'openai' } });

    const bare = await buildTestApp(ctx.db, { TRIPSAGE_ENCRYPTION_KEYS: KEYS });
    try {
      const v = await makeUser(bare, ctx.db);
      const none = await reply(bare, v, 'text/event-stream');
      expect(none.statusCode).toBe(503);
      expect(none.headers['content-type']).toMatch(/application\/json/);
      expect(none.json()).toMatchObject({ code: 'assistant_unavailable', details: { reason: 'no_provider', service: 'openai' } });
      expect(none.json().hint).toBe(CONFIGURE_HINT.replace('SERVICE', 'openai'));
      expect(none.json().hint).toMatch(/TRIPSAGE_LLM_PROVIDER .*TRIPSAGE_LLM_BASE_URL.*POST \/api\/v1\/api-keys \{"service_name":"openai"/);
    } finally {
      await bare.app.close();
    }
  });
});

describe('assistant settings', () => {
  const base = { TRIPSAGE_JWT_SECRET: 'x'.repeat(40) };
  it('are validated once at start-up', () => {
    expect(() => loadConfig({}, { ...base, TRIPSAGE_LLM_MODEL: 'm' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { ...base, TRIPSAGE_LLM_PROVIDER: 'openai-compatible', TRIPSAGE_LLM_MODEL: 'm' })).toThrow(/TRIPSAGE_LLM_BASE_URL/);
    expect(() => loadConfig({}, { ...base, TRIPSAGE_LLM_PROVIDER: 'gemini' })).toThrow(/llmProvider/);
    expect(() => loadConfig({}, { ...base, TRIPSAGE_ASSISTANT_MAX_STEPS: '0' })).toThrow(/assistantMaxSteps/);
    const c = loadConfig({}, { ...base, TRIPSAGE_LLM_PROVIDER: 'Anthropic' });
    expect(c).toMatchObject({ llmProvider: 'anthropic', assistantMaxSteps: 8, llmMaxRetries: 2, llmTimeoutMs: 60_000, assistantRateLimitPerMinute: 20 });
  });

  it('read the API key from TRIPSAGE_LLM_API_KEY_FILE', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tripsage-llm-')), 'key');
    writeFileSync(file, 'sk-from-file\n');
    expect(loadConfig({}, { ...base, TRIPSAGE_LLM_PROVIDER: 'openai', TRIPSAGE_LLM_API_KEY_FILE: file }).llmApiKey).toBe('sk-from-file');
  });
});
