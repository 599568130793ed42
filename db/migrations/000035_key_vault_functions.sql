-- The key vault's two reads of a ciphertext, as narrow SECURITY DEFINER functions that act only
-- on the calling user's own keys (auth.uid()), so that no TypeScript runs as service_role (or
-- switches role inside a user's transaction) to use a stored key. The user's role still cannot
-- SELECT encrypted_value (000004); these functions return it for their own keys only, to the
-- server, which decrypts it with the master key the database never sees.
--
-- They live in their own schema, not in `public`, so the REST layer never offers them as RPCs.

CREATE SCHEMA IF NOT EXISTS tripsage_keys;
REVOKE ALL ON SCHEMA tripsage_keys FROM PUBLIC;
GRANT USAGE ON SCHEMA tripsage_keys TO authenticated;

-- The caller's key for a service — the newest active, unexpired one — with its use counted in
-- the same statement (concurrent uses count exactly: a second UPDATE of the row waits for the
-- first and re-checks its WHERE). No row: none usable, or the chosen one was deactivated by a
-- concurrent transaction between the subquery and the update (the caller may try again).
CREATE OR REPLACE FUNCTION tripsage_keys.use_key(p_service text)
RETURNS TABLE (id bigint, user_id uuid, service_name text, key_name text, encrypted_value text,
               usage_count bigint, last_used_at timestamptz)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  UPDATE public.api_keys AS k
  SET usage_count = k.usage_count + 1, last_used_at = now()
  WHERE k.id = (
      SELECT c.id FROM public.api_keys AS c
      WHERE c.user_id = (SELECT auth.uid()) AND c.service_name = p_service
        AND c.is_active AND (c.expires_at IS NULL OR c.expires_at > now())
      ORDER BY c.created_at DESC, c.id DESC
      LIMIT 1)
    AND k.user_id = (SELECT auth.uid())
    AND k.is_active AND (k.expires_at IS NULL OR k.expires_at > now())
  RETURNING k.id, k.user_id, k.service_name, k.key_name, k.encrypted_value, k.usage_count, k.last_used_at
$$;

-- One of the caller's keys with its ciphertext, not counted as a use: renaming a key re-binds
-- its ciphertext to the new name (decrypt, encrypt again), which needs the old one.
CREATE OR REPLACE FUNCTION tripsage_keys.key_ciphertext(p_id bigint)
RETURNS TABLE (id bigint, user_id uuid, service_name text, key_name text, encrypted_value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT k.id, k.user_id, k.service_name, k.key_name, k.encrypted_value
  FROM public.api_keys AS k
  WHERE k.id = p_id AND k.user_id = (SELECT auth.uid())
$$;

REVOKE ALL ON FUNCTION tripsage_keys.use_key(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION tripsage_keys.key_ciphertext(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tripsage_keys.use_key(text) TO authenticated;
GRANT EXECUTE ON FUNCTION tripsage_keys.key_ciphertext(bigint) TO authenticated;
