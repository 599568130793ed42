-- 000060: the assistant completes its own paused message (issue 12).
--
-- Chat messages are immutable for `authenticated` (000032). One exception is needed: an
-- assistant turn that pauses for the user's approval of a destructive tool stores its message
-- with metadata.status = 'awaiting_approval'; when the user answers (or moves on instead), the
-- turn completes that same message (the UI message stream resumes the same message id). This
-- function allows exactly that and nothing else, as the caller: a message of the caller's own
-- session, written by the assistant, still awaiting approval. A settled message stays immutable,
-- and a user message never changes.
--
-- It lives in its own schema, not in `public`, so the REST layer never offers it as an RPC.

CREATE SCHEMA IF NOT EXISTS tripsage_chat;
REVOKE ALL ON SCHEMA tripsage_chat FROM PUBLIC;
GRANT USAGE ON SCHEMA tripsage_chat TO authenticated;

CREATE OR REPLACE FUNCTION tripsage_chat.complete_paused_message(p_id uuid, p_content text, p_metadata jsonb)
RETURNS TABLE (id uuid, session_id uuid, role text, content text, metadata jsonb, created_at timestamptz)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  UPDATE public.chat_messages AS m
  SET content = p_content, metadata = p_metadata
  WHERE m.id = p_id
    AND m.role = 'assistant'
    AND m.metadata->>'status' = 'awaiting_approval'
    AND EXISTS (SELECT 1 FROM public.chat_sessions AS s WHERE s.id = m.session_id AND s.user_id = (SELECT auth.uid()))
  RETURNING m.id, m.session_id, m.role, m.content, m.metadata, m.created_at
$$;

REVOKE ALL ON FUNCTION tripsage_chat.complete_paused_message(uuid, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tripsage_chat.complete_paused_message(uuid, text, jsonb) TO authenticated;
