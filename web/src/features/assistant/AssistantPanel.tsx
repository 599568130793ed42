/**
 * The assistant's chat panel, for one trip (the conversations opened from its page,
 * context_data.trip_id) or free-standing (all of them): the conversations, newest first, and
 * the open one — named in the URL (?chat=), so it survives a reload. A new conversation is
 * created when its first message is sent.
 */
import { useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import type { ChatMessageRow, ChatSession } from '../../api/types.ts';
import { keys } from '../../app/queries.ts';
import { ErrorNotice, QueryState } from '../../components/Status.tsx';
import { sessionsFor, uiMessagesOf } from '../../lib/chat.ts';
import { instant } from '../../lib/datetime.ts';
import { ChatView, Intro } from './ChatView.tsx';
import { Composer } from './Composer.tsx';

export interface AssistantPanelProps {
  tripId?: number;
  title: string;
}

/** The conversations listed: the most recently used (a user has at most 1,000). */
const SESSIONS_SHOWN = 100;
/** The messages of a conversation shown: its latest. */
const MESSAGES_SHOWN = 200;

export default function AssistantPanel({ tripId, title }: AssistantPanelProps) {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const open = params.get('chat');
  const [first, setFirst] = useState<{ session: string; text: string } | null>(null);
  const sessions = useQuery({
    queryKey: keys.chatSessions,
    queryFn: () => api.get<ChatSession[]>('/api/v1/chat/sessions', { order: 'last_message_at.desc,created_at.desc', limit: SESSIONS_SHOWN }),
  });
  const qc = useQueryClient();
  const start = useMutation({
    mutationFn: () => api.post<ChatSession>('/api/v1/chat/sessions', tripId ? { context_data: { trip_id: tripId } } : {}),
  });
  const [draft, setDraft] = useState('');
  const begin = (text: string) => {
    start.mutate(undefined, {
      onSuccess: (s) => {
        void qc.invalidateQueries({ queryKey: keys.chatSessions });
        setFirst({ session: s.id, text });
        setParams({ chat: s.id });
      },
      onError: () => setDraft(text),
    });
  };

  return (
    <section className="assistant" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      <div className="assistant-layout">
        <nav className="sessions" aria-label="Conversations">
          <Link to={{ search: '' }} className="button secondary" aria-current={open ? undefined : 'page'}>New conversation</Link>
          <QueryState query={sessions} what="Loading conversations">
            {(rows) => <SessionList sessions={sessionsFor(rows, tripId)} open={open} />}
          </QueryState>
        </nav>
        <div className="conversation">
          {open ? (
            <Conversation key={open} sessionId={open} firstMessage={first?.session === open ? first.text : undefined} />
          ) : (
            <>
              <Intro />
              <ErrorNotice error={start.error} title="The conversation could not be started" />
              <Composer draft={draft} setDraft={setDraft} live={false} busy={start.isPending} onSend={begin} />
            </>
          )}
        </div>
      </div>
    </section>
  );
}

function SessionList({ sessions, open }: { sessions: ChatSession[]; open: string | null }) {
  if (!sessions.length) return <p className="muted small">No conversations yet.</p>;
  return (
    <ul>
      {sessions.map((s) => (
        <li key={s.id}>
          <Link to={{ search: `?chat=${s.id}` }} aria-current={s.id === open ? 'page' : undefined}>{s.title}</Link>
          <small className="muted"> {instant(s.last_message_at ?? s.created_at)}</small>
        </li>
      ))}
    </ul>
  );
}

function Conversation({ sessionId, firstMessage }: { sessionId: string; firstMessage?: string }) {
  const messages = useQuery({
    queryKey: keys.chatMessages(sessionId),
    queryFn: async () => {
      const rows = await api.get<ChatMessageRow[]>(`/api/v1/chat/sessions/${sessionId}/messages`, { order: 'created_at.desc', limit: MESSAGES_SHOWN });
      return uiMessagesOf(rows.reverse());
    },
    // The chat owns the messages once open: a refetch must not reset a conversation in progress.
    staleTime: Infinity,
    gcTime: 0,
  });
  return (
    <QueryState query={messages} what="Loading the conversation">
      {(initial) => <ChatView sessionId={sessionId} initial={initial} firstMessage={firstMessage} />}
    </QueryState>
  );
}
