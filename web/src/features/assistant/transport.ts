/**
 * The AI SDK's chat transport pointed at our reply endpoint: our fetch (bearer token, refresh,
 * ApiError for a refused request) and our body ({content} or {approvals}: the server keeps the
 * history, docs/assistant.md "With useChat").
 */
import { DefaultChatTransport } from 'ai';
import { api } from '../../api/client.ts';
import { replyBody, type ChatUIMessage } from '../../lib/chat.ts';

export function transportFor(sessionId: string): DefaultChatTransport<ChatUIMessage> {
  return new DefaultChatTransport<ChatUIMessage>({
    api: `/api/v1/chat/sessions/${sessionId}/reply`,
    fetch: api.fetcher,
    // The stream, not the one-JSON answer the client asks for by default.
    headers: { accept: 'text/event-stream' },
    prepareSendMessagesRequest: ({ messages }) => ({ body: replyBody(messages) }),
  });
}
