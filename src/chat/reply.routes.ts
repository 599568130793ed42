/**
 * POST /api/v1/chat/sessions/{id}/reply: one assistant turn (docs/assistant.md). By default the
 * answer streams as the AI SDK's UI message stream (text/event-stream, the headers its `useChat`
 * expects); with `Accept: application/json` the finished turn comes back as one object. Errors
 * found before the model runs (404, 400, 409, 429, 503) are ordinary JSON errors; once streaming,
 * a provider failure is an `error` chunk. A client that disconnects aborts the provider call; the
 * partial answer is stored, marked interrupted.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { JsonToSseTransformStream, UI_MESSAGE_STREAM_HEADERS, type UIMessageChunk } from 'ai';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { requestToolContext } from '../assistant/tools/context.ts';
import { runTurn, type AssistantDeps, type TurnRequest } from '../assistant/turn.ts';
import { DomainError } from '../domain/errors.ts';
import { text, uuid } from '../http/schemas.ts';
import { messageRow } from './chat.routes.ts';

export const MAX_REPLY_CHARS = 20_000;

const approval = z.strictObject({
  approval_id: text(200).describe('from the tool-approval-request chunk (or pending_approvals)'),
  approved: z.boolean(),
  reason: text(1000).optional().describe('shown to the model when declined'),
});
const replyBody = z.union([
  z.strictObject({ content: text(MAX_REPLY_CHARS).describe('the user\'s message') }),
  z.strictObject({ approvals: z.array(approval).min(1).max(32).describe('answers to every pending approval of the session') }),
]);
const pendingApproval = z.object({ approval_id: z.string(), tool_call_id: z.string(), tool_name: z.string(), input: z.unknown() });
const turnResult = z.object({
  session: z.object({ id: uuid, title: z.string() }),
  user_message: messageRow.nullable(),
  assistant_message: messageRow,
  status: z.enum(['complete', 'awaiting_approval', 'interrupted', 'timed_out', 'error', 'superseded']),
  pending_approvals: z.array(pendingApproval),
});

interface EventStream {
  write(chunk: UIMessageChunk): void;
  end(): void;
}

/** Starts the SSE response: UI message chunks as `data:` events, then `data: [DONE]`. */
function openEventStream(reply: FastifyReply): EventStream {
  let controller!: ReadableStreamDefaultController<UIMessageChunk>;
  let open = true;
  const chunks = new ReadableStream<UIMessageChunk>({
    start: (c) => void (controller = c),
    cancel: () => void (open = false),
  });
  const bytes = chunks.pipeThrough(new JsonToSseTransformStream()).pipeThrough(new TextEncoderStream());
  reply.headers(UI_MESSAGE_STREAM_HEADERS).send(Readable.fromWeb(bytes as unknown as NodeReadableStream));
  return {
    write: (chunk) => open && controller.enqueue(chunk),
    end: () => {
      if (open) controller.close();
      open = false;
    },
  };
}

const wantsJson = (accept: string | undefined) => !!accept && accept.includes('application/json') && !accept.includes('text/event-stream');

export function registerReplyRoutes(app: FastifyInstance, deps: AssistantDeps): void {
  app.post('/api/v1/chat/sessions/:id/reply', {
    config: {
      rateLimit: {
        max: deps.config.assistantRateLimitPerMinute,
        timeWindow: '1 minute',
        hook: 'preHandler',
        keyGenerator: (req) => `assistant:${String(req.caller.claims.sub ?? req.ip)}`,
      },
    },
    schema: {
      tags: ['chat'], security: [{ bearer: [] }],
      summary: 'The assistant answers: send {content} (a new message) or {approvals} (answers to a paused turn). Streams the AI SDK UI message stream (text/event-stream) unless Accept: application/json',
      params: z.object({ id: uuid }), body: replyBody, response: { 200: turnResult },
    },
  }, async (req, reply) => {
    const ctx = requestToolContext(req, deps.memory);
    const sessionId = (req.params as { id: string }).id;
    const body = req.body as TurnRequest;
    const disconnect = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) disconnect.abort();
    });

    if (wantsJson(req.headers.accept)) {
      const result = await runTurn(deps, ctx, sessionId, body, { signal: disconnect.signal });
      if (result.failure) {
        throw new DomainError(result.failure.code, result.failure.code, result.failure.message, {
          details: { message_id: result.assistant_message.id },
          hint: 'the partial answer is stored with this message id; try again, or check the TRIPSAGE_LLM_* settings (docs/assistant.md)',
        });
      }
      return result;
    }

    // Headers go out with the first chunk, so that errors found before it stay plain JSON errors.
    let stream: EventStream | undefined;
    const write = (chunk: UIMessageChunk) => (stream ??= openEventStream(reply)).write(chunk);
    try {
      await runTurn(deps, ctx, sessionId, body, { write, signal: disconnect.signal });
    } catch (e) {
      if (!stream) throw e;
      req.log.error({ err: e }, 'assistant turn failed while streaming');
      stream.write({ type: 'error', errorText: 'the turn failed on the server; the request id is in x-request-id' });
    }
    stream?.end();
    return reply;
  });
}
