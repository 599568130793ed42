/**
 * What a stored assistant message says about its turn (chat_messages.metadata): status, model,
 * provider, whose key, token usage, latency, steps, and every tool call with its name, arguments,
 * result or error and status — read from the UI message the turn streamed.
 */
import { getToolName, isToolOrDynamicToolUIPart, type LanguageModelUsage, type ModelMessage, type UIMessage } from 'ai';
import type { RecalledMemory } from './prompt.ts';

export type TurnStatus =
  | 'complete'
  | 'awaiting_approval' // paused: a destructive tool waits for the user's answer
  | 'interrupted' // the client went away; the partial answer is kept
  | 'timed_out' // the provider did not answer in time
  | 'error' // the provider failed
  | 'superseded'; // was awaiting approval when the user sent a new message instead

export type ToolCallStatus = 'ok' | 'error' | 'denied' | 'awaiting_approval' | 'not_run';

export interface ToolCallRecord {
  tool_call_id: string;
  name: string;
  arguments: unknown;
  status: ToolCallStatus;
  result?: unknown;
  error?: unknown;
}

export interface UsageRecord {
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
}

export interface PendingApproval {
  approval_id: string;
  tool_call_id: string;
  tool_name: string;
  input: unknown;
}

/** Kept on a message awaiting approval: what resuming the turn needs. Removed once answered. */
export interface PendingTurn {
  approvals: PendingApproval[];
  /** The model messages of the paused turn after the user's message. */
  model_messages: ModelMessage[];
  /** The streamed UI message so far (the continuation extends it). */
  ui_message: UIMessage;
  /** The memories the turn was given (re-sent as context on resumption). */
  memories: RecalledMemory[];
}

export interface TurnMetadata {
  status: TurnStatus;
  model: string;
  provider: string;
  key: 'server' | 'user';
  usage: UsageRecord;
  latency_ms: number;
  steps: number;
  finish_reason: string | null;
  tool_calls: ToolCallRecord[];
  memories: { id: string; similarity: number }[];
  memories_error?: string;
  error?: { code: string; message: string };
  pending?: PendingTurn;
}

const add = (a: number | null | undefined, b: number | null | undefined) => (a == null && b == null ? null : (a ?? 0) + (b ?? 0));

export function usageRecord(u: LanguageModelUsage | undefined, prior?: UsageRecord): UsageRecord {
  return {
    input_tokens: add(u?.inputTokens, prior?.input_tokens),
    output_tokens: add(u?.outputTokens, prior?.output_tokens),
    total_tokens: add(u?.totalTokens, prior?.total_tokens),
  };
}

/** A tool's error text: our structured `{error}` JSON, or the AI SDK's plain words. */
function errorOf(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (parsed && typeof parsed === 'object' && parsed.error) return parsed.error;
  } catch {
    // not JSON: the SDK's own message (unknown tool, unparsable arguments)
  }
  return { code: 'tool_error', message: text };
}

export function toolCallsOf(message: UIMessage): ToolCallRecord[] {
  const out: ToolCallRecord[] = [];
  for (const p of message.parts) {
    if (!isToolOrDynamicToolUIPart(p)) continue;
    const base = { tool_call_id: p.toolCallId, name: getToolName(p), arguments: p.input ?? ('rawInput' in p ? p.rawInput : undefined) ?? null };
    switch (p.state) {
      case 'output-available':
        out.push({ ...base, status: 'ok', result: p.output });
        break;
      case 'output-error':
        out.push({ ...base, status: 'error', error: errorOf(p.errorText) });
        break;
      case 'output-denied':
        out.push({ ...base, status: 'denied' });
        break;
      case 'approval-requested':
        out.push({ ...base, status: 'awaiting_approval' });
        break;
      default:
        out.push({ ...base, status: 'not_run' });
    }
  }
  return out;
}

export function pendingApprovalsOf(message: UIMessage): PendingApproval[] {
  return message.parts.flatMap((p) =>
    isToolOrDynamicToolUIPart(p) && p.state === 'approval-requested'
      ? [{ approval_id: p.approval.id, tool_call_id: p.toolCallId, tool_name: getToolName(p), input: p.input }]
      : [],
  );
}

/** The answer's text: the text parts, a blank line between parts of different steps. */
export function textOf(message: UIMessage): string {
  return message.parts.flatMap((p) => (p.type === 'text' && p.text.trim() ? [p.text.trim()] : [])).join('\n\n');
}

/** A title from the first message: its first line, at most 80 characters, cut at a word. */
export function titleFrom(content: string): string {
  const line = content.trim().split('\n')[0]!.replace(/\s+/g, ' ').trim();
  if (line.length <= 80) return line || 'Chat';
  const cut = line.slice(0, 80);
  const space = cut.lastIndexOf(' ');
  return `${(space > 40 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
