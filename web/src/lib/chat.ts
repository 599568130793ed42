/**
 * The assistant's conversation without the DOM: the reply endpoint's body from the chat's
 * messages, stored messages as the AI SDK's UI messages, and how a tool call and a turn read to
 * the user. docs/assistant.md describes the wire shapes.
 */
import { getToolName, isToolUIPart, type UIMessage } from 'ai';
import type { ChatMessageRow, ChatSession } from '../api/types.ts';

/** What the panel keeps of a turn's metadata (the stream's finish chunk, or the stored row's). */
export interface TurnMeta {
  status?: string;
  error?: { code?: string; message?: string };
}
export type ChatUIMessage = UIMessage<TurnMeta>;
type Part = ChatUIMessage['parts'][number];
export type ToolPart = Extract<Part, { toolCallId: string }>;

export type ReplyBody = { content: string } | { approvals: { approval_id: string; approved: boolean; reason?: string }[] };

/**
 * The body of POST /chat/sessions/{id}/reply: the server keeps the history, so a new user message
 * is sent as its text, and a paused turn's answered approvals as {approvals}.
 */
export function replyBody(messages: readonly ChatUIMessage[]): ReplyBody {
  const last = messages.at(-1);
  if (!last || last.role === 'user') {
    return { content: (last?.parts ?? []).flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n') };
  }
  return {
    approvals: last.parts.flatMap((p) =>
      isToolUIPart(p) && p.state === 'approval-responded'
        ? [{ approval_id: p.approval.id, approved: p.approval.approved, ...(p.approval.reason ? { reason: p.approval.reason } : {}) }]
        : []),
  };
}

interface StoredToolCall {
  tool_call_id: string;
  name: string;
  arguments: unknown;
  status: string;
  result?: unknown;
  error?: unknown;
}
interface StoredMeta extends TurnMeta {
  tool_calls?: StoredToolCall[];
  // While a turn awaits approval, the ids to answer with (docs/assistant.md, "What is stored").
  pending?: { approvals?: { approval_id: string; tool_call_id: string }[] };
}

function storedToolPart(c: StoredToolCall, approvalIds: Map<string, string>): Part {
  const base = { type: 'dynamic-tool' as const, toolName: c.name, toolCallId: c.tool_call_id, input: c.arguments };
  switch (c.status) {
    case 'ok':
      return { ...base, state: 'output-available', output: c.result };
    case 'error':
      return { ...base, state: 'output-error', errorText: JSON.stringify({ error: c.error }) };
    case 'denied':
      return { ...base, state: 'output-denied', approval: { id: '', approved: false } };
    case 'awaiting_approval': {
      const id = approvalIds.get(c.tool_call_id);
      if (id) return { ...base, state: 'approval-requested', approval: { id } };
      return { ...base, state: 'input-available' };
    }
    default: // not_run: the turn stopped (or was superseded) before it ran
      return { ...base, state: 'input-available' };
  }
}

/** A session's stored messages as the chat's UI messages: each turn's tool calls, then its text. */
export function uiMessagesOf(rows: readonly ChatMessageRow[]): ChatUIMessage[] {
  return rows.flatMap((r): ChatUIMessage[] => {
    if (r.role === 'system') return [];
    const meta = (r.metadata ?? {}) as StoredMeta;
    const approvalIds = new Map((meta.pending?.approvals ?? []).map((a) => [a.tool_call_id, a.approval_id]));
    const parts: Part[] = r.role === 'assistant' ? (meta.tool_calls ?? []).map((c) => storedToolPart(c, approvalIds)) : [];
    if (r.content) parts.push({ type: 'text', text: r.content, state: 'done' });
    const metadata: TurnMeta = r.role === 'assistant' ? { status: meta.status, error: meta.error } : {};
    return [{ id: r.id, role: r.role as 'user' | 'assistant', parts, metadata }];
  });
}

/** A short one-line summary of a value: `item_id: 42, title: "Tile museum"`. */
export function summarize(value: unknown, max = 120): string {
  const one = (v: unknown): string => {
    if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v);
    if (Array.isArray(v)) return `[${v.length}]`;
    if (v && typeof v === 'object') return '{…}';
    return String(v);
  };
  const text = value && typeof value === 'object' && !Array.isArray(value)
    ? Object.entries(value).map(([k, v]) => `${k}: ${one(v)}`).join(', ')
    : value === undefined ? '' : one(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface ToolError {
  code: string;
  message: string;
  hint: string | null;
}

/** A tool's errorText: the API's `{"error":{code,message,hint}}` JSON, or the AI SDK's words. */
export function toolErrorOf(errorText: string): ToolError {
  try {
    const e = (JSON.parse(errorText) as { error?: Record<string, unknown> }).error;
    if (e && typeof e === 'object') {
      return { code: String(e.code ?? 'tool_error'), message: String(e.message ?? errorText), hint: typeof e.hint === 'string' ? e.hint : null };
    }
  } catch {
    // not JSON: fall through
  }
  return { code: 'tool_error', message: errorText, hint: null };
}

export type ToolStatus = 'preparing' | 'running' | 'awaiting approval' | 'approved' | 'declined' | 'done' | 'failed' | 'not run';

/** Where a tool call stands, in words (`live`: the turn is still running). */
export function toolStatus(part: ToolPart, live: boolean): ToolStatus {
  switch (part.state) {
    case 'input-streaming':
      return 'preparing';
    case 'input-available':
      return live ? 'running' : 'not run';
    case 'approval-requested':
      return 'awaiting approval';
    case 'approval-responded':
      return part.approval.approved ? 'approved' : 'declined';
    case 'output-available':
      return 'done';
    case 'output-denied':
      return 'declined';
    default:
      return 'failed';
  }
}

export const toolNameOf = (part: ToolPart): string => getToolName(part);

/** A turn that did not complete: a label, and the words used when the turn stored no error. */
const PROBLEMS: Record<string, [string, string]> = {
  interrupted: ['Interrupted', 'the answer was stopped; the text so far is kept'],
  timed_out: ['Timed out', 'the model provider did not answer in time'],
  error: ['Failed', 'the model provider failed'],
  superseded: ['Not finished', 'a new message was sent instead of answering the approval'],
};

/** The words for a turn that did not complete (null when it did, or is still going). */
export function turnProblem(meta: TurnMeta | undefined): string | null {
  const problem = meta?.status ? PROBLEMS[meta.status] : undefined;
  if (!problem) return null;
  return `${problem[0]}: ${meta?.error?.message ?? problem[1]}`;
}

/** The sessions opened from a trip's page (context_data.trip_id), or every session. */
export function sessionsFor(sessions: readonly ChatSession[], tripId?: number): ChatSession[] {
  if (tripId === undefined) return [...sessions];
  return sessions.filter((s) => (s.context_data as { trip_id?: unknown } | null)?.trip_id === tripId);
}
