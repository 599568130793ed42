-- 000040: the identity service's rules, in the database (issues 10 and 15).
--
-- The /auth/v1 endpoints that act on a signed-in user run as that user (role authenticated, the
-- token's claims) and call the SECURITY DEFINER functions below, which act on auth.uid() only and
-- check, each time, that the identity exists and that the token's session (its `session_id`
-- claim) is live: a logged-out or revoked session can read or change nothing. The endpoints that
-- act before there is a user (password recovery, verifying an emailed code, refreshing) call
-- functions whose only input of authority is the secret they are given (a code, a refresh token).
-- Sign-up, password sign-in and the admin API stay service_role work (docs/architecture.md).
--
-- The functions live in their own schema, `tripsage_auth`, which no API exposes (the Data API
-- serves `public` only); every function's EXECUTE is revoked from PUBLIC and granted by name.

CREATE SCHEMA IF NOT EXISTS tripsage_auth;
REVOKE ALL ON SCHEMA tripsage_auth FROM PUBLIC;
GRANT USAGE ON SCHEMA tripsage_auth TO anon, authenticated, service_role;

-- How a session was started (the `amr` claim), and who revoked it.
ALTER TABLE tripsage.auth_sessions ADD COLUMN IF NOT EXISTS method text NOT NULL DEFAULT 'password';
ALTER TABLE tripsage.auth_sessions DROP CONSTRAINT IF EXISTS auth_sessions_method_check;
ALTER TABLE tripsage.auth_sessions ADD CONSTRAINT auth_sessions_method_check
  CHECK (method IN ('password', 'anonymous', 'otp'));
ALTER TABLE tripsage.auth_sessions DROP CONSTRAINT IF EXISTS auth_sessions_revoked_reason_check;
ALTER TABLE tripsage.auth_sessions ADD CONSTRAINT auth_sessions_revoked_reason_check
  CHECK (revoked_reason IN ('logout', 'refresh_token_reuse', 'password_change', 'admin', 'session_limit'));

-- Emailed one-time codes: one live code per user and purpose (a new one replaces the old), stored
-- as SHA-256 of the link's token hash, so the table alone lets no one in.
CREATE TABLE IF NOT EXISTS tripsage.auth_one_time_tokens (
    user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    token_type text NOT NULL CHECK (token_type IN ('recovery', 'email_change', 'reauthentication')),
    token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    -- the address the code went to (for an email change: the new address)
    relates_to text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, token_type)
);
GRANT SELECT ON tripsage.auth_one_time_tokens TO service_role;

-- Rate-limit counters shared by every server instance: one row per live bucket (route + client
-- address), a fixed window from its first hit. Each hit deletes a few expired rows, so the table
-- holds about the buckets of the current window.
CREATE TABLE IF NOT EXISTS tripsage.auth_rate_limits (
    bucket text PRIMARY KEY CHECK (length(bucket) <= 300),
    window_end timestamptz NOT NULL,
    hits integer NOT NULL CHECK (hits > 0)
);
CREATE INDEX IF NOT EXISTS idx_auth_rate_limits_window_end ON tripsage.auth_rate_limits (window_end);

-- ---- helpers (no grants: only the functions below call them, as their owner) -----------------

