/**
 * The assistant's tools, one registry for every adapter (the chat turn through the AI SDK, MCP):
 * each tool is a name outside clients depend on, a description written for a model, a zod input
 * schema (its JSON Schema is derived from it), and a handler that works through the feature
 * services as the caller, inside the caller's transaction (ToolContext) — never as service_role,
 * never with SQL of its own.
 */
import { z } from 'zod';
import type { Caller, Tx } from '../../db/transaction.ts';
import type { MemoryAccess } from '../../memory/memory.access.ts';
import { invalidArguments, toolFailureOf } from './tool-errors.ts';

/** Everything a handler may use: who calls, their transaction, the memory feature. */
export interface ToolContext {
  /** The caller (a signed-in user; tool contexts are never made for other roles). */
  readonly userId: string;
  /** The same caller as the transaction's (role and claims), for the feature services' rules. */
  readonly caller: Caller;
  /** One transaction as the caller, under RLS (READ ONLY for tools that only read). */
  tx<T>(fn: (trx: Tx) => Promise<T>, opts: { readOnly: boolean }): Promise<T>;
  readonly memory: MemoryAccess;
  /** Unexpected failures (bugs, an unreachable database) are logged here; the model sees a code. */
  logError?(err: unknown, msg: string): void;
}

export interface ToolDef<S extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  input: S;
  /** Only reads: runs READ ONLY, and MCP clients see readOnlyHint. */
  readOnly: boolean;
  /** Deletes something: the chat turn asks the user first; MCP clients see destructiveHint. */
  destructive: boolean;
  run(ctx: ToolContext, input: z.output<S>): Promise<Record<string, unknown>>;
}

/** Keeps each tool's input type tied to its schema. */
export const defineTool = <S extends z.ZodType>(def: ToolDef<S>): ToolDef => def as unknown as ToolDef;

/** The tool's input as JSON Schema (what a model or an MCP client is shown). */
export function inputJsonSchema(def: ToolDef): Record<string, unknown> {
  const { $schema: _drop, ...schema } = z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return schema;
}

/**
 * Validates the arguments and runs the tool. Every failure — bad arguments, not found (RLS
 * hides it), a constraint, a domain rule — is thrown as a ToolFailure: a structured error the
 * model can read and recover from.
 */
export async function runTool(ctx: ToolContext, def: ToolDef, args: unknown): Promise<Record<string, unknown>> {
  const parsed = def.input.safeParse(args ?? {});
  if (!parsed.success) throw invalidArguments(def.name, parsed.error);
  try {
    return await def.run(ctx, parsed.data);
  } catch (e) {
    throw toolFailureOf(e, ctx);
  }
}

// ---- shared input fields ------------------------------------------------------------------------

const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const tripIdField = positiveId.describe('the trip id (from list_trips or create_trip)');
export const itemIdField = positiveId.describe('the itinerary item id (from get_trip)');
