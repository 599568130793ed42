/**
 * The AI SDK's own mock language model, scripted: each call to the model streams the next step
 * of the script (a list of stream parts, or a function of the prompt). Records every prompt.
 */
import type { LanguageModelV3CallOptions, LanguageModelV3Prompt, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { convertArrayToReadableStream, MockLanguageModelV3 } from 'ai/test';

export type Step = LanguageModelV3StreamPart[] | ((prompt: LanguageModelV3Prompt) => LanguageModelV3StreamPart[]);

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

export const finish = (reason: 'stop' | 'tool-calls', input = 10, output = 5): LanguageModelV3StreamPart => ({
  type: 'finish', usage: usage(input, output), finishReason: { unified: reason, raw: reason },
});

export const say = (...deltas: string[]): LanguageModelV3StreamPart[] => [
  { type: 'text-start', id: 't' },
  ...deltas.map((delta) => ({ type: 'text-delta' as const, id: 't', delta })),
  { type: 'text-end', id: 't' },
  finish('stop'),
];

let calls = 0;
export const call = (toolName: string, input: unknown): LanguageModelV3StreamPart => ({
  type: 'tool-call', toolCallId: `call_${++calls}`, toolName, input: typeof input === 'string' ? input : JSON.stringify(input),
});

export const toolStep = (...parts: LanguageModelV3StreamPart[]): LanguageModelV3StreamPart[] => [...parts, finish('tool-calls')];

export interface ScriptedModel {
  model: MockLanguageModelV3;
  prompts: LanguageModelV3Prompt[];
  /** Adds steps for the next calls. */
  push(...steps: Step[]): void;
}

export function scriptedModel(...initial: Step[]): ScriptedModel {
  const queue: Step[] = [...initial];
  const prompts: LanguageModelV3Prompt[] = [];
  const model = new MockLanguageModelV3({
    provider: 'mock-provider',
    modelId: 'mock-model',
    doStream: async (opts: LanguageModelV3CallOptions) => {
      prompts.push(opts.prompt);
      const step = queue.shift();
      if (!step) throw new Error('the scripted model has no step left');
      return { stream: convertArrayToReadableStream(typeof step === 'function' ? step(opts.prompt) : step) };
    },
  });
  return { model, prompts, push: (...steps) => queue.push(...steps) };
}

/** The last tool result the model was shown for a tool call, as the model saw it. */
export function toolResultIn(prompt: LanguageModelV3Prompt, toolName: string): unknown {
  const results = prompt.flatMap((m) => (m.role === 'tool' ? m.content : [])).filter((p) => p.type === 'tool-result' && p.toolName === toolName);
  const last = results.at(-1) as { output: { type: string; value: unknown } } | undefined;
  if (!last) return undefined;
  return last.output.type === 'error-text' ? JSON.parse(String(last.output.value)) : last.output;
}
