/**
 * Chat sessions (owner-only) and their messages (through session ownership).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { registerResource, uuidId } from '../http/crud.routes.ts';
import { audit, jsonObject, text, timestamp, ts, uuid } from '../http/schemas.ts';
import { messagesRepo, sessionsRepo, sessionVisible } from './chat.repo.ts';

const sessionCreate = z.strictObject({
  title: text(500).optional(),
  context_data: jsonObject.optional(),
  is_active: z.boolean().optional(),
});
const sessionRow = z.object({
  id: uuid, user_id: uuid, title: z.string(), context_data: z.unknown(), is_active: z.boolean(),
  last_message_at: ts.nullable(), ...audit,
});
const messageCreate = z.strictObject({
  role: z.enum(['user', 'assistant', 'system']),
  content: text(100_000),
  metadata: jsonObject.optional(),
});
export const messageRow = z.object({ id: uuid, session_id: uuid, role: z.string(), content: z.string(), metadata: z.unknown(), created_at: ts });

export function registerChatRoutes(app: FastifyInstance): void {
  registerResource(app, {
    tag: 'chat', noun: 'chat session', path: '/api/v1/chat/sessions', repo: sessionsRepo, idSchema: uuidId,
    row: sessionRow, create: sessionCreate, patch: sessionCreate.partial().strict(), ownerColumn: 'user_id',
    list: {
      orderable: ['last_message_at', 'created_at', 'updated_at', 'title', 'id'],
      defaultOrder: [{ column: 'created_at', desc: true }],
      filters: { is_active: { column: 'is_active', op: '=', schema: z.enum(['true', 'false']).transform((v) => v === 'true'), description: 'only active (true) or archived (false) sessions' } },
    },
  });
  registerResource(app, {
    tag: 'chat', noun: 'message', schemaName: 'ChatMessage', path: '/api/v1/chat/sessions/:session_id/messages', repo: messagesRepo, idSchema: uuidId,
    row: messageRow, create: messageCreate, patch: messageCreate.partial().strict(), without: ['get', 'patch', 'delete'],
    parent: { param: 'session_id', column: 'session_id', noun: 'chat session', schema: uuidId, visible: sessionVisible },
    list: {
      orderable: ['created_at', 'id'],
      defaultOrder: [{ column: 'created_at', desc: false }],
      filters: { since: { column: 'created_at', op: '>', schema: timestamp, description: 'only messages created after this instant' } },
    },
  });
}
