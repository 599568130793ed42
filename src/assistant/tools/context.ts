/**
 * Tool contexts: the caller a tool acts as, and its transaction. Made only for a signed-in user:
 * a service_role or anon caller gets no context at all, so no tool can run with more rights
 * than the user whose conversation (or MCP session) it serves.
 */
import type { FastifyRequest } from 'fastify';
import type { Database } from '../../db/database.ts';
import { asCaller, userCaller, type Caller } from '../../db/transaction.ts';
import { forbidden } from '../../domain/errors.ts';
import { inTx, requireUserClaims } from '../../http/context.ts';
import type { MemoryAccess } from '../../memory/memory.access.ts';
import type { ToolContext } from './registry.ts';

export function userIdForTools(caller: Caller): string {
  if (caller.role !== 'authenticated' || typeof caller.claims.sub !== 'string') {
    throw forbidden('bad_jwt', `the assistant's tools act only for a signed-in user, not for ${caller.role}`, { hint: 'use a user access token' });
  }
  return caller.claims.sub;
}

/** Within an HTTP request: the request's caller, each tool call one transaction through inTx. */
export function requestToolContext(req: FastifyRequest, memory: MemoryAccess): ToolContext {
  requireUserClaims(req);
  return {
    userId: userIdForTools(req.caller),
    caller: req.caller,
    tx: (fn, opts) => inTx(req, fn, { readOnly: opts.readOnly }),
    memory,
    logError: (err, msg) => req.log.error({ err }, msg),
  };
}

/** For the command line: the user found by email, as that user. */
export function userToolContext(db: Database, userId: string, memory: MemoryAccess): ToolContext {
  const caller = userCaller(userId);
  return { userId: userIdForTools(caller), caller, tx: (fn, opts) => asCaller(db, caller, fn, opts), memory };
}
