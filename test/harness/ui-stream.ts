/**
 * Reading the assistant's HTTP answer: the UI message stream's SSE events as chunks.
 */
import type { UIMessageChunk } from 'ai';

/** The `data:` events of an SSE body; the last must be `[DONE]`. */
export function sseChunks(body: string): { chunks: UIMessageChunk[]; done: boolean } {
  const events = body.split('\n\n').filter((e) => e.trim()).map((e) => e.replace(/^data: /, ''));
  const done = events.at(-1) === '[DONE]';
  return { chunks: events.filter((e) => e !== '[DONE]').map((e) => JSON.parse(e) as UIMessageChunk), done };
}

export const textOfChunks = (chunks: UIMessageChunk[]) =>
  chunks.flatMap((c) => (c.type === 'text-delta' ? [c.delta] : [])).join('');
