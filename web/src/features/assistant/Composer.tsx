/**
 * The message box: Enter sends (Shift+Enter is a new line), and while a turn runs, Stop ends it
 * (the server keeps the text so far and marks the turn interrupted).
 */
import { useId, type KeyboardEvent } from 'react';

export function Composer({ draft, setDraft, live, onSend, onStop, busy = false }: {
  draft: string;
  setDraft: (text: string) => void;
  live: boolean;
  onSend: (text: string) => void;
  onStop?: () => void;
  busy?: boolean;
}) {
  const id = useId();
  const send = (e?: { preventDefault(): void }) => {
    e?.preventDefault();
    const text = draft.trim();
    if (!text || live || busy) return;
    setDraft('');
    onSend(text);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) send(e);
  };
  return (
    <form onSubmit={send} className="chat-form" aria-label="Ask the assistant">
      <label htmlFor={`${id}-msg`}>Message</label>
      <textarea id={`${id}-msg`} rows={3} value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKeyDown}
        aria-describedby={`${id}-help`} placeholder="Plan a relaxed day in Sintra…" />
      <small id={`${id}-help`} className="muted">Enter sends; Shift+Enter starts a new line.</small>
      <div className="actions">
        <button type="submit" disabled={live || busy || !draft.trim()}>{live || busy ? 'Answering…' : 'Send'}</button>
        {live && onStop && <button type="button" className="secondary" onClick={onStop}>Stop</button>}
      </div>
    </form>
  );
}
