/**
 * Approval of destructive tools: the turn pauses with an approval request (nothing deleted), the
 * client answers in a later request, and only an approval runs the tool; a refusal is shown to
 * the model. Both answers, a new message instead of an answer, and malformed answers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { insert } from './harness/fixtures.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';
import { call, say, scriptedModel, toolStep, type ScriptedModel } from './harness/mock-model.ts';
import { sseChunks, textOfChunks } from './harness/ui-stream.ts';

describeEachBackend('assistant approvals', (ctx) => {
  let t: TestApp;
  let m: ScriptedModel;
  let u: TestUser;
  let tripId: number;

  beforeAll(async () => {
    m = scriptedModel();
    t = await buildTestApp(ctx.db, {}, { languageModel: m.model });
    u = await makeUser(t, ctx.db);
    tripId = (await insert(ctx.db, 'trips', { user_id: u.id, name: 'Rome', start_date: '2026-04-01', end_date: '2026-04-05', destination: 'Rome', budget: '2000' })).id as number;
  });
  afterAll(async () => t?.app.close());

  const item = async (title: string) =>
    (await insert(ctx.db, 'itinerary_items', { trip_id: tripId, day_number: 1, start_time: '09:00', end_time: '10:00', title })).id as number;
  const exists = async (id: number) => (await ctx.db.query('SELECT 1 FROM public.itinerary_items WHERE id = $1', [id])).rows.length === 1;
  const session = async () => (await t.app.inject({ method: 'POST', url: '/api/v1/chat/sessions', headers: u.headers, payload: {} })).json().id as string;
  const reply = (sid: string, payload: object) => t.app.inject({ method: 'POST', url: `/api/v1/chat/sessions/${sid}/reply`, headers: u.headers, payload });
  const assistantMessages = async (sid: string) =>
    (await ctx.db.query<{ id: string; content: string; metadata: Record<string, any> }>(
      "SELECT id, content, metadata FROM public.chat_messages WHERE session_id = $1 AND role = 'assistant' ORDER BY created_at", [sid])).rows;

  /** A turn in which the model asks to delete `id` (after reading the trip list in the same step). */
  async function pausedTurn(id: number) {
    m.push(toolStep(call('list_trips', {}), call('delete_itinerary_item', { item_id: id })));
    const sid = await session();
    const r = await reply(sid, { content: 'remove the museum' });
    expect(r.statusCode, r.body).toBe(200);
    const { chunks } = sseChunks(r.body);
    const request = chunks.find((c) => c.type === 'tool-approval-request') as { approvalId: string; toolCallId: string } | undefined;
    expect(request).toBeDefined();
    const fin = chunks.at(-1) as { type: string; messageMetadata: Record<string, any> };
    expect(fin.messageMetadata).toMatchObject({
      status: 'awaiting_approval',
      pending_approvals: [{ approval_id: request!.approvalId, tool_call_id: request!.toolCallId, tool_name: 'delete_itinerary_item', input: { item_id: id } }],
    });
    expect(await exists(id)).toBe(true);
    const [paused] = await assistantMessages(sid);
    expect(paused!.metadata.status).toBe('awaiting_approval');
    expect(paused!.metadata.tool_calls.map((c: any) => [c.name, c.status])).toEqual([['list_trips', 'ok'], ['delete_itinerary_item', 'awaiting_approval']]);
    return { sid, approvalId: request!.approvalId, messageId: paused!.id, startId: (chunks[0] as { messageId: string }).messageId };
  }

  it('approved: the tool runs, the same assistant message is completed', async () => {
    const id = await item('Vatican Museums');
    const p = await pausedTurn(id);
    expect(p.startId).toBe(p.messageId);
    m.push(say('Removed the Vatican Museums.'));
    const r = await reply(p.sid, { approvals: [{ approval_id: p.approvalId, approved: true }] });
    expect(r.statusCode, r.body).toBe(200);
    const { chunks } = sseChunks(r.body);
    expect(chunks[0]).toMatchObject({ type: 'start', messageId: p.messageId });
    expect(chunks.find((c) => c.type === 'tool-output-available')).toMatchObject({ output: { deleted: { id, title: 'Vatican Museums' } } });
    expect(textOfChunks(chunks)).toBe('Removed the Vatican Museums.');
    expect(await exists(id)).toBe(false);
    const rows = await assistantMessages(p.sid);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.content).toBe('Removed the Vatican Museums.');
    expect(rows[0]!.metadata).toMatchObject({ status: 'complete', steps: 2 });
    expect(rows[0]!.metadata.pending).toBeUndefined();
    expect(rows[0]!.metadata.tool_calls.map((c: any) => [c.name, c.status])).toEqual([['list_trips', 'ok'], ['delete_itinerary_item', 'ok']]);
    // Answering again: nothing is waiting any more.
    const again = await reply(p.sid, { approvals: [{ approval_id: p.approvalId, approved: true }] });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('no_pending_approval');
  });

  it('declined: nothing is deleted, and the model is told why', async () => {
    const id = await item('Colosseum');
    const p = await pausedTurn(id);
    m.push(say('Kept it.'));
    const r = await reply(p.sid, { approvals: [{ approval_id: p.approvalId, approved: false, reason: 'I still want to go' }] });
    expect(r.statusCode, r.body).toBe(200);
    expect(sseChunks(r.body).chunks.some((c) => c.type === 'tool-output-denied')).toBe(true);
    expect(await exists(id)).toBe(true);
    const denied = m.prompts.at(-1)!.flatMap((msg) => (msg.role === 'tool' ? msg.content : [])).find((c) => c.type === 'tool-result' && c.toolName === 'delete_itinerary_item');
    expect(denied).toMatchObject({ output: { type: 'execution-denied', reason: 'I still want to go' } });
    const [row] = await assistantMessages(p.sid);
    expect(row!.metadata.status).toBe('complete');
    expect(row!.metadata.tool_calls[1]).toMatchObject({ name: 'delete_itinerary_item', status: 'denied' });
  });

  it('a new message instead of an answer supersedes the request; the tool never runs', async () => {
    const id = await item('Pantheon');
    const p = await pausedTurn(id);
    m.push(say('Fine, what else?'));
    const r = await reply(p.sid, { content: 'actually, never mind' });
    expect(r.statusCode, r.body).toBe(200);
    expect(await exists(id)).toBe(true);
    const rows = await assistantMessages(p.sid);
    expect(rows[0]!.metadata.status).toBe('superseded');
    expect(rows[0]!.metadata.pending).toBeUndefined();
    expect(rows[0]!.metadata.tool_calls[1]).toMatchObject({ status: 'not_run' });
    expect(rows[1]!.metadata.status).toBe('complete');
  });

  it('answers must match the pending requests', async () => {
    const sid = await session();
    const none = await reply(sid, { approvals: [{ approval_id: 'x', approved: true }] });
    expect(none.statusCode).toBe(409);
    const id = await item('Trevi');
    const p = await pausedTurn(id);
    const before = m.prompts.length;
    const unknown = await reply(p.sid, { approvals: [{ approval_id: 'nope', approved: true }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'invalid_approvals', details: { pending: [p.approvalId], unknown: ['nope'], missing: [p.approvalId] } });
    const twice = await reply(p.sid, { approvals: [{ approval_id: p.approvalId, approved: true }, { approval_id: p.approvalId, approved: false }] });
    expect(twice.statusCode).toBe(400);
    expect(m.prompts.length).toBe(before);
    expect(await exists(id)).toBe(true);
  });
});
