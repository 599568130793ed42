/**
 * The assistant against a local server speaking the OpenAI-compatible streaming protocol, through
 * the AI SDK's own provider: plain text, a multi-step tool sequence, malformed tool arguments, an
 * unknown tool, a 429 then success, a 500, and a timeout.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { hang, startFakeLlm, status, text, toolCalls, type FakeLlm } from './harness/fake-llm.ts';
import { insert } from './harness/fixtures.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';
import { sseChunks, textOfChunks } from './harness/ui-stream.ts';

describeEachBackend('assistant over the OpenAI-compatible protocol', (ctx) => {
  let llm: FakeLlm;
  let t: TestApp;
  let u: TestUser;
  const env = (extra: Record<string, string> = {}) => ({
    TRIPSAGE_LLM_PROVIDER: 'openai-compatible', TRIPSAGE_LLM_BASE_URL: llm.baseUrl, TRIPSAGE_LLM_MODEL: 'fake-model',
    TRIPSAGE_LLM_API_KEY: 'sk-server-key', TRIPSAGE_LLM_MAX_RETRIES: '2', ...extra,
  });

  beforeAll(async () => {
    llm = await startFakeLlm();
    t = await buildTestApp(ctx.db, env());
    u = await makeUser(t, ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
    await llm?.close();
  });

  const session = async (app = t) => (await app.app.inject({ method: 'POST', url: '/api/v1/chat/sessions', headers: u.headers, payload: {} })).json().id as string;
  const reply = (sid: string, content: string, json = false, app = t) =>
    app.app.inject({ method: 'POST', url: `/api/v1/chat/sessions/${sid}/reply`, headers: { ...u.headers, ...(json ? { accept: 'application/json' } : {}) }, payload: { content } });
  const stored = async (sid: string) =>
    (await ctx.db.query<{ content: string; metadata: Record<string, any> }>("SELECT content, metadata FROM public.chat_messages WHERE session_id = $1 AND role = 'assistant'", [sid])).rows[0]!;
  const toolMessages = (i: number) => llm.requests[i]!.body.messages.filter((msg) => msg.role === 'tool').map((msg) => String(msg.content));

  it('plain text: the request carries the model, the tools and the server key; the answer streams', async () => {
    llm.push(text('Bom ', 'dia!'));
    const n = llm.requests.length;
    const sid = await session();
    const r = await reply(sid, 'hello');
    expect(r.statusCode, r.body).toBe(200);
    expect(textOfChunks(sseChunks(r.body).chunks)).toBe('Bom dia!');
    const req = llm.requests[n]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-server-key');
    expect(req.body).toMatchObject({ model: 'fake-model', stream: true });
    expect(req.body.messages[0]).toMatchObject({ role: 'system' });
    expect(req.body.messages.at(-1)).toMatchObject({ role: 'user', content: 'hello' });
    expect(req.body.tools!.map((x) => x.function.name)).toEqual(expect.arrayContaining(['list_trips', 'get_trip', 'delete_itinerary_item', 'search_insights']));
    expect(await stored(sid)).toMatchObject({
      content: 'Bom dia!',
      metadata: { status: 'complete', provider: 'openai-compatible', model: 'fake-model', key: 'server', usage: { input_tokens: 12, output_tokens: 7, total_tokens: 19 } },
    });
  });

  it('a multi-step tool sequence: list → get → add item → answer', async () => {
    const trip = await insert(ctx.db, 'trips', { user_id: u.id, name: 'Kyoto', start_date: '2026-11-01', end_date: '2026-11-05', destination: 'Kyoto', budget: '4000' });
    llm.push(
      toolCalls({ name: 'list_trips', args: {} }),
      toolCalls({ name: 'get_trip', args: { trip_id: trip.id } }),
      toolCalls({ name: 'add_itinerary_item', args: { trip_id: trip.id, day_number: 3, start_time: '07:00', end_time: '09:00', title: 'Fushimi Inari at dawn' } }),
      text('Added Fushimi Inari on day 3.'),
    );
    const n = llm.requests.length;
    const sid = await session();
    const r = await reply(sid, 'add Fushimi Inari to day 3', true);
    expect(r.statusCode, r.body).toBe(200);
    expect(llm.requests.length - n).toBe(4);
    expect(toolMessages(n + 1)[0]).toContain('Kyoto');
    expect(toolMessages(n + 2)[1]).toContain('"budget":"4000"');
    expect(toolMessages(n + 3)[2]).toContain('Fushimi Inari at dawn');
    expect(r.json().assistant_message).toMatchObject({ content: 'Added Fushimi Inari on day 3.', metadata: { steps: 4, usage: { total_tokens: 76 } } });
    const items = await ctx.db.query('SELECT title, day_number FROM public.itinerary_items WHERE trip_id = $1', [trip.id]);
    expect(items.rows).toEqual([{ title: 'Fushimi Inari at dawn', day_number: 3 }]);
  });

  it('malformed tool arguments and an unknown tool come back to the model as errors it can recover from', async () => {
    llm.push(toolCalls({ name: 'add_note', args: '{"trip_id": 1, "title": ' }, { name: 'book_hotel', args: { city: 'Paris' } }), text('Sorry, let me try differently.'));
    const n = llm.requests.length;
    const sid = await session();
    const r = await reply(sid, 'book me a hotel', true);
    expect(r.statusCode, r.body).toBe(200);
    const [bad, unknown] = toolMessages(n + 1);
    expect(bad).toMatch(/Invalid input for tool add_note: JSON parsing failed/);
    expect(unknown).toMatch(/unavailable tool 'book_hotel'/);
    const calls = r.json().assistant_message.metadata.tool_calls;
    expect(calls.map((c: any) => [c.name, c.status])).toEqual([['add_note', 'error'], ['book_hotel', 'error']]);
    expect(r.json().assistant_message.content).toBe('Sorry, let me try differently.');
  });

  it('a 429 is retried (honouring retry-after-ms) and then succeeds', async () => {
    llm.push(status(429, { 'retry-after-ms': '20' }), text('Made it.'));
    const n = llm.requests.length;
    const r = await reply(await session(), 'hi', true);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().assistant_message.content).toBe('Made it.');
    expect(llm.requests.length - n).toBe(2);
  });

  it('a 500 is retried a bounded number of times, then the turn fails with upstream_failed (502) and is stored as an error', async () => {
    llm.push(...[0, 1, 2].map(() => status(500, { 'retry-after-ms': '10' })));
    const n = llm.requests.length;
    const sid = await session();
    const r = await reply(sid, 'hi', true);
    expect(llm.requests.length - n).toBe(3);
    expect(r.statusCode).toBe(502);
    expect(r.json()).toMatchObject({ code: 'upstream_failed', message: expect.stringMatching(/HTTP 500 \(after 3 attempts\)/), details: { message_id: expect.any(String) } });
    expect(r.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect((await stored(sid)).metadata).toMatchObject({ status: 'error', error: { code: 'upstream_failed' } });

    // Streaming: the failure is an error chunk in an otherwise normal stream.
    llm.push(...[0, 1, 2].map(() => status(500, { 'retry-after-ms': '10' })));
    const s = await reply(await session(), 'hi');
    expect(s.statusCode).toBe(200);
    const { chunks, done } = sseChunks(s.body);
    expect(done).toBe(true);
    expect(chunks.find((c) => c.type === 'error')).toMatchObject({ errorText: expect.stringMatching(/HTTP 500/) });
  });

  it('a provider that does not answer in time: upstream_timeout (504), stored as timed_out', async () => {
    const slow = await buildTestApp(ctx.db, env({ TRIPSAGE_LLM_TIMEOUT_MS: '300' }));
    try {
      llm.push(hang());
      const n = llm.requests.length;
      const sid = await session(slow);
      const r = await reply(sid, 'hi', true, slow);
      expect(r.statusCode, r.body).toBe(504);
      expect(r.json()).toMatchObject({ code: 'upstream_timeout', message: 'the model provider did not answer within 300 ms' });
      expect(llm.requests.length - n).toBe(1);
      await llm.requests[n]!.aborted;
      expect((await stored(sid)).metadata).toMatchObject({ status: 'timed_out', error: { code: 'upstream_timeout' } });
    } finally {
      await slow.app.close();
    }
  });
});
