/**
 * SQL of the chat module: sessions (owner-only) and their messages (through session ownership;
 * append-only, except the assistant's own paused message).
 */
import { sql } from 'kysely';
import { tableRepo, type Row } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';

export const sessionsRepo = tableRepo('chat_sessions', ['id', 'user_id', 'title', 'context_data', 'is_active', 'last_message_at', 'created_at', 'updated_at']);
export const messagesRepo = tableRepo('chat_messages', ['id', 'session_id', 'role', 'content', 'metadata', 'created_at']);

/** The column default of chat_sessions.title: a session still called this gets a title from its first exchange. */
export const DEFAULT_TITLE = 'New Chat';

export interface MessageRow {
  id: string;
  session_id: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  metadata: Record<string, unknown>;
  created_at: string;
}

/** Whether the caller can see the session (RLS decides). */
export async function sessionVisible(trx: Tx, id: unknown): Promise<boolean> {
  return (await trx.selectFrom('chat_sessions').select('id').where('id', '=', id as string).executeTakeFirst()) !== undefined;
}

export async function getSession(trx: Tx, id: string): Promise<Row | undefined> {
  return sessionsRepo.get(trx, [{ column: 'id', op: '=', value: id }]);
}

/**
 * The session's last `limit` user and assistant messages, oldest first; with `before`, only
 * those created before that message.
 */
export async function recentMessages(trx: Tx, sessionId: string, limit: number, before?: MessageRow): Promise<MessageRow[]> {
  let q = trx
    .selectFrom('chat_messages')
    .select(['id', 'session_id', 'role', 'content', 'metadata', 'created_at'])
    .where('session_id', '=', sessionId)
    .where('role', 'in', ['user', 'assistant']);
  if (before) {
    q = q.where((eb) => eb.or([
      eb('created_at', '<', before.created_at),
      eb.and([eb('created_at', '=', before.created_at), eb('id', '<', before.id)]),
    ]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return (rows as unknown as MessageRow[]).reverse();
}

/** The session's newest assistant message whose metadata.status is `status` (e.g. awaiting_approval). */
export async function lastAssistantMessageWithStatus(trx: Tx, sessionId: string, status: string): Promise<MessageRow | undefined> {
  const row = await trx
    .selectFrom('chat_messages')
    .select(['id', 'session_id', 'role', 'content', 'metadata', 'created_at'])
    .where('session_id', '=', sessionId)
    .where('role', '=', 'assistant')
    .where(sql<string>`metadata->>'status'`, '=', status)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row as unknown as MessageRow | undefined;
}

export async function insertMessage(trx: Tx, values: { id?: string; session_id: string; role: MessageRow['role']; content: string; metadata: Record<string, unknown> }): Promise<MessageRow> {
  return (await messagesRepo.insert(trx, values)) as unknown as MessageRow;
}

/**
 * Completes an assistant message still awaiting approval, as the caller: messages are immutable
 * for users (000032), and tripsage_chat.complete_paused_message (000060) allows only this. No
 * row: not the caller's, not the assistant's, or no longer awaiting approval.
 */
export async function completePausedMessage(trx: Tx, id: string, values: { content: string; metadata: Record<string, unknown> }): Promise<MessageRow | undefined> {
  const r = await sql<MessageRow>`SELECT * FROM tripsage_chat.complete_paused_message(${id}::uuid, ${values.content}, ${JSON.stringify(values.metadata)}::jsonb)`.execute(trx);
  return r.rows[0];
}

/** Sets the title unless someone already renamed the session; returns the title it now has. */
export async function titleIfDefault(trx: Tx, sessionId: string, title: string): Promise<string | undefined> {
  const row = await trx
    .updateTable('chat_sessions')
    .set({ title })
    .where('id', '=', sessionId)
    .where('title', '=', DEFAULT_TITLE)
    .returning('title')
    .executeTakeFirst();
  return row?.title;
}
