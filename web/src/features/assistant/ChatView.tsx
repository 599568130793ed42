/**
 * One conversation, through the AI SDK's useChat: the stored messages first, then each turn
 * streamed as it arrives (text, and tool calls as they happen), approvals answered in place (the
 * SDK sends them once every pending one is answered), and after each turn the trip views
 * refreshed, since the assistant may have changed any trip.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useChat } from '@ai-sdk/react';
import { isToolUIPart, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { ApiError, isAssistantUnavailable } from '../../api/errors.ts';
import { keys } from '../../app/queries.ts';
import { ErrorNotice } from '../../components/Status.tsx';
import { turnProblem, type ChatUIMessage } from '../../lib/chat.ts';
import { Composer } from './Composer.tsx';
import { ToolCall } from './ToolCall.tsx';
import { transportFor } from './transport.ts';

/** What an empty conversation says. */
export function Intro() {
  return <p className="muted">Ask for anything about your trips: the assistant reads and changes them for you, and asks before it deletes.</p>;
}

function refreshAfterTurn(qc: QueryClient): void {
  for (const queryKey of [['trip'], ['trips'], keys.chatSessions, keys.memories, keys.comparisons]) {
    void qc.invalidateQueries({ queryKey });
  }
}

export function ChatView({ sessionId, initial, firstMessage }: { sessionId: string; initial: ChatUIMessage[]; firstMessage?: string }) {
  const qc = useQueryClient();
  const transport = useMemo(() => transportFor(sessionId), [sessionId]);
  const chat = useChat<ChatUIMessage>({
    id: sessionId,
    messages: initial,
    transport,
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    onFinish: () => refreshAfterTurn(qc),
  });
  const [draft, setDraft] = useState('');
  const live = chat.status === 'submitted' || chat.status === 'streaming';

  const sent = useRef(false);
  useEffect(() => {
    if (firstMessage && !sent.current) {
      sent.current = true;
      void chat.sendMessage({ text: firstMessage });
    }
  }, [firstMessage, chat]);

  // A request the API refused (not configured, rate limited, …) stored nothing: take the message
  // back into the box, so the next try is one click.
  const { error, messages, setMessages } = chat;
  useEffect(() => {
    const last = messages.at(-1);
    if (error instanceof ApiError && last?.role === 'user') {
      setMessages(messages.slice(0, -1));
      setDraft(last.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n'));
    }
  }, [error, messages, setMessages]);

  const answer = (id: string, approved: boolean) => void chat.addToolApprovalResponse({ id, approved });
  return (
    <div className="conversation-body">
      {messages.length === 0 && !live && <Intro />}
      <ol className="chat" aria-label="Conversation" aria-live="polite" aria-busy={live}>
        {messages.map((m, i) => (
          <Message key={m.id} message={m} live={live && i === messages.length - 1} onAnswer={answer} />
        ))}
      </ol>
      {chat.status === 'submitted' && <p className="status" role="status"><span className="spinner" aria-hidden="true" /> Thinking…</p>}
      {error && (isAssistantUnavailable(error)
        ? <ErrorNotice error={error} title="The assistant is not configured" />
        : <ErrorNotice error={error} title="The answer failed" />)}
      <Composer draft={draft} setDraft={setDraft} live={live} onStop={() => void chat.stop()} onSend={(text) => {
        chat.clearError();
        void chat.sendMessage({ text });
      }} />
    </div>
  );
}

function Message({ message, live, onAnswer }: { message: ChatUIMessage; live: boolean; onAnswer: (id: string, approved: boolean) => void }) {
  const problem = turnProblem(message.metadata);
  return (
    <li className={`turn turn-${message.role}`} data-testid={`turn-${message.role}`}>
      <span className="sr-only">{message.role === 'user' ? 'You' : 'Assistant'}: </span>
      {message.parts.map((p, i) => {
        if (p.type === 'text') return <p key={i} className="turn-text">{p.text}</p>;
        if (isToolUIPart(p)) return <ToolCall key={p.toolCallId} part={p} live={live} onAnswer={onAnswer} />;
        return null;
      })}
      {problem && <p className="turn-problem">{problem}</p>}
    </li>
  );
}
