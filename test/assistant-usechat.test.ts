/**
 * The streaming endpoint as the AI SDK's own chat client consumes it: DefaultChatTransport (what
 * useChat uses) with the request shape documented in docs/assistant.md, read back into UI
 * messages by readUIMessageStream — a plain answer, and an approval answered the way useChat's
 * addToolApprovalResponse records it. And a client that disconnects mid-stream: the provider
 * call is aborted and the partial answer is stored, marked interrupted.
 */
import {
  DefaultChatTransport, isToolUIPart, lastAssistantMessageIsCompleteWithApprovalResponses, readUIMessageStream,
  type UIMessage, type UIMessageChunk,
} from 'ai';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { firstThenWait, startFakeLlm, text, toolCalls, type FakeLlm } from './harness/fake-llm.ts';
import { insert } from './harness/fixtures.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

/** The request body of docs/assistant.md: {content} for a user message, {approvals} after addToolApprovalResponse. */
function replyBody(messages: UIMessage[]): object {
  const last = messages.at(-1)!;
  if (last.role === 'user') return { content: last.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n') };
  const approvals = last.parts.flatMap((p) =>
    isToolUIPart(p) && p.state === 'approval-responded' ? [{ approval_id: p.approval.id, approved: p.approval.approved, ...(p.approval.reason ? { reason: p.approval.reason } : {}) }] : [],
  );
  return { approvals };
}

async function lastOf(stream: AsyncIterable<UIMessage>): Promise<UIMessage> {
  let last: UIMessage | undefined;
  for await (const m of stream) last = m;
  return last!;
}

describeEachBackend('assistant through the AI SDK chat client', (ctx) => {
  let llm: FakeLlm;
  let t: TestApp;
  let u: TestUser;
  let base: string;

  beforeAll(async () => {
    llm = await startFakeLlm();
    t = await buildTestApp(ctx.db, {
      TRIPSAGE_LLM_PROVIDER: 'openai-compatible', TRIPSAGE_LLM_BASE_URL: llm.baseUrl, TRIPSAGE_LLM_MODEL: 'fake-model',
      TRIPSAGE_LLM_API_KEY: 'sk-server-key',
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    u = await makeUser(t, ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
    await llm?.close();
  });

  const session = async () => (await t.app.inject({ method: 'POST', url: '/api/v1/chat/sessions', headers: u.headers, payload: {} })).json().id as string;
  const transportFor = (sid: string) => new DefaultChatTransport<UIMessage>({
    api: `${base}/api/v1/chat/sessions/${sid}/reply`,
    headers: u.headers,
    prepareSendMessagesRequest: ({ messages }) => ({ body: replyBody(messages) }),
  });
  const send = (sid: string, messages: UIMessage[], abortSignal?: AbortSignal) =>
    transportFor(sid).sendMessages({ chatId: sid, messages, trigger: 'submit-message', messageId: undefined, abortSignal });
  const userMessage = (text: string): UIMessage => ({ id: 'u1', role: 'user', parts: [{ type: 'text', text }] });

  it('a plain answer becomes the stored assistant message, same id', async () => {
    llm.push(text('Lisbon in spring ', 'is lovely.'));
    const sid = await session();
    const answer = await lastOf(readUIMessageStream({ stream: await send(sid, [userMessage('When to visit Lisbon?')]) }));
    expect(answer.role).toBe('assistant');
    expect(answer.parts.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('')).toBe('Lisbon in spring is lovely.');
    expect(answer.metadata).toMatchObject({ status: 'complete', session_title: 'When to visit Lisbon?', message_id: answer.id });
    const row = await ctx.db.query("SELECT id FROM public.chat_messages WHERE session_id = $1 AND role = 'assistant'", [sid]);
    expect(row.rows[0]!.id).toBe(answer.id);
  });

  it("an approval, answered as useChat's addToolApprovalResponse records it, resumes the same message", async () => {
    const trip = await insert(ctx.db, 'trips', { user_id: u.id, name: 'Nice', start_date: '2026-07-01', end_date: '2026-07-04', destination: 'Nice', budget: '1200' });
    const item = await insert(ctx.db, 'itinerary_items', { trip_id: trip.id, day_number: 1, start_time: '10:00', end_time: '11:00', title: 'Old town' });
    llm.push(toolCalls({ name: 'delete_itinerary_item', args: { item_id: item.id } }));
    const sid = await session();
    const user = userMessage('drop the old town visit');
    const paused = await lastOf(readUIMessageStream({ stream: await send(sid, [user]) }));
    const part = paused.parts.find(isToolUIPart)!;
    expect(part).toMatchObject({ type: 'tool-delete_itinerary_item', state: 'approval-requested', input: { item_id: item.id } });
    expect(paused.metadata).toMatchObject({ status: 'awaiting_approval' });

    // What addToolApprovalResponse({id, approved: true}) does to the message.
    const answered = structuredClone(paused);
    const p = answered.parts.find(isToolUIPart)! as { state: string; approval: { id: string; approved?: boolean } };
    p.state = 'approval-responded';
    p.approval = { ...p.approval, approved: true };
    expect(lastAssistantMessageIsCompleteWithApprovalResponses({ messages: [user, answered] })).toBe(true);

    llm.push(text('Done: removed.'));
    const done = await lastOf(readUIMessageStream({ message: answered, stream: await send(sid, [user, answered]) }));
    expect(done.id).toBe(paused.id);
    expect(done.parts.find(isToolUIPart)).toMatchObject({ state: 'output-available', output: { deleted: { id: item.id } } });
    expect(done.metadata).toMatchObject({ status: 'complete' });
    expect((await ctx.db.query('SELECT 1 FROM public.itinerary_items WHERE id = $1', [item.id])).rows).toEqual([]);
  });

  it('a client that disconnects aborts the provider call; the partial answer is stored as interrupted', async () => {
    llm.push(firstThenWait('Here is the first part'));
    const n = llm.requests.length;
    const sid = await session();
    const abort = new AbortController();
    const reader = (await send(sid, [userMessage('write me a long plan')], abort.signal)).getReader();
    for (let c: ReadableStreamReadResult<UIMessageChunk> = await reader.read(); !c.done; c = await reader.read()) {
      if (c.value.type === 'text-delta') break;
    }
    abort.abort();
    await llm.requests[n]!.aborted; // the provider saw the call cancelled
    let row: { content: string; metadata: Record<string, any> } | undefined;
    for (let i = 0; i < 200 && !row; i++) {
      row = (await ctx.db.query<{ content: string; metadata: Record<string, any> }>(
        "SELECT content, metadata FROM public.chat_messages WHERE session_id = $1 AND role = 'assistant'", [sid])).rows[0];
      if (!row) await new Promise((r) => setTimeout(r, 50));
    }
    expect(row).toMatchObject({ content: 'Here is the first part', metadata: { status: 'interrupted', model: 'fake-model' } });
  });
});
