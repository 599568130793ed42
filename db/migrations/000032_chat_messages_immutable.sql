-- 000032: chat messages are immutable (issue 10).
--
-- The API has never offered to edit or delete a message (docs/api.md: "Messages cannot be edited
-- or deleted, except with their session"), but the seed's grants and 000004's policies let
-- `authenticated` UPDATE and DELETE its own messages through any other path (a PostgREST-style
-- /rest/v1, an SQL client holding a user token). The database now says what the API says: the
-- user's role may read and append; a message goes away with its session (ON DELETE CASCADE runs
-- as the table owner, so revoking DELETE does not stop it) or with the user. service_role keeps
-- every privilege (operators, jobs).
REVOKE UPDATE, DELETE ON public.chat_messages FROM authenticated;
DROP POLICY IF EXISTS "Users can update messages in own sessions" ON public.chat_messages;
DROP POLICY IF EXISTS "Users can delete messages in own sessions" ON public.chat_messages;
