-- 000007: sessions and refresh tokens of the built-in identity service (Supabase Auth-shaped
-- endpoints under /auth/v1). They live in the private `tripsage` schema rather than `auth`, so
-- they can never collide with a Supabase project's own auth tables. Refresh tokens are stored
-- only as SHA-256 hashes.

CREATE TABLE IF NOT EXISTS tripsage.auth_sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    refreshed_at timestamptz,
    revoked_at timestamptz,
    revoked_reason text CHECK (revoked_reason IN ('logout', 'refresh_token_reuse', 'password_change'))
);
CREATE INDEX IF NOT EXISTS idx_auth_sessions_user_id ON tripsage.auth_sessions (user_id);

CREATE TABLE IF NOT EXISTS tripsage.refresh_tokens (
    token_hash text PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES tripsage.auth_sessions(id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at timestamptz
);
CREATE INDEX IF NOT EXISTS idx_refresh_tokens_session_id ON tripsage.refresh_tokens (session_id);

-- The identity service runs as service_role (a trusted job), never as the end user.
GRANT USAGE ON SCHEMA tripsage TO service_role, authenticator;
GRANT SELECT, INSERT, UPDATE, DELETE ON tripsage.auth_sessions, tripsage.refresh_tokens TO service_role;
-- /ready compares the applied migrations with the files, as the connection role.
GRANT SELECT ON tripsage.schema_migrations TO authenticator;
