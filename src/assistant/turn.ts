/**
 * The chat turn (POST /api/v1/chat/sessions/{id}/reply, `tripsage chat`): a new user message, or
 * the user's answers to a paused turn's approval requests, in; the assistant's answer streamed
 * out and stored — one assistant message per user message, extended when a paused turn resumes —
 * with what the turn did in its metadata.
 */
import type { Config } from '../config.ts';
import { completePausedMessage, getSession, insertMessage, titleIfDefault, type MessageRow } from '../chat/chat.repo.ts';
import { notFound } from '../domain/errors.ts';
import type { MemoryAccess } from '../memory/memory.access.ts';
import { aiToolsFor } from './ai-tools.ts';
import { systemPrompt } from './prompt.ts';
import type { ModelSource, ResolvedModel } from './provider.ts';
import { runModel, type ProviderFailure, type RunIO, type RunOutcome } from './stream.ts';
import { planNewMessage, planResumption, type ApprovalAnswer, type TurnPlan } from './turn-plan.ts';
import {
  pendingApprovalsOf, textOf, titleFrom, toolCallsOf, usageRecord,
  type PendingApproval, type TurnMetadata, type TurnStatus,
} from './turn-record.ts';
import type { ToolContext } from './tools/index.ts';

export interface AssistantDeps {
  config: Config;
  memory: MemoryAccess;
  models: ModelSource;
}

export type TurnRequest = { content: string } | { approvals: ApprovalAnswer[] };

export interface TurnResult {
  session: { id: string; title: string };
  user_message: MessageRow | null;
  /** The stored assistant message (its metadata without the internal `pending` state). */
  assistant_message: MessageRow;
  status: TurnStatus;
  pending_approvals: PendingApproval[];
  failure?: ProviderFailure;
}

function statusOf(outcome: RunOutcome, approvals: PendingApproval[]): TurnStatus {
  switch (outcome.end) {
    case 'client_gone':
      return 'interrupted';
    case 'timed_out':
      return 'timed_out';
    case 'failed':
      return 'error';
    default:
      return approvals.length ? 'awaiting_approval' : 'complete';
  }
}

async function metadataOf(plan: TurnPlan, resolved: ResolvedModel, outcome: RunOutcome, status: TurnStatus, approvals: PendingApproval[]): Promise<TurnMetadata> {
  const prior = plan.paused?.metadata;
  return {
    status,
    model: resolved.modelId,
    provider: resolved.provider,
    key: resolved.key,
    usage: usageRecord(outcome.usage, prior?.usage),
    latency_ms: outcome.latencyMs + (prior?.latency_ms ?? 0),
    steps: outcome.steps + (prior?.steps ?? 0),
    finish_reason: outcome.finishReason,
    tool_calls: toolCallsOf(outcome.message),
    memories: plan.memories.map((m) => ({ id: m.id, similarity: m.similarity })),
    ...(plan.memoriesError ? { memories_error: plan.memoriesError } : {}),
    ...(outcome.failure ? { error: outcome.failure } : {}),
    ...(status === 'awaiting_approval'
      ? { pending: { approvals, model_messages: [...plan.priorModelMessages, ...(await outcome.responseMessages())], ui_message: outcome.message, memories: plan.memories } }
      : {}),
  };
}

const publicRow = (row: MessageRow): MessageRow => {
  const { pending: _internal, ...metadata } = row.metadata;
  return { ...row, metadata };
};

export async function runTurn(deps: AssistantDeps, ctx: ToolContext, sessionId: string, request: TurnRequest, io: RunIO): Promise<TurnResult> {
  const session = await ctx.tx((trx) => getSession(trx, sessionId), { readOnly: true });
  if (!session) throw notFound('chat session');
  // Checked before anything is stored: a bad answer (400/409), then no model at all (503).
  const resumption = 'approvals' in request ? await planResumption(ctx, sessionId, request.approvals) : undefined;
  const resolved = await deps.models.resolve(ctx.userId);
  const plan = resumption ?? (await planNewMessage(ctx, sessionId, (request as { content: string }).content));

  const outcome = await runModel({
    resolved,
    system: systemPrompt(new Date().toISOString().slice(0, 10)),
    messages: plan.prompt,
    tools: aiToolsFor(ctx),
    messageId: plan.messageId,
    original: plan.paused?.ui,
    settings: { maxSteps: deps.config.assistantMaxSteps, maxRetries: deps.config.llmMaxRetries, timeoutMs: deps.config.llmTimeoutMs },
  }, io);

  const approvals = outcome.end === 'finished' ? pendingApprovalsOf(outcome.message) : [];
  const status = statusOf(outcome, approvals);
  const metadata = await metadataOf(plan, resolved, outcome, status, approvals);
  const content = textOf(outcome.message);
  const { row, title } = await ctx.tx(async (trx) => {
    const row = plan.paused
      ? await completePausedMessage(trx, plan.messageId, { content, metadata: metadata as unknown as Record<string, unknown> })
      : await insertMessage(trx, { id: plan.messageId, session_id: sessionId, role: 'assistant', content, metadata: metadata as unknown as Record<string, unknown> });
    const title = plan.paused ? undefined : await titleIfDefault(trx, sessionId, titleFrom(plan.userContent));
    return { row: row!, title: title ?? (session.title as string) };
  }, { readOnly: false });

  const result: TurnResult = {
    session: { id: sessionId, title },
    user_message: plan.userMessage,
    assistant_message: publicRow(row),
    status,
    pending_approvals: approvals,
    ...(outcome.failure ? { failure: outcome.failure } : {}),
  };
  if (outcome.finishChunk) {
    io.write?.({
      ...outcome.finishChunk,
      messageMetadata: { message_id: row.id, session_id: sessionId, session_title: title, status, pending_approvals: approvals, usage: metadata.usage, model: metadata.model, provider: metadata.provider },
    } as typeof outcome.finishChunk);
  }
  return result;
}
