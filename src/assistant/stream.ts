/**
 * One model run of a turn: streamText with the tools (at most N steps, a timeout per provider
 * call, bounded retries with backoff on 429/5xx — the AI SDK's, which honours Retry-After), its
 * output as the AI SDK's UI message stream. Every chunk goes to the client as it is produced; the
 * final `finish` chunk is held back so the caller can add the stored message's metadata to it.
 * When the client goes away the provider call is aborted, and the partial message is returned.
 */
import {
  APICallError, RetryError, stepCountIs, streamText,
  type LanguageModelUsage, type ModelMessage, type ToolSet, type UIMessage, type UIMessageChunk,
} from 'ai';
import type { ResolvedModel } from './provider.ts';
import { ToolFailure } from './tools/index.ts';

export interface RunSettings {
  maxSteps: number;
  maxRetries: number;
  timeoutMs: number;
}

export interface RunInput {
  resolved: ResolvedModel;
  system: string;
  messages: ModelMessage[];
  tools: ToolSet;
  /** The id of the stored assistant message (the stream's `start` chunk carries it). */
  messageId: string;
  /** On resumption: the paused message, which this run extends. */
  original?: UIMessage;
  settings: RunSettings;
}

export interface RunIO {
  write?(chunk: UIMessageChunk): void;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
}

export type RunEnd = 'finished' | 'client_gone' | 'timed_out' | 'failed';

export interface ProviderFailure {
  code: 'upstream_failed' | 'upstream_timeout';
  message: string;
}

export interface RunOutcome {
  message: UIMessage;
  end: RunEnd;
  failure?: ProviderFailure;
  usage: LanguageModelUsage | undefined;
  steps: number;
  finishReason: string | null;
  latencyMs: number;
  /** The held-back `finish` chunk (absent when the run did not finish). */
  finishChunk?: UIMessageChunk;
  /** The model messages this run added (for a turn that pauses for approval). */
  responseMessages(): Promise<ModelMessage[]>;
}

const isTimeout = (e: unknown) => e instanceof Error && (e.name === 'TimeoutError' || /timeout/i.test(e.message));

/** A provider error in words for the client and the stored message (never a stack trace). */
export function providerFailure(e: unknown): ProviderFailure {
  const last = RetryError.isInstance(e) ? e.lastError : e;
  const attempts = RetryError.isInstance(e) ? ` (after ${e.errors.length} attempts)` : '';
  if (APICallError.isInstance(last)) {
    const status = last.statusCode ? `HTTP ${last.statusCode}` : 'an error';
    return { code: 'upstream_failed', message: `the model provider answered ${status}${attempts}: ${last.message}` };
  }
  if (isTimeout(last)) return { code: 'upstream_timeout', message: `the model provider did not answer in time${attempts}` };
  return { code: 'upstream_failed', message: `the model provider failed${attempts}: ${last instanceof Error ? last.message : String(last)}` };
}

/** The error text of a UI stream `error` / tool `output-error` chunk. */
function errorText(e: unknown): string {
  if (e instanceof ToolFailure) return e.message; // structured JSON, as the model saw it
  if (e instanceof Error && /^AI_(NoSuchToolError|InvalidToolInputError)$/.test(e.name)) return e.message;
  return providerFailure(e).message;
}

const sum = (a: number | undefined, b: number | undefined) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));

export async function runModel(input: RunInput, io: RunIO): Promise<RunOutcome> {
  const started = performance.now();
  const abort = new AbortController();
  let clientGone = false;
  const gone = () => {
    clientGone = true;
    abort.abort();
  };
  if (io.signal?.aborted) gone();
  else io.signal?.addEventListener('abort', gone, { once: true });

  let usage: LanguageModelUsage | undefined;
  let steps = 0;
  let failed: unknown;
  const result = streamText({
    model: input.resolved.model,
    system: input.system,
    messages: input.messages,
    tools: input.tools,
    stopWhen: stepCountIs(input.settings.maxSteps),
    maxRetries: input.settings.maxRetries,
    timeout: { stepMs: input.settings.timeoutMs },
    abortSignal: abort.signal,
    onStepFinish: (s) => {
      steps++;
      usage = {
        ...s.usage,
        inputTokens: sum(usage?.inputTokens, s.usage.inputTokens),
        outputTokens: sum(usage?.outputTokens, s.usage.outputTokens),
        totalTokens: sum(usage?.totalTokens, s.usage.totalTokens),
      };
    },
    onError: ({ error }) => {
      failed = error;
    },
  });

  let message: UIMessage | undefined;
  let finishReason: string | null = null;
  let timedOut = false;
  let finishChunk: UIMessageChunk | undefined;
  const stream = result.toUIMessageStream({
    originalMessages: input.original ? [input.original] : [],
    generateMessageId: () => input.messageId,
    sendReasoning: false,
    onError: errorText,
    onFinish: (e) => {
      message = e.responseMessage;
      finishReason = e.finishReason ?? null;
    },
  });
  for await (const chunk of stream) {
    if (chunk.type === 'finish') {
      finishChunk = chunk;
      continue;
    }
    if (chunk.type === 'abort' && !clientGone) {
      // Not the client: the step timeout aborted the call. The client is told as an error.
      timedOut = true;
      io.write?.({ type: 'error', errorText: `the model provider did not answer within ${input.settings.timeoutMs} ms` });
      continue;
    }
    if (!clientGone) io.write?.(chunk);
  }
  io.signal?.removeEventListener('abort', gone);

  const end: RunEnd = clientGone ? 'client_gone' : timedOut ? 'timed_out' : failed !== undefined ? 'failed' : 'finished';
  const failure =
    end === 'timed_out' ? { code: 'upstream_timeout' as const, message: `the model provider did not answer within ${input.settings.timeoutMs} ms` }
    : end === 'failed' ? providerFailure(failed)
    : undefined;
  return {
    message: message ?? input.original ?? { id: input.messageId, role: 'assistant', parts: [] },
    end,
    failure,
    usage,
    steps,
    finishReason,
    latencyMs: Math.round(performance.now() - started),
    finishChunk: end === 'finished' ? finishChunk : undefined,
    responseMessages: async () => (await result.response).messages,
  };
}
