/**
 * Preparing a turn's model run. A new message: the user's memories are recalled, an approval
 * left unanswered is set aside, the message is stored, and the prompt is built from the recent
 * history. An answer to approvals: the paused message is found and the answers checked against
 * what it asked, and the paused run's own messages are replayed with the answers appended.
 */
import { randomUUID } from 'node:crypto';
import type { ModelMessage, UIMessage } from 'ai';
import {
  completePausedMessage, insertMessage, lastAssistantMessageWithStatus, recentMessages, type MessageRow,
} from '../chat/chat.repo.ts';
import type { Tx } from '../db/transaction.ts';
import { conflict, invalid } from '../domain/errors.ts';
import { prepareSearch, runSearch } from '../memory/memory.service.ts';
import { HISTORY_MESSAGES, turnMessages, type RecalledMemory } from './prompt.ts';
import type { ToolContext } from './tools/index.ts';
import type { TurnMetadata } from './turn-record.ts';

/** Memories recalled for each new message. */
export const MEMORIES_PER_TURN = 5;

export interface ApprovalAnswer {
  approval_id: string;
  approved: boolean;
  reason?: string;
}

export interface TurnPlan {
  sessionId: string;
  /** The assistant message's id: new, or the paused message's. */
  messageId: string;
  prompt: ModelMessage[];
  /** Resumption: the paused message (stored and as streamed). */
  paused?: { row: MessageRow; ui: UIMessage; metadata: TurnMetadata };
  /** Model messages after the user's message that precede this run (resumption). */
  priorModelMessages: ModelMessage[];
  memories: RecalledMemory[];
  memoriesError?: string;
  userMessage: MessageRow | null;
  userContent: string;
}

async function recall(ctx: ToolContext, content: string): Promise<{ memories: RecalledMemory[]; error?: string }> {
  if (await ctx.memory.whyDisabled()) return { memories: [] };
  try {
    const request = { query: content, limit: MEMORIES_PER_TURN };
    const q = await prepareSearch(ctx.memory.embedderFor(ctx.userId), request);
    const hits = await ctx.tx((trx) => runSearch(trx, q, request), { readOnly: true });
    return { memories: hits.map((h) => ({ id: h.id, content_type: h.content_type, content_text: h.content_text, similarity: h.similarity })) };
  } catch (e) {
    // The turn goes on without memories; the stored message says why.
    return { memories: [], error: e instanceof Error ? e.message : String(e) };
  }
}

/** An approval never answered: the user moved on, so the tool never runs. */
async function supersedePending(trx: Tx, sessionId: string): Promise<void> {
  const paused = await lastAssistantMessageWithStatus(trx, sessionId, 'awaiting_approval');
  if (!paused) return;
  const { pending: _pending, ...meta } = paused.metadata as unknown as TurnMetadata;
  const tool_calls = meta.tool_calls.map((c) => (c.status === 'awaiting_approval' ? { ...c, status: 'not_run' as const } : c));
  await completePausedMessage(trx, paused.id, { content: paused.content, metadata: { ...meta, status: 'superseded', tool_calls } });
}

export async function planNewMessage(ctx: ToolContext, sessionId: string, content: string): Promise<TurnPlan> {
  const recalled = await recall(ctx, content);
  const { history, userMessage } = await ctx.tx(async (trx) => {
    await supersedePending(trx, sessionId);
    const history = await recentMessages(trx, sessionId, HISTORY_MESSAGES);
    const userMessage = await insertMessage(trx, { session_id: sessionId, role: 'user', content, metadata: {} });
    return { history, userMessage };
  }, { readOnly: false });
  return {
    sessionId,
    messageId: randomUUID(),
    prompt: turnMessages(history, recalled.memories, content),
    priorModelMessages: [],
    memories: recalled.memories,
    memoriesError: recalled.error,
    userMessage,
    userContent: content,
  };
}

function checkAnswers(pendingIds: string[], answers: ApprovalAnswer[]): void {
  const known = new Set(pendingIds);
  const given = new Set(answers.map((a) => a.approval_id));
  const unknown = answers.filter((a) => !known.has(a.approval_id)).map((a) => a.approval_id);
  const missing = pendingIds.filter((id) => !given.has(id));
  if (unknown.length || missing.length || given.size !== answers.length) {
    throw invalid('invalid_approvals', 'answer each pending approval exactly once', {
      details: { pending: pendingIds, unknown, missing },
      hint: 'send {"approvals":[{"approval_id":"…","approved":true|false}]} with every id in pending',
    });
  }
}

/** The paused UI message with the user's answers recorded on its tool parts. */
function answered(ui: UIMessage, answers: ApprovalAnswer[]): UIMessage {
  const byId = new Map(answers.map((a) => [a.approval_id, a]));
  const copy = structuredClone(ui);
  for (const p of copy.parts as Array<Record<string, unknown>>) {
    const approval = p.approval as { id: string } | undefined;
    const a = approval && p.state === 'approval-requested' ? byId.get(approval.id) : undefined;
    if (!a) continue;
    p.state = 'approval-responded';
    p.approval = { id: a.approval_id, approved: a.approved, ...(a.reason ? { reason: a.reason } : {}) };
  }
  return copy;
}

export async function planResumption(ctx: ToolContext, sessionId: string, answers: ApprovalAnswer[]): Promise<TurnPlan> {
  return ctx.tx(async (trx) => {
    const row = await lastAssistantMessageWithStatus(trx, sessionId, 'awaiting_approval');
    const metadata = row?.metadata as unknown as TurnMetadata | undefined;
    if (!row || !metadata?.pending) {
      throw conflict('no_pending_approval', 'nothing in this chat session is waiting for approval', { hint: 'send {"content":"…"} to continue the conversation' });
    }
    const pending = metadata.pending;
    checkAnswers(pending.approvals.map((a) => a.approval_id), answers);
    const history = await recentMessages(trx, sessionId, HISTORY_MESSAGES, row);
    const last = history.at(-1);
    const [earlier, userContent] = last?.role === 'user' ? [history.slice(0, -1), last.content] : [history, ''];
    const responses: ModelMessage = {
      role: 'tool',
      content: answers.map((a) => ({ type: 'tool-approval-response', approvalId: a.approval_id, approved: a.approved, reason: a.reason })),
    };
    return {
      sessionId,
      messageId: row.id,
      prompt: [...turnMessages(earlier, pending.memories, userContent), ...pending.model_messages, responses],
      paused: { row, ui: answered(pending.ui_message, answers), metadata },
      priorModelMessages: [...pending.model_messages, responses],
      memories: pending.memories,
      memoriesError: metadata.memories_error,
      userMessage: null,
      userContent,
    };
  }, { readOnly: true });
}
