/**
 * The migrator: once per file, checksums and drift, the memory switch, the advisory lock, and
 * running unchanged over a Supabase-shaped database.
 */
import { cpSync, mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relationExists } from '../src/db/catalog.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrate, migrationStatus, MigrationError, MIGRATIONS_DIR, readMigrationFiles } from '../src/db/migrate.ts';
import { describeEachBackend, testBackends, type Handle } from './harness/backends.ts';

const FILES = readMigrationFiles();
/** The memory feature's files (they need pgvector). */
const MEMORY_FILES = FILES.filter((f) => f.requiresExtension === 'vector').map((f) => f.name);

async function withEmpty<T>(backendName: string, fn: (h: Handle) => Promise<T>): Promise<T> {
  const backend = testBackends().find((b) => b.name === backendName)!;
  const h = await backend.empty();
  try {
    return await fn(h);
  } finally {
    await h.db.close();
    await h.drop();
  }
}

describeEachBackend('migrations', (ctx) => {
  it('migrating an up-to-date database again is a no-op', async () => {
    const before = await migrationStatus(ctx.db);
    const r = await migrate(ctx.db, { features: { memory: ctx.memory } });
    expect(r).toEqual({ applied: [], skipped: [] });
    const after = await migrationStatus(ctx.db);
    expect(after.applied).toEqual(before.applied);
    expect(after.pending).toEqual([]);
  });

  it('records each file with its checksum; the memory file is skipped only where the feature is off', async () => {
    const s = await migrationStatus(ctx.db);
    const recorded = new Map([...s.applied, ...s.skipped].map((r) => [r.name, r]));
    for (const f of FILES) expect(recorded.get(f.name)?.checksum, f.name).toBe(f.checksum);
    expect(s.skipped.map((r) => r.name)).toEqual(ctx.memory ? [] : MEMORY_FILES);
    expect(await relationExists(ctx.db, 'public.memory_embeddings')).toBe(ctx.memory);
  });

  it('reports an applied file that was edited as drift, and refuses to migrate over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tripsage-migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    appendFileSync(join(dir, '000002_tables.sql'), '\n-- edited after it ran\n');
    const s = await migrationStatus(ctx.db, dir);
    expect(s.drift.map((d) => d.name)).toEqual(['000002_tables.sql']);
    await expect(migrate(ctx.db, { dir, features: { memory: ctx.memory } })).rejects.toThrow(
      /000002_tables\.sql.*restore the file/s,
    );
  });

  it('does not treat CRLF line endings as drift', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tripsage-migrations-'));
    for (const f of FILES) {
      appendFileSync(join(dir, f.name), f.sql.replace(/\n/g, '\r\n'));
    }
    expect((await migrationStatus(ctx.db, dir)).drift).toEqual([]);
  });

  it('applies a new file, then a file that fails rolls back completely and says which file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tripsage-migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    appendFileSync(join(dir, '900001_ok.sql'), 'CREATE TABLE tripsage.probe_ok (id int);');
    appendFileSync(join(dir, '900002_broken.sql'), 'CREATE TABLE tripsage.probe_half (id int);\nSELECT no_such_function();');
    const err = await migrate(ctx.db, { dir, features: { memory: ctx.memory } }).catch((e) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(err.message).toMatch(/900002_broken\.sql failed and was rolled back/);
    expect(await relationExists(ctx.db, 'tripsage.probe_ok')).toBe(true);
    expect(await relationExists(ctx.db, 'tripsage.probe_half')).toBe(false);
    const s = await migrationStatus(ctx.db, dir);
    expect(s.pending.map((p) => p.name)).toEqual(['900002_broken.sql']);
  });
});

