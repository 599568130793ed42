/**
 * /mcp: the Model Context Protocol over Streamable HTTP (docs/mcp.md), stateless — each POST is
 * one JSON-RPC exchange answered as JSON by a server made for the request's caller, so a desktop
 * client's bearer token decides everything, exactly as for the HTTP API. Without a token: 401;
 * with a non-user token: 403.
 */
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestToolContext } from '../assistant/tools/context.ts';
import { HttpError } from '../http/errors.ts';
import type { MemoryAccess } from '../memory/memory.access.ts';
import { mcpServerFor } from './mcp.server.ts';

export const MCP_PATH = '/mcp';
const VERSION = '1.0.0';

export function registerMcpRoutes(app: FastifyInstance, memory: MemoryAccess): void {
  app.post(MCP_PATH, { schema: { hide: true } }, async (req: FastifyRequest, reply: FastifyReply) => {
    const ctx = requestToolContext(req, memory);
    const server = mcpServerFor(ctx, VERSION);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    // The transport writes the response itself: keep the headers Fastify's hooks set (request id, CORS, security).
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) reply.raw.setHeader(k, v);
    reply.hijack();
    await transport.handleRequest(req.raw, reply.raw, req.body);
  });

  // Stateless: no server-initiated stream to open (GET) and no session to end (DELETE).
  const notAllowed = async () => {
    throw new HttpError(405, 'method_not_allowed', 'this MCP endpoint is stateless: send JSON-RPC requests with POST', null, 'POST /mcp', { allow: 'POST' });
  };
  app.get(MCP_PATH, { schema: { hide: true } }, notAllowed);
  app.delete(MCP_PATH, { schema: { hide: true } }, notAllowed);
}
