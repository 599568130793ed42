/**
 * The MCP server of one caller: the assistant's tool registry as MCP tools (annotations say which
 * only read and which delete), and the caller's trips as resources (tripsage://trips/{id}).
 * Every call runs as the caller through the same handlers as the chat turn.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema, ErrorCode, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema, ListToolsRequestSchema,
  McpError, ReadResourceRequestSchema, type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { isDomainError } from '../domain/errors.ts';
import { inputJsonSchema, runTool, toolNamed, TOOLS, type ToolContext } from '../assistant/tools/index.ts';
import { toolFailureOf } from '../assistant/tools/tool-errors.ts';
import { MAX_TRIPS_LISTED, tripOverview } from '../assistant/tools/trip.tools.ts';
import { tripsRepo } from '../trips/trips.repo.ts';

export const TRIP_URI = /^tripsage:\/\/trips\/([1-9]\d{0,15})$/;
/** MCP's "resource not found" error code. */
const RESOURCE_NOT_FOUND = -32002;

const INSTRUCTIONS =
  'TripSage: the user\'s trips, itineraries, bookings, notes, memories and price history. ' +
  'Amounts are exact decimal strings in the trip\'s own unit; dates are YYYY-MM-DD. Errors come back as {error: {code, message, hint}}.';

function listTools() {
  return {
    tools: TOOLS.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: inputJsonSchema(t) as { type: 'object' },
      annotations: { title: t.title, readOnlyHint: t.readOnly, destructiveHint: t.destructive, idempotentHint: t.readOnly, openWorldHint: false },
    })),
  };
}

async function callTool(ctx: ToolContext, name: string, args: unknown): Promise<CallToolResult> {
  const def = toolNamed(name);
  if (!def) throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${name} (tools/list names them)`);
  try {
    const result = await runTool(ctx, def, args);
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
  } catch (e) {
    const failure = toolFailureOf(e, ctx);
    return { isError: true, content: [{ type: 'text', text: failure.message }], structuredContent: { error: failure.body } };
  }
}

async function listTrips(ctx: ToolContext) {
  const page = await ctx.tx((trx) => tripsRepo.list(trx, {
    where: [], order: [{ column: 'start_date', desc: false }, { column: 'id', desc: false }], limit: MAX_TRIPS_LISTED, offset: 0, count: false,
  }), { readOnly: true });
  return {
    resources: page.rows.map((t) => ({
      uri: `tripsage://trips/${t.id}`,
      name: `trip-${t.id}`,
      title: String(t.name),
      description: `${t.destination}, ${t.start_date} to ${t.end_date} (${t.status})`,
      mimeType: 'application/json',
    })),
  };
}

async function readTrip(ctx: ToolContext, uri: string) {
  const m = TRIP_URI.exec(uri);
  if (!m) throw new McpError(RESOURCE_NOT_FOUND, `no such resource: ${uri} (trips are tripsage://trips/{id})`, { uri });
  try {
    const overview = await ctx.tx((trx) => tripOverview(trx, Number(m[1])), { readOnly: true });
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(overview) }] };
  } catch (e) {
    if (isDomainError(e, 'not_found')) throw new McpError(RESOURCE_NOT_FOUND, `trip not found: ${uri}`, { uri });
    throw e;
  }
}

export function mcpServerFor(ctx: ToolContext, version: string): Server {
  const server = new Server({ name: 'tripsage', version }, { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS });
  server.setRequestHandler(ListToolsRequestSchema, async () => listTools());
  server.setRequestHandler(CallToolRequestSchema, async (req) => callTool(ctx, req.params.name, req.params.arguments));
  server.setRequestHandler(ListResourcesRequestSchema, async () => listTrips(ctx));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [{
      uriTemplate: 'tripsage://trips/{trip_id}', name: 'trip', title: 'A trip',
      description: 'One trip with its budget summary, days, flights, stays and transport', mimeType: 'application/json',
    }],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (req) => readTrip(ctx, req.params.uri));
  return server;
}