-- GoTrue's token hash of an emailed code (sha224 of address and code, hex): what a link carries.
CREATE FUNCTION tripsage_auth.link_hash(p_address text, p_code text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = ''
AS $$ SELECT encode(sha224(convert_to(lower(p_address) || p_code, 'UTF8')), 'hex') $$;

-- What is stored of a link's token hash.
CREATE FUNCTION tripsage_auth.stored_hash(p_link_hash text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = ''
AS $$ SELECT encode(sha256(convert_to(p_link_hash, 'UTF8')), 'hex') $$;

-- The token's `session_id` claim, when it is a uuid.
CREATE FUNCTION tripsage_auth.claimed_session() RETURNS uuid
LANGUAGE sql STABLE SET search_path = ''
AS $$
  SELECT CASE WHEN s ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN s::uuid END
  FROM (SELECT auth.jwt() ->> 'session_id' AS s) AS claim
$$;

-- GoTrue's requireAuthentication: the caller's identity exists, and a token that names a
-- session names a live one of that identity ('user_not_found', 'session_not_found' or 'ok').
CREATE FUNCTION tripsage_auth.caller(OUT user_id uuid, OUT session_id uuid, OUT status text)
LANGUAGE plpgsql STABLE SET search_path = ''
AS $$
BEGIN
  user_id := auth.uid();
  session_id := tripsage_auth.claimed_session();
  IF user_id IS NULL OR NOT EXISTS (SELECT 1 FROM auth.users u WHERE u.id = caller.user_id AND u.deleted_at IS NULL) THEN
    status := 'user_not_found';
  ELSIF session_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM tripsage.auth_sessions s
     WHERE s.id = caller.session_id AND s.user_id = caller.user_id AND s.revoked_at IS NULL
  ) THEN
    status := 'session_not_found';
  ELSE
    status := 'ok';
  END IF;
END
$$;

-- A one-time code for a user and purpose, replacing an older one; NULL when the last was sent
-- less than p_interval_seconds ago (GoTrue's max_frequency). Returns the link's token hash.
CREATE FUNCTION tripsage_auth.issue_code(
  p_user uuid, p_type text, p_address text, p_code text, p_lifetime_seconds integer, p_interval_seconds integer
) RETURNS text
LANGUAGE plpgsql SET search_path = ''
AS $$
DECLARE
  v_link text := tripsage_auth.link_hash(p_address, p_code);
BEGIN
  IF p_code !~ '^[0-9]{6,10}$' OR p_lifetime_seconds NOT BETWEEN 60 AND 86400 OR p_interval_seconds NOT BETWEEN 0 AND 3600 THEN
    RAISE EXCEPTION 'issue_code: a code of 6 to 10 digits, a lifetime of 1 minute to 1 day, an interval of at most 1 hour'
      USING ERRCODE = '22023';
  END IF;
  IF EXISTS (
    SELECT 1 FROM tripsage.auth_one_time_tokens t
     WHERE t.user_id = p_user AND t.token_type = p_type
       AND t.created_at > now() - make_interval(secs => p_interval_seconds)
  ) THEN
    RETURN NULL;
  END IF;
  INSERT INTO tripsage.auth_one_time_tokens AS t (user_id, token_type, token_hash, relates_to, created_at, expires_at)
  VALUES (p_user, p_type, tripsage_auth.stored_hash(v_link), lower(p_address), now(), now() + make_interval(secs => p_lifetime_seconds))
  ON CONFLICT (user_id, token_type) DO UPDATE
     SET token_hash = EXCLUDED.token_hash, relates_to = EXCLUDED.relates_to,
         created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at;
  RETURN v_link;
END
$$;

-- What every function answers: a status, and the user as GoTrue shows it (NULLs unless 'ok').
CREATE TYPE tripsage_auth.user_result AS (
    status text,
    id uuid,
    aud text,
    role text,
    email text,
    email_confirmed_at timestamptz,
    last_sign_in_at timestamptz,
    raw_app_meta_data jsonb,
    raw_user_meta_data jsonb,
    is_anonymous boolean,
    created_at timestamptz,
    updated_at timestamptz,
    new_email text,
    email_change_sent_at timestamptz,
    session_id uuid,
    session_created_at timestamptz,
    session_method text,
    link_hash text
);

CREATE FUNCTION tripsage_auth.result(p_status text, p_user uuid DEFAULT NULL, p_session uuid DEFAULT NULL, p_link text DEFAULT NULL)
RETURNS tripsage_auth.user_result
LANGUAGE sql STABLE SET search_path = ''
AS $$
  SELECT p_status, u.id, u.aud::text, u.role::text, u.email::text, u.email_confirmed_at, u.last_sign_in_at,
         u.raw_app_meta_data, u.raw_user_meta_data, u.is_anonymous, u.created_at, u.updated_at,
         c.relates_to, c.created_at, s.id, s.created_at, s.method, p_link
    FROM (SELECT 1) AS one
    LEFT JOIN auth.users u ON u.id = p_user AND u.deleted_at IS NULL
    LEFT JOIN tripsage.auth_one_time_tokens c
           ON c.user_id = u.id AND c.token_type = 'email_change' AND c.expires_at > now()
    LEFT JOIN tripsage.auth_sessions s ON s.id = p_session AND s.user_id = u.id
$$;

-- GoTrue's metadata merge: the patch's keys are set, a key set to null is removed.
CREATE FUNCTION tripsage_auth.merge_metadata(p_current jsonb, p_patch jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = ''
AS $$
  SELECT (coalesce(p_current, '{}'::jsonb) - coalesce(array_agg(key) FILTER (WHERE value = 'null'::jsonb), '{}'::text[]))
         || coalesce(jsonb_object_agg(key, value) FILTER (WHERE value <> 'null'::jsonb), '{}'::jsonb)
    FROM jsonb_each(p_patch)
$$;

-- A new session with its first refresh token (already hashed by the caller). A user's sessions are
-- bounded: at most 100 live ones (the oldest beyond are revoked, 'session_limit'), and revoked ones
-- are deleted, with their refresh tokens, a day after revocation.
CREATE FUNCTION tripsage_auth.start_session(p_user uuid, p_method text, p_refresh_hash text) RETURNS uuid
LANGUAGE plpgsql SET search_path = ''
AS $$
DECLARE
  v_session uuid;
BEGIN
  INSERT INTO tripsage.auth_sessions (user_id, method) VALUES (p_user, p_method) RETURNING id INTO v_session;
  INSERT INTO tripsage.refresh_tokens (token_hash, session_id) VALUES (p_refresh_hash, v_session);
  UPDATE auth.users SET last_sign_in_at = now() WHERE id = p_user;
  DELETE FROM tripsage.auth_sessions WHERE user_id = p_user AND revoked_at < now() - interval '1 day';
  UPDATE tripsage.auth_sessions SET revoked_at = now(), revoked_reason = 'session_limit'
   WHERE id IN (SELECT s.id FROM tripsage.auth_sessions s WHERE s.user_id = p_user AND s.revoked_at IS NULL
                 ORDER BY s.created_at DESC, s.id OFFSET 100);
  RETURN v_session;
END
$$;

REVOKE EXECUTE ON FUNCTION tripsage_auth.link_hash(text, text), tripsage_auth.stored_hash(text),
  tripsage_auth.claimed_session(), tripsage_auth.caller(),
  tripsage_auth.issue_code(uuid, text, text, text, integer, integer),
  tripsage_auth.result(text, uuid, uuid, text), tripsage_auth.merge_metadata(jsonb, jsonb),
  tripsage_auth.start_session(uuid, text, text) FROM PUBLIC;
-- The service_role side (sign-in, sign-up, the admin API) starts sessions and merges metadata alike.
GRANT EXECUTE ON FUNCTION tripsage_auth.start_session(uuid, text, text), tripsage_auth.merge_metadata(jsonb, jsonb) TO service_role;

-- ---- the signed-in user (role authenticated) -------------------------------------------------

-- GET /user.
CREATE FUNCTION tripsage_auth.me() RETURNS tripsage_auth.user_result
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  c record;
BEGIN
  SELECT * INTO c FROM tripsage_auth.caller();
  IF c.status <> 'ok' THEN RETURN tripsage_auth.result(c.status); END IF;
  RETURN tripsage_auth.result('ok', c.user_id, c.session_id);
END
$$;

-- POST /logout: scope 'local' (this session), 'global' (all), 'others' (all but this one). A
-- token without a session signs out everywhere, as GoTrue does.
CREATE FUNCTION tripsage_auth.logout(p_scope text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  c record;
BEGIN
  IF p_scope IS NULL OR p_scope NOT IN ('local', 'global', 'others') THEN RETURN 'invalid_scope'; END IF;
  SELECT * INTO c FROM tripsage_auth.caller();
  IF c.status <> 'ok' THEN RETURN c.status; END IF;
  UPDATE tripsage.auth_sessions s
     SET revoked_at = now(), revoked_reason = 'logout'
   WHERE s.user_id = c.user_id AND s.revoked_at IS NULL
     AND (c.session_id IS NULL OR p_scope = 'global'
          OR (p_scope = 'local' AND s.id = c.session_id)
          OR (p_scope = 'others' AND s.id <> c.session_id));
  RETURN 'ok';
END
$$;

-- PUT /user (metadata and password; an email change is request_email_change). A password change
-- needs a live session that signed in within p_recent_seconds (at most a day, GoTrue's rule), or
-- the nonce of a /reauthenticate email; it signs out every other session.
CREATE FUNCTION tripsage_auth.update_user(p_user_metadata jsonb, p_password_hash text, p_nonce text, p_recent_seconds integer)
RETURNS tripsage_auth.user_result
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  c record;
  v_email text;
  v_signed_in timestamptz;
BEGIN
  SELECT * INTO c FROM tripsage_auth.caller();
  IF c.status <> 'ok' THEN RETURN tripsage_auth.result(c.status); END IF;
  IF p_user_metadata IS NOT NULL AND jsonb_typeof(p_user_metadata) <> 'object' THEN
    RAISE EXCEPTION 'user metadata must be a JSON object' USING ERRCODE = '22023';
  END IF;
  SELECT u.email INTO v_email FROM auth.users u WHERE u.id = c.user_id FOR UPDATE;

  IF p_password_hash IS NOT NULL THEN
    IF p_password_hash !~ '^scrypt\$' THEN
      RAISE EXCEPTION 'update_user: not a password hash' USING ERRCODE = '22023';
    END IF;
    IF c.session_id IS NULL THEN RETURN tripsage_auth.result('session_required'); END IF;
    IF v_email IS NULL THEN RETURN tripsage_auth.result('anonymous_without_email'); END IF;
    SELECT s.created_at INTO v_signed_in FROM tripsage.auth_sessions s WHERE s.id = c.session_id;
    IF v_signed_in < now() - make_interval(secs => least(greatest(coalesce(p_recent_seconds, 0), 0), 86400)) THEN
      IF coalesce(p_nonce, '') = '' THEN RETURN tripsage_auth.result('reauthentication_needed'); END IF;
      DELETE FROM tripsage.auth_one_time_tokens t
       WHERE t.user_id = c.user_id AND t.token_type = 'reauthentication' AND t.expires_at > now()
         AND t.token_hash = tripsage_auth.stored_hash(tripsage_auth.link_hash(v_email, p_nonce));
      IF NOT FOUND THEN RETURN tripsage_auth.result('reauthentication_not_valid'); END IF;
    END IF;
    UPDATE auth.users SET encrypted_password = p_password_hash, updated_at = now() WHERE id = c.user_id;
    UPDATE tripsage.auth_sessions SET revoked_at = now(), revoked_reason = 'password_change'
     WHERE user_id = c.user_id AND revoked_at IS NULL AND id <> c.session_id;
    DELETE FROM tripsage.auth_one_time_tokens
     WHERE user_id = c.user_id AND token_type IN ('recovery', 'reauthentication');
  END IF;

  IF p_user_metadata IS NOT NULL THEN
    UPDATE auth.users
       SET raw_user_meta_data = tripsage_auth.merge_metadata(raw_user_meta_data, p_user_metadata), updated_at = now()
     WHERE id = c.user_id;
  END IF;
  RETURN tripsage_auth.result('ok', c.user_id, c.session_id);
END
$$;

-- PUT /user {email}: nothing changes until the code sent to the new address comes back
-- (verify_otp, type email_change). Needs a live session, like every credential change.
CREATE FUNCTION tripsage_auth.request_email_change(p_new_email text, p_code text, p_lifetime_seconds integer, p_interval_seconds integer)
RETURNS tripsage_auth.user_result
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  c record;
  v_new text := lower(trim(p_new_email));
  v_link text;
BEGIN
  SELECT * INTO c FROM tripsage_auth.caller();
  IF c.status <> 'ok' THEN RETURN tripsage_auth.result(c.status); END IF;
  IF c.session_id IS NULL THEN RETURN tripsage_auth.result('session_required'); END IF;
  IF EXISTS (SELECT 1 FROM auth.users u WHERE u.id = c.user_id AND lower(u.email) = v_new) THEN
    RETURN tripsage_auth.result('unchanged', c.user_id, c.session_id);
  END IF;
  IF EXISTS (SELECT 1 FROM auth.users u WHERE lower(u.email) = v_new AND u.id <> c.user_id) THEN
    RETURN tripsage_auth.result('email_exists');
  END IF;
  v_link := tripsage_auth.issue_code(c.user_id, 'email_change', v_new, p_code, p_lifetime_seconds, p_interval_seconds);
  IF v_link IS NULL THEN RETURN tripsage_auth.result('over_email_send_rate_limit'); END IF;
  RETURN tripsage_auth.result('ok', c.user_id, c.session_id, v_link);
END
$$;

-- GET /reauthenticate: a nonce emailed to the user's confirmed address, for a password change
-- outside the recent-sign-in window.
CREATE FUNCTION tripsage_auth.reauthenticate(p_code text, p_lifetime_seconds integer, p_interval_seconds integer)
RETURNS tripsage_auth.user_result
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  c record;
  u record;
BEGIN
  SELECT * INTO c FROM tripsage_auth.caller();
  IF c.status <> 'ok' THEN RETURN tripsage_auth.result(c.status); END IF;
  SELECT x.email, x.email_confirmed_at INTO u FROM auth.users x WHERE x.id = c.user_id;
  IF u.email IS NULL THEN RETURN tripsage_auth.result('no_email'); END IF;
  IF u.email_confirmed_at IS NULL THEN RETURN tripsage_auth.result('email_not_confirmed'); END IF;
  IF tripsage_auth.issue_code(c.user_id, 'reauthentication', u.email, p_code, p_lifetime_seconds, p_interval_seconds) IS NULL THEN
    RETURN tripsage_auth.result('over_email_send_rate_limit');
  END IF;
  RETURN tripsage_auth.result('ok', c.user_id, c.session_id);
END
$$;

-- ---- before there is a user (role anon): the secret presented is the only authority -----------

-- POST /recover: a code for the identity with this email. 'no_user' is never shown to the client
-- (GoTrue answers 200 either way, so the endpoint does not reveal who has an account).
CREATE FUNCTION tripsage_auth.request_recovery(p_email text, p_code text, p_lifetime_seconds integer, p_interval_seconds integer)
RETURNS tripsage_auth.user_result
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_user uuid;
  v_link text;
BEGIN
  SELECT u.id INTO v_user FROM auth.users u WHERE lower(u.email) = lower(trim(p_email)) AND u.deleted_at IS NULL;
  IF v_user IS NULL THEN RETURN tripsage_auth.result('no_user'); END IF;
  v_link := tripsage_auth.issue_code(v_user, 'recovery', lower(trim(p_email)), p_code, p_lifetime_seconds, p_interval_seconds);
  IF v_link IS NULL THEN RETURN tripsage_auth.result('over_email_send_rate_limit'); END IF;
  RETURN tripsage_auth.result('ok', v_user, NULL, v_link);
END
$$;

-- POST /verify (and GET /verify, the emailed link): consumes a code — by its link's token hash,
-- or by the address it was sent to and the code — applies it (recovery: the email is thereby
-- confirmed; email_change: the new address replaces the old) and starts a session ('otp').
CREATE FUNCTION tripsage_auth.verify_otp(p_type text, p_token_hash text, p_address text, p_code text, p_refresh_hash text)
RETURNS tripsage_auth.user_result
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  t record;
  v_session uuid;
BEGIN
  IF p_type NOT IN ('recovery', 'email_change') OR p_refresh_hash !~ '^[0-9a-f]{64}$' THEN
    RAISE EXCEPTION 'verify_otp: type recovery or email_change, and a refresh token hash' USING ERRCODE = '22023';
  END IF;
  DELETE FROM tripsage.auth_one_time_tokens x
   WHERE x.token_type = p_type
     AND x.token_hash = tripsage_auth.stored_hash(coalesce(p_token_hash, tripsage_auth.link_hash(p_address, p_code)))
     AND (p_address IS NULL OR x.relates_to = lower(p_address))
  RETURNING x.* INTO t;
  IF t.user_id IS NULL OR t.expires_at <= now()
     OR NOT EXISTS (SELECT 1 FROM auth.users u WHERE u.id = t.user_id AND u.deleted_at IS NULL) THEN
    RETURN tripsage_auth.result('otp_expired');
  END IF;
  IF p_type = 'email_change' THEN
    IF EXISTS (SELECT 1 FROM auth.users u WHERE lower(u.email) = t.relates_to AND u.id <> t.user_id) THEN
      RETURN tripsage_auth.result('email_exists');
    END IF;
    UPDATE auth.users
       SET email = t.relates_to, email_confirmed_at = now(), is_anonymous = false, updated_at = now(),
           raw_app_meta_data = coalesce(raw_app_meta_data, '{}'::jsonb) || '{"provider": "email", "providers": ["email"]}'::jsonb
     WHERE id = t.user_id;
  ELSE
    UPDATE auth.users SET email_confirmed_at = coalesce(email_confirmed_at, now()) WHERE id = t.user_id;
  END IF;
  v_session := tripsage_auth.start_session(t.user_id, 'otp', p_refresh_hash);
  RETURN tripsage_auth.result('ok', t.user_id, v_session);
END
$$;

-- POST /token?grant_type=refresh_token: the presented token (hashed) is marked used and the next
-- one (hashed) issued for the same session. A used token presented again is theft — the session
-- is revoked — unless it was used less than p_reuse_seconds ago (two tabs refreshing at once):
-- then only this request fails. At most the 100 most recently used tokens of a session are kept.
CREATE FUNCTION tripsage_auth.refresh(p_old_hash text, p_new_hash text, p_reuse_seconds integer)
RETURNS tripsage_auth.user_result
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  t record;
BEGIN
  IF p_new_hash !~ '^[0-9a-f]{64}$' THEN
    RAISE EXCEPTION 'refresh: the next token''s hash' USING ERRCODE = '22023';
  END IF;
  -- Check-and-mark in one statement: two claims of one token serialise on its row lock, and the
  -- second re-reads used_at after the first commits, so at most one succeeds.
  UPDATE tripsage.refresh_tokens r
     SET used_at = now()
    FROM tripsage.auth_sessions s
   WHERE r.token_hash = p_old_hash AND r.used_at IS NULL AND s.id = r.session_id AND s.revoked_at IS NULL
  RETURNING r.session_id, s.user_id INTO t;
  IF t.session_id IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM auth.users u WHERE u.id = t.user_id AND u.deleted_at IS NULL) THEN
      RETURN tripsage_auth.result('refresh_token_not_found');
    END IF;
    INSERT INTO tripsage.refresh_tokens (token_hash, session_id) VALUES (p_new_hash, t.session_id);
    UPDATE tripsage.auth_sessions SET refreshed_at = now() WHERE id = t.session_id;
    DELETE FROM tripsage.refresh_tokens r
     WHERE r.session_id = t.session_id
       AND r.token_hash IN (SELECT o.token_hash FROM tripsage.refresh_tokens o
                             WHERE o.session_id = t.session_id AND o.used_at IS NOT NULL
                             ORDER BY o.used_at DESC OFFSET 100);
    RETURN tripsage_auth.result('ok', t.user_id, t.session_id);
  END IF;

  SELECT r.session_id, r.used_at, s.revoked_at INTO t
    FROM tripsage.refresh_tokens r JOIN tripsage.auth_sessions s ON s.id = r.session_id
   WHERE r.token_hash = p_old_hash;
  IF t.session_id IS NULL OR t.revoked_at IS NOT NULL THEN
    RETURN tripsage_auth.result('refresh_token_not_found');
  END IF;
  IF t.used_at < now() - make_interval(secs => least(greatest(coalesce(p_reuse_seconds, 0), 0), 60)) THEN
    UPDATE tripsage.auth_sessions SET revoked_at = now(), revoked_reason = 'refresh_token_reuse' WHERE id = t.session_id;
  END IF;
  RETURN tripsage_auth.result('refresh_token_already_used');
END
$$;

-- The rate limiter's counter (@fastify/rate-limit's store): counts a hit on a bucket and returns
-- the hits in its current window and the milliseconds left of it.
CREATE FUNCTION tripsage_auth.rate_limit_hit(p_bucket text, p_window_ms integer)
RETURNS TABLE (hits integer, ttl_ms integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_now timestamptz := clock_timestamp();
BEGIN
  IF p_bucket IS NULL OR length(p_bucket) > 300 OR p_window_ms IS NULL OR p_window_ms NOT BETWEEN 1000 AND 86400000 THEN
    RAISE EXCEPTION 'rate_limit_hit: a bucket of at most 300 characters, a window of 1 s to 1 day' USING ERRCODE = '22023';
  END IF;
  DELETE FROM tripsage.auth_rate_limits r
   WHERE r.bucket IN (SELECT e.bucket FROM tripsage.auth_rate_limits e
                       WHERE e.window_end <= v_now ORDER BY e.window_end LIMIT 20 FOR UPDATE SKIP LOCKED);
  RETURN QUERY
  INSERT INTO tripsage.auth_rate_limits AS r (bucket, window_end, hits)
  VALUES (p_bucket, v_now + make_interval(secs => p_window_ms / 1000.0), 1)
  ON CONFLICT (bucket) DO UPDATE
     SET hits = CASE WHEN r.window_end <= v_now THEN 1 ELSE r.hits + 1 END,
         window_end = CASE WHEN r.window_end <= v_now THEN EXCLUDED.window_end ELSE r.window_end END
  RETURNING r.hits, greatest(0, ceil(extract(epoch FROM r.window_end - v_now) * 1000))::integer;
END
$$;

REVOKE EXECUTE ON FUNCTION tripsage_auth.me(), tripsage_auth.logout(text),
  tripsage_auth.update_user(jsonb, text, text, integer),
  tripsage_auth.request_email_change(text, text, integer, integer),
  tripsage_auth.reauthenticate(text, integer, integer),
  tripsage_auth.request_recovery(text, text, integer, integer),
  tripsage_auth.verify_otp(text, text, text, text, text),
  tripsage_auth.refresh(text, text, integer),
  tripsage_auth.rate_limit_hit(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tripsage_auth.me(), tripsage_auth.logout(text),
  tripsage_auth.update_user(jsonb, text, text, integer),
  tripsage_auth.request_email_change(text, text, integer, integer),
  tripsage_auth.reauthenticate(text, integer, integer) TO authenticated;
GRANT EXECUTE ON FUNCTION tripsage_auth.request_recovery(text, text, integer, integer),
  tripsage_auth.verify_otp(text, text, text, text, text),
  tripsage_auth.refresh(text, text, integer),
  tripsage_auth.rate_limit_hit(text, integer) TO anon;
