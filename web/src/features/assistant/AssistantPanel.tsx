/**
 * The assistant's chat panel, for one trip or free-standing. It talks to
 * POST /api/v1/chat/sessions/{id}/reply (the assistant issue); where the server has no assistant
 * (no such route yet: 404, or none configured: 503 assistant_unavailable) the panel says so with
 * the API's own message and hint, and stays usable for the next try.
 */
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { ApiError, isUnavailable } from '../../api/errors.ts';
import { ErrorNotice } from '../../components/Status.tsx';

interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

export function AssistantPanel({ tripId, title }: { tripId?: number; title: string }) {
  const id = useId();
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    const content = text.trim();
    if (!content) return;
    setBusy(true);
    setError(null);
    try {
      const sid = sessionId ?? (await startSession(tripId));
      setSessionId(sid);
      const reply = await api.request<{ content?: string; message?: { content?: string } }>(`/api/v1/chat/sessions/${sid}/reply`, {
        method: 'POST', body: { content }, headers: { accept: 'application/json' },
      });
      setTurns((t) => [...t, { role: 'user', content }, { role: 'assistant', content: reply.message?.content ?? reply.content ?? '' }]);
      setText('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="assistant" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      <ol className="chat" aria-live="polite" aria-label="Conversation">
        {turns.map((t, i) => <li key={i} className={`turn turn-${t.role}`}><span className="sr-only">{t.role}: </span>{t.content}</li>)}
      </ol>
      {isUnavailable(error) ? <ErrorNotice error={error} title="The assistant is not configured" /> : <ErrorNotice error={error} />}
      <form onSubmit={(e) => void send(e)} className="chat-form" aria-label="Ask the assistant">
        <label htmlFor={`${id}-msg`}>Message</label>
        <textarea id={`${id}-msg`} rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder="Plan a relaxed day in Sintra…" />
        <button type="submit" disabled={busy || !text.trim()}>{busy ? 'Thinking…' : 'Send'}</button>
      </form>
    </section>
  );
}

async function startSession(tripId?: number): Promise<string> {
  const s = await api.post<{ id: string }>('/api/v1/chat/sessions', tripId ? { context_data: { trip_id: tripId } } : {});
  if (!s?.id) throw new ApiError(500, 'no_session', 'the server did not return a chat session');
  return s.id;
}
