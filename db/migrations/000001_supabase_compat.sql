-- 000001: extensions, schemas and the Supabase compatibility layer.
-- tripsage:supersedes-checksum 26ed634bf7c5ce1455948a3dfb897beef391d24643a8ea511ee4362a2cae472f
--   (the first release: it failed for a database owner who is not a superuser; databases that
--   ran it are the same as after this version, so its record is not drift)
--
-- Everything here is created only where absent, so the same file runs unchanged on a Supabase
-- project (where the roles, the auth schema and its helpers already exist and belong to Supabase),
-- on Neon or plain PostgreSQL, and on the embedded PGlite database.

-- Extensions live in their own schema, as on Supabase (the linter's extension_in_public).
-- pgvector is not created here: it belongs to the memory migration, which the operator may switch
-- off on a server without pgvector (TRIPSAGE_MEMORY=off).
CREATE SCHEMA IF NOT EXISTS extensions;
GRANT USAGE ON SCHEMA extensions TO PUBLIC;
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions;
-- pg_stat_statements feeds the monitoring view public.slow_queries (000005) and nothing else: it
-- is optional. Creating it needs a superuser (it is not a trusted extension), which a database
-- owner on a managed platform is not; without it the view is simply not created.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') THEN
    CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA extensions;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pg_stat_statements not created (needs a superuser): public.slow_queries will not exist';
END
$$;

-- The seed's schemas. `memory` stays empty: the seed itself places memory_embeddings in public.
CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS memory;

-- The API roles (Supabase's names and attributes). Roles belong to the whole cluster, and
-- service_role's BYPASSRLS can only be given by a superuser (or, on PostgreSQL 16+, by a role
-- with CREATEROLE that has BYPASSRLS itself): a database owner who cannot create them gets the
-- exact statements a superuser must run once (docs/operations.md, "Your own PostgreSQL").
DO $$
DECLARE
  todo text := '';
  r text;
  fresh boolean := NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticator');
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
    todo := todo || 'CREATE ROLE anon NOLOGIN NOINHERIT; ';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    todo := todo || 'CREATE ROLE authenticated NOLOGIN NOINHERIT; ';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    todo := todo || 'CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; ';
  END IF;
  IF fresh THEN
    -- No password: the operator sets one (docs/operations.md) before the API server logs in.
    todo := todo || 'CREATE ROLE authenticator LOGIN NOINHERIT; ';
  END IF;
  -- authenticator switches to each API role per request: a member of each (only where missing:
  -- granting needs rights on the role even when nothing changes).
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
    IF fresh OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      todo := todo || format('GRANT %I TO authenticator; ', r);
    ELSIF NOT pg_has_role('authenticator', r, 'MEMBER') THEN
      todo := todo || format('GRANT %I TO authenticator; ', r);
    END IF;
  END LOOP;
  IF todo = '' THEN
    RETURN;
  END IF;
  BEGIN
    EXECUTE todo;
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'the API roles are missing and % may not create them (%). Run once, as a superuser: % then migrate again (docs/operations.md, "Your own PostgreSQL")',
      current_user, SQLERRM, rtrim(todo)
      USING ERRCODE = 'insufficient_privilege';
  END;
END
$$;

GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA memory TO authenticated, service_role;

-- auth.users with Supabase's key columns, only where Supabase's own table is absent.
DO $$
BEGIN
  IF to_regclass('auth.users') IS NULL THEN
    CREATE TABLE auth.users (
      instance_id uuid,
      id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      aud varchar(255),
      role varchar(255),
      email varchar(255),
      encrypted_password varchar(255),
      email_confirmed_at timestamptz,
      last_sign_in_at timestamptz,
      raw_app_meta_data jsonb,
      raw_user_meta_data jsonb,
      is_super_admin boolean,
      is_anonymous boolean NOT NULL DEFAULT false,
      created_at timestamptz DEFAULT now(),
      updated_at timestamptz DEFAULT now(),
      deleted_at timestamptz
    );
    -- Supabase stores emails lower-cased; the index makes the database enforce it case-insensitively.
    CREATE UNIQUE INDEX users_email_key ON auth.users (lower(email));
    COMMENT ON TABLE auth.users IS 'Identities (Supabase Auth shape); created by TripSage only where absent';
    -- Trusted jobs (sign-up, token issue) run as service_role; end users never read this table.
    GRANT SELECT, INSERT, UPDATE, DELETE ON auth.users TO service_role;
  END IF;
END
$$;

-- The helpers, exactly as Supabase defines them, only where absent.
DO $$
BEGIN
  IF to_regprocedure('auth.uid()') IS NULL THEN
    CREATE FUNCTION auth.uid() RETURNS uuid
      LANGUAGE sql STABLE SET search_path = ''
      AS $f$
        SELECT coalesce(
          nullif(current_setting('request.jwt.claim.sub', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
        )::uuid
      $f$;
  END IF;
  IF to_regprocedure('auth.role()') IS NULL THEN
    CREATE FUNCTION auth.role() RETURNS text
      LANGUAGE sql STABLE SET search_path = ''
      AS $f$
        SELECT coalesce(
          nullif(current_setting('request.jwt.claim.role', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
        )::text
      $f$;
  END IF;
  IF to_regprocedure('auth.email()') IS NULL THEN
    CREATE FUNCTION auth.email() RETURNS text
      LANGUAGE sql STABLE SET search_path = ''
      AS $f$
        SELECT coalesce(
          nullif(current_setting('request.jwt.claim.email', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
        )::text
      $f$;
  END IF;
  IF to_regprocedure('auth.jwt()') IS NULL THEN
    CREATE FUNCTION auth.jwt() RETURNS jsonb
      LANGUAGE sql STABLE SET search_path = ''
      AS $f$
        SELECT coalesce(
          nullif(current_setting('request.jwt.claim', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
      $f$;
  END IF;
END
$$;

GRANT EXECUTE ON FUNCTION auth.uid(), auth.role(), auth.email(), auth.jwt()
  TO anon, authenticated, service_role;