for (const backend of testBackends()) {
  describe(`memory switch and fresh databases [${backend.name}]`, () => {
    if (backend.name === 'pglite') {
      it('TRIPSAGE_MEMORY=off skips the memory table; switching it back on migrates it in', async () => {
        await withEmpty(backend.name, async ({ db }) => {
          const off = await migrate(db, { features: { memory: false } });
          expect(off.skipped).toEqual(MEMORY_FILES);
          expect(await relationExists(db, 'public.memory_embeddings')).toBe(false);
          expect((await migrate(db, { features: { memory: false } })).skipped).toEqual([]);
          const on = await migrate(db, { features: { memory: true } });
          expect(on).toEqual({ applied: MEMORY_FILES, skipped: [] });
          expect(await relationExists(db, 'public.memory_embeddings')).toBe(true);
          expect((await migrationStatus(db)).skipped).toEqual([]);
        });
      });
    } else {
      it('without pgvector, migrate stops before applying anything and says how to fix it', async () => {
        await withEmpty(backend.name, async ({ db }) => {
          const err = await migrate(db).catch((e) => e);
          expect(err).toBeInstanceOf(MigrationError);
          expect(err.message).toMatch(/needs the PostgreSQL extension "vector"/);
          expect(err.message).toMatch(/TRIPSAGE_MEMORY=off/);
          expect(err.message).toMatch(/apt-get install postgresql-<major>-pgvector/);
          expect(await relationExists(db, 'public.trips')).toBe(false);
        });
      });

      it('two processes migrating one database at once do not collide (advisory lock)', async () => {
        await withEmpty(backend.name, async ({ url }) => {
          const a = await openDatabase({ databaseUrl: url!, poolSize: 2 });
          const b = await openDatabase({ databaseUrl: url!, poolSize: 2 });
          try {
            const [ra, rb] = await Promise.all([
              migrate(a, { features: { memory: false } }),
              migrate(b, { features: { memory: false } }),
            ]);
            const applied = [...ra.applied, ...rb.applied].sort();
            expect(applied).toEqual(FILES.map((f) => f.name).filter((n) => !MEMORY_FILES.includes(n)));
            expect([...ra.skipped, ...rb.skipped].sort()).toEqual(MEMORY_FILES);
            const s = await migrationStatus(a);
            expect(s.applied).toHaveLength(FILES.length - MEMORY_FILES.length);
          } finally {
            await a.close();
            await b.close();
          }
        });
      });
    }

    it('runs unchanged over a Supabase-shaped database: nothing replaced, nothing fails', async () => {
      await withEmpty(backend.name, async ({ db }) => {
        await db.withSession((s) => s.exec(SUPABASE_FIXTURE));
        const snapshot = () =>
          db.query(`
            SELECT
              (SELECT pg_get_functiondef('auth.uid()'::regprocedure)) AS uid_def,
              (SELECT pg_get_functiondef('auth.role()'::regprocedure)) AS role_def,
              (SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
                 WHERE attrelid = 'auth.users'::regclass AND attnum > 0 AND NOT attisdropped) AS user_columns,
              (SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes
                 WHERE schemaname = 'auth' AND tablename = 'users') AS user_indexes,
              (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'auth.users'::regclass) AS users_owner,
              (SELECT string_agg(rolname || ':' || rolbypassrls || rolinherit || rolcanlogin, ',' ORDER BY rolname)
                 FROM pg_roles WHERE rolname IN ('anon','authenticated','service_role','authenticator')) AS roles`);
        const before = (await snapshot()).rows[0];
        await migrate(db, { features: { memory: backend.memory } });
        expect((await snapshot()).rows[0]).toEqual(before);
        // The existing identity got its profile.
        const p = await db.query(`SELECT email FROM public.users WHERE auth_user_id = '00000000-0000-0000-0000-0000000000aa'`);
        expect(p.rows).toEqual([{ email: 'existing@example.test' }]);
      });
    });
  });
}

/**
 * What a Supabase project already has before our migrations run (abridged from Supabase's own
 * auth schema): the roles, auth.users with more columns than ours and owned by another role,
 * Supabase's own helper definitions, and extensions in `extensions`.
 */
const SUPABASE_FIXTURE = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticator') THEN CREATE ROLE authenticator LOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'supabase_auth_admin') THEN CREATE ROLE supabase_auth_admin NOLOGIN NOINHERIT; END IF;
END $$;
GRANT anon, authenticated, service_role TO authenticator;
CREATE SCHEMA extensions;
CREATE EXTENSION "uuid-ossp" WITH SCHEMA extensions;
CREATE SCHEMA auth AUTHORIZATION supabase_auth_admin;
CREATE TABLE auth.users (
  instance_id uuid,
  id uuid NOT NULL PRIMARY KEY,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  recovery_token varchar(255),
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text UNIQUE DEFAULT NULL,
  is_sso_user boolean NOT NULL DEFAULT false,
  deleted_at timestamptz,
  is_anonymous boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX users_email_partial_key ON auth.users (email) WHERE (is_sso_user = false);
ALTER TABLE auth.users OWNER TO supabase_auth_admin;
INSERT INTO auth.users (id, email) VALUES ('00000000-0000-0000-0000-0000000000aa', 'existing@example.test');
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $f$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$f$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $f$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$f$;
CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $f$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$f$;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $f$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$f$;
ALTER FUNCTION auth.uid() OWNER TO supabase_auth_admin;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
`;
