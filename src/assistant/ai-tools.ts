/**
 * The registry as AI SDK tools for one caller. The SDK is shown each tool's JSON Schema but does
 * not validate it: the registry's zod schema does (runTool), so a malformed call gets the same
 * structured `invalid_arguments` result everywhere. Destructive tools need the user's approval.
 */
import { jsonSchema, tool, type ToolSet } from 'ai';
import { inputJsonSchema, runTool, TOOLS, type ToolContext } from './tools/index.ts';

export function aiToolsFor(ctx: ToolContext): ToolSet {
  const set: ToolSet = {};
  for (const def of TOOLS) {
    set[def.name] = tool({
      description: def.description,
      inputSchema: jsonSchema<unknown>(inputJsonSchema(def) as Parameters<typeof jsonSchema>[0]),
      needsApproval: def.destructive,
      execute: (input: unknown) => runTool(ctx, def, input),
    });
  }
  return set;
}
