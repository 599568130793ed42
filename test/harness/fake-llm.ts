/**
 * A local stand-in for an LLM provider that speaks the OpenAI-compatible protocol:
 * POST /v1/chat/completions with `stream: true` answered as server-sent chat.completion.chunk
 * events, scripted one response per request. Records every request (headers and body) and
 * whether the client aborted it. Nothing here reaches the internet.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: { model: string; stream: boolean; messages: Array<{ role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }>; tools?: Array<{ function: { name: string } }> };
  /** Resolves when the client closed the connection before the response ended. */
  aborted: Promise<void>;
}

export type Responder = (req: FakeRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeLlm {
  /** The base URL to configure (TRIPSAGE_LLM_BASE_URL), ending in /v1. */
  baseUrl: string;
  requests: FakeRequest[];
  push(...responders: Responder[]): void;
  close(): Promise<void>;
}

let seq = 0;
const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: `chatcmpl-${++seq}`, object: 'chat.completion.chunk', created: 1_700_000_000, model: 'fake-model',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const usage = { id: 'chatcmpl-usage', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'fake-model', choices: [], usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 } };

function sse(res: ServerResponse, events: unknown[], end = true): void {
  if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
  if (end) res.end('data: [DONE]\n\n');
}

/** A streamed text answer. */
export const text = (...deltas: string[]): Responder => (_req, res) =>
  sse(res, [chunk({ role: 'assistant', content: '' }), ...deltas.map((d) => chunk({ content: d })), chunk({}, 'stop'), usage]);

/** Streamed tool calls; `args` is sent as given when a string (so it can be malformed), else as JSON. */
export const toolCalls = (...calls: Array<{ name: string; args: unknown }>): Responder => (_req, res) =>
  sse(res, [
    chunk({ role: 'assistant', content: null }),
    ...calls.flatMap((c, index) => {
      const args = typeof c.args === 'string' ? c.args : JSON.stringify(c.args);
      const id = `call_${++seq}`;
      // The arguments arrive in two pieces, as real providers stream them.
      return [
        chunk({ tool_calls: [{ index, id, type: 'function', function: { name: c.name, arguments: args.slice(0, 5) } }] }),
        chunk({ tool_calls: [{ index, function: { arguments: args.slice(5) } }] }),
      ];
    }),
    chunk({}, 'tool_calls'),
    usage,
  ]);

/** An HTTP error (OpenAI's error body), with extra headers such as retry-after-ms. */
export const status = (code: number, headers: Record<string, string> = {}): Responder => (_req, res) => {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { message: `fake provider says ${code}`, type: code === 429 ? 'rate_limit_exceeded' : 'server_error' } }));
};

/** Never answers (until the client gives up). */
export const hang = (): Responder => (req) => req.aborted;

/** Streams `first`, then waits until the client goes away. */
export const firstThenWait = (first: string): Responder => async (req, res) => {
  sse(res, [chunk({ role: 'assistant', content: '' }), chunk({ content: first })], false);
  await req.aborted;
};

export async function startFakeLlm(): Promise<FakeLlm> {
  const queue: Responder[] = [];
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const aborted = new Promise<void>((r) => res.on('close', () => !res.writableFinished && r()));
      const fake: FakeRequest = { path: req.url ?? '', headers: req.headers, body: JSON.parse(raw || '{}'), aborted };
      requests.push(fake);
      const next = queue.shift();
      if (!next || req.url !== '/v1/chat/completions') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `the fake provider has no scripted answer for ${req.url}` } }));
        return;
      }
      void next(fake, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    push: (...r) => queue.push(...r),
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
