/**
 * SQL of the chat module: sessions (owner-only) and their messages (through session ownership).
 */
import { tableRepo } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';

export const sessionsRepo = tableRepo('chat_sessions', ['id', 'user_id', 'title', 'context_data', 'is_active', 'last_message_at', 'created_at', 'updated_at']);
export const messagesRepo = tableRepo('chat_messages', ['id', 'session_id', 'role', 'content', 'metadata', 'created_at']);

/** Whether the caller can see the session (RLS decides). */
export async function sessionVisible(trx: Tx, id: unknown): Promise<boolean> {
  return (await trx.selectFrom('chat_sessions').select('id').where('id', '=', id as string).executeTakeFirst()) !== undefined;
}
