import { describe, expect, it } from 'vitest';
import type { ChatMessageRow } from '../src/api/types.ts';
import { replyBody, sessionsFor, summarize, toolErrorOf, toolStatus, turnProblem, uiMessagesOf, type ChatUIMessage, type ToolPart } from '../src/lib/chat.ts';

const row = (role: ChatMessageRow['role'], content: string, metadata: unknown = {}): ChatMessageRow => ({
  id: `${role}-${content.length}`, session_id: 's', role, content, metadata, created_at: '2026-05-01T10:00:00Z',
});

describe('the reply body (the server keeps the history)', () => {
  it('a new message is sent as its text', () => {
    const m: ChatUIMessage = { id: 'u', role: 'user', parts: [{ type: 'text', text: 'Add a food tour' }] };
    expect(replyBody([m])).toEqual({ content: 'Add a food tour' });
  });

  it('a paused turn sends the answered approvals, and only those', () => {
    const m: ChatUIMessage = {
      id: 'a', role: 'assistant', parts: [
        { type: 'dynamic-tool', toolName: 'list_trips', toolCallId: 'c0', state: 'output-available', input: {}, output: [] },
        { type: 'dynamic-tool', toolName: 'delete_itinerary_item', toolCallId: 'c1', state: 'approval-responded', input: { item_id: 4 }, approval: { id: 'ap1', approved: false, reason: 'keep it' } },
        { type: 'tool-delete_itinerary_item', toolCallId: 'c2', state: 'approval-responded', input: { item_id: 5 }, approval: { id: 'ap2', approved: true } },
      ],
    };
    expect(replyBody([m])).toEqual({ approvals: [{ approval_id: 'ap1', approved: false, reason: 'keep it' }, { approval_id: 'ap2', approved: true }] });
  });
});

describe('stored messages as the chat shows them', () => {
  it('an assistant turn: its tool calls (with their outcome), then its text, and its status', () => {
    const [user, assistant] = uiMessagesOf([
      row('user', 'drop the boat tour'),
      row('assistant', 'It is gone.', {
        status: 'complete',
        tool_calls: [
          { tool_call_id: 'c1', name: 'get_trip', arguments: { trip_id: 3 }, status: 'ok', result: { name: 'Lisbon' } },
          { tool_call_id: 'c2', name: 'add_note', arguments: {}, status: 'error', error: { code: 'not_found', message: 'trip not found', hint: 'it is not yours' } },
          { tool_call_id: 'c3', name: 'delete_itinerary_item', arguments: { item_id: 9 }, status: 'denied' },
        ],
      }),
    ]);
    expect(user).toMatchObject({ role: 'user', parts: [{ type: 'text', text: 'drop the boat tour' }] });
    const parts = assistant!.parts.slice(0, 3) as ToolPart[];
    expect(parts.map((p) => [p.toolCallId, toolStatus(p, false)])).toEqual([['c1', 'done'], ['c2', 'failed'], ['c3', 'declined']]);
    expect(toolErrorOf((parts[1] as { errorText: string }).errorText)).toEqual({ code: 'not_found', message: 'trip not found', hint: 'it is not yours' });
    expect(assistant!.parts.at(-1)).toMatchObject({ type: 'text', text: 'It is gone.' });
    expect(assistant!.metadata).toEqual({ status: 'complete', error: undefined });
  });

  it('a paused turn can be answered after a reload: its approval id comes from the stored pending request', () => {
    const [m] = uiMessagesOf([row('assistant', '', {
      status: 'awaiting_approval',
      tool_calls: [{ tool_call_id: 'c7', name: 'delete_itinerary_item', arguments: { item_id: 42 }, status: 'awaiting_approval' }],
      pending: { approvals: [{ approval_id: 'aitxt-1', tool_call_id: 'c7', tool_name: 'delete_itinerary_item', input: { item_id: 42 } }] },
    })]);
    expect(m!.parts).toEqual([expect.objectContaining({ state: 'approval-requested', approval: { id: 'aitxt-1' } })]);
  });

  it('system messages are not shown; a turn that never ran a call says so', () => {
    const rows = uiMessagesOf([row('system', 'x'), row('assistant', '', { status: 'superseded', tool_calls: [{ tool_call_id: 'c', name: 'delete_itinerary_item', arguments: {}, status: 'not_run' }] })]);
    expect(rows).toHaveLength(1);
    expect(toolStatus(rows[0]!.parts[0] as ToolPart, false)).toBe('not run');
    expect(toolStatus(rows[0]!.parts[0] as ToolPart, true)).toBe('running');
  });
});

describe('words for tool calls and turns', () => {
  it('summarises arguments on one bounded line', () => {
    expect(summarize({ trip_id: 3, title: 'Tile museum', tags: ['a', 'b'], when: { d: 1 } })).toBe('trip_id: 3, title: "Tile museum", tags: [2], when: {…}');
    expect(summarize({})).toBe('');
    expect(summarize(undefined)).toBe('');
    expect(summarize({ title: 'x'.repeat(500) }).length).toBeLessThanOrEqual(120);
    expect(summarize({ a: 'y'.repeat(300), b: 1 }, 30)).toHaveLength(30);
  });

  it('a tool error that is not the API\'s JSON keeps the SDK\'s words', () => {
    expect(toolErrorOf('Model tried to call unavailable tool "fly"')).toEqual({ code: 'tool_error', message: 'Model tried to call unavailable tool "fly"', hint: null });
  });

  it('turns that did not complete say why, with the stored error', () => {
    expect(turnProblem({ status: 'complete' })).toBeNull();
    expect(turnProblem(undefined)).toBeNull();
    expect(turnProblem({ status: 'interrupted' })).toBe('Interrupted: the answer was stopped; the text so far is kept');
    expect(turnProblem({ status: 'error', error: { code: 'upstream_failed', message: 'the model provider answered HTTP 500' } })).toBe('Failed: the model provider answered HTTP 500');
  });

  it('a trip\'s panel lists the conversations opened from it', () => {
    const s = (id: string, context_data: unknown) => ({ id, context_data }) as Parameters<typeof sessionsFor>[0][number];
    const all = [s('a', { trip_id: 3 }), s('b', {}), s('c', null), s('d', { trip_id: 4 })];
    expect(sessionsFor(all, 3).map((x) => x.id)).toEqual(['a']);
    expect(sessionsFor(all).map((x) => x.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});
