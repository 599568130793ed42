/**
 * The database linter (src/db/linter.ts): for each check a fixture that violates it, and one clean
 * fixture that must produce nothing. Every fixture runs on a fresh in-memory PGlite (PostgreSQL 18)
 * and, when the global setup started one, in a fresh database of the native PostgreSQL cluster
 * (PostgreSQL 15), because the policy checks read deparsed expression text.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { formatFindings, lintDatabase, type LintFinding, type QueryFn } from '../src/db/linter.ts';
import { hasNullAuthDisjunct, isLiterallyTrue, unwrappedAuthCalls } from '../src/db/linter.scan.ts';

interface Handle {
  exec(sql: string): Promise<void>;
  query: QueryFn;
  close(): Promise<void>;
}

interface Engine {
  name: string;
  open(): Promise<Handle>;
}

const ROLES = `
do $$
declare r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    begin
      execute format('create role %I nologin', r);
    exception when duplicate_object or unique_violation then null;
    end;
  end loop;
end $$;`;

const pgliteEngine: Engine = {
  name: 'pglite',
  async open() {
    const db = await PGlite.create({ extensions: { pg_trgm } });
    await db.exec(ROLES);
    return {
      exec: async (sql) => {
        await db.exec(sql);
      },
      query: (text, params) => db.query(text, params),
      close: () => db.close(),
    };
  },
};

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function nativeEngine(adminUrl: string): Engine {
  return {
    name: 'postgres',
    async open() {
      const name = `lint_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      const client = new pg.Client({ connectionString: withDatabase(adminUrl, name) });
      await client.connect();
      await client.query(ROLES);
      return {
        exec: async (sql) => {
          await client.query(sql);
        },
        query: (text, params) => client.query(text, params),
        async close() {
          await client.end();
          const a = new pg.Client({ connectionString: adminUrl });
          await a.connect();
          try {
            await a.query(`drop database if exists ${name} with (force)`);
          } finally {
            await a.end();
          }
        },
      };
    },
  };
}

function engines(): Engine[] {
  const list = [pgliteEngine];
  const adminUrl = inject('pgAdminUrl');
  if (adminUrl) list.push(nativeEngine(adminUrl));
  return list;
}

/** The stub of Supabase's auth schema; `pinned` gives auth.uid() a fixed search_path. */
const authStub = (pinned: boolean) => `
create schema auth;
create table auth.users (id uuid primary key, email text unique);
create function auth.uid() returns uuid language sql stable ${pinned ? "set search_path = ''" : ''} as $$
  select (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid
$$;
create schema memory;
`;

async function lintFixture(engine: Engine, sql: string) {
  const h = await engine.open();
  try {
    await h.exec(sql);
    const findings = await lintDatabase(h.query);
    const onlyPublic = await lintDatabase(h.query, { schemas: ['public'] });
    // With auth on the search_path, the deparsed policies show bare `uid()`: same findings.
    await h.exec('set search_path = public, auth');
    const authOnPath = await lintDatabase(h.query);
    const policies = (await h.query(`select policyname, qual from pg_policies where policyname = 'notes_select'`)).rows;
    return { findings, onlyPublic, authOnPath, policies };
  } finally {
    await h.close();
  }
}

function find(findings: LintFinding[], name: string, object: string) {
  return findings.find((f) => f.name === name && f.object === object);
}

function expectFinding(
  findings: LintFinding[],
  name: string,
  level: LintFinding['level'],
  object: string,
): LintFinding {
  const f = find(findings, name, object);
  expect(f, `expected ${name} on ${object}; got:\n${formatFindings(findings)}`).toBeDefined();
  expect(f!.level).toBe(level);
  expect(f!.title.length).toBeGreaterThan(0);
  expect(f!.detail.length).toBeGreaterThan(0);
  expect(f!.remediation.length).toBeGreaterThan(0);
  return f!;
}

function expectNoFinding(findings: LintFinding[], name: string, object: string) {
  expect(find(findings, name, object), `unexpected ${name} on ${object}`).toBeUndefined();
}

const ERROR_FIXTURE = `
${authStub(true)}
-- rls_disabled_in_public (public and memory)
create table public.no_rls (id int primary key, note text);
create table memory.facts (id int primary key, body text);

-- policy_exists_rls_disabled
create table public.pol_no_rls (id int primary key, user_id uuid);
create policy pol_no_rls_select on public.pol_no_rls for select to authenticated
  using ((select auth.uid()) = user_id);

-- security_definer_view (definer view flagged, invoker view and ungranted view not)
create table public.trips (id int primary key, name text);
alter table public.trips enable row level security;
create policy trips_select on public.trips for select to authenticated using (true);
create view public.trips_definer as select id, name from public.trips;
create view public.trips_invoker with (security_invoker = true) as select id, name from public.trips;
create view public.trips_private as select id from public.trips;
grant select on public.trips, public.trips_definer, public.trips_invoker to anon, authenticated;

-- auth_users_exposed: an invoker view over auth.users (which has no RLS), a materialized view
create view public.user_emails with (security_invoker = true) as select id, email from auth.users;
grant select on public.user_emails to authenticated;
create materialized view public.user_ids as select id from auth.users;
grant select on public.user_ids to anon;

-- sensitive_columns_exposed (RLS-protected one not flagged)
create table public.api_creds (id int primary key, api_key text, password_hash text, label text);
grant select on public.api_creds to anon;
create table public.secrets_rls (id int primary key, secret text);
alter table public.secrets_rls enable row level security;
create policy secrets_rls_select on public.secrets_rls for select to anon using (false);
grant select on public.secrets_rls to anon;

-- fkey_to_auth_unique (the FK to the primary key is fine)
create table public.profiles (
  id int primary key,
  email text references auth.users (email),
  user_id uuid references auth.users (id)
);
create index on public.profiles (email);
create index on public.profiles (user_id);
`;

const WARN_FIXTURE = `
${authStub(false)}
-- extension_in_public (its functions are extension-owned: no function_search_path_mutable)
create extension pg_trgm;

-- auth_rls_initplan
create table public.notes (id int primary key, user_id uuid not null);
create index on public.notes (user_id);
alter table public.notes enable row level security;
create policy notes_select on public.notes for select to authenticated using (auth.uid() = user_id);
create policy notes_insert on public.notes for insert to authenticated with check ((select auth.uid()) = user_id);
create policy notes_update on public.notes for update to authenticated
  using ((select auth.uid()) = user_id)
  with check (user_id = (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid);
create policy notes_delete on public.notes for delete to authenticated
  using (user_id = (select (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid));
create table public.members (trip_id int, user_id uuid, primary key (trip_id, user_id));
alter table public.members enable row level security;
create policy members_select on public.members for select to authenticated using ((select auth.uid()) = user_id);
create table public.trip_correlated (id int primary key);
alter table public.trip_correlated enable row level security;
create policy tc_select on public.trip_correlated for select to authenticated using (
  exists (select 1 from public.members m where m.trip_id = trip_correlated.id and m.user_id = auth.uid()));
create table public.trip_wrapped (id int primary key);
alter table public.trip_wrapped enable row level security;
create policy tw_select on public.trip_wrapped for select to authenticated using (
  exists (select 1 from public.members m where m.trip_id = trip_wrapped.id and m.user_id = (select auth.uid())));

-- function_search_path_mutable
create function public.f_mutable() returns int language sql as $$ select 1 $$;
create function public.f_pinned() returns int language sql set search_path = '' as $$ select 1 $$;
create function public.f_pinned_public(a int) returns int language sql set search_path = public as $$ select a $$;

-- multiple_permissive_policies (FOR ALL to public counts for every role and action)
create table public.multi (id int primary key, user_id uuid);
alter table public.multi enable row level security;
create policy multi_all on public.multi using ((select auth.uid()) = user_id);
create policy multi_read on public.multi for select to authenticated using ((select auth.uid()) is not null);
create policy multi_restrict on public.multi as restrictive for delete to authenticated using (false);

-- duplicate_index (partial and unique variants are different indexes)
create table public.dup (id int primary key, a int, b int);
alter table public.dup enable row level security;
create index dup_a_1 on public.dup (a);
create index dup_a_2 on public.dup (a);
create unique index dup_a_u on public.dup (a);
create index dup_b on public.dup (b);
create index dup_b_partial on public.dup (b) where b > 0;

-- rls_policy_always_true (SELECT and service_role policies are not flagged)
create table public.open_table (id int primary key);
alter table public.open_table enable row level security;
create policy open_update on public.open_table for update to authenticated using (true) with check (true);
create policy open_insert on public.open_table for insert to anon with check (1 = 1);
create policy open_read on public.open_table for select to anon using (true);
create policy open_service on public.open_table for all to service_role using (true) with check (true);

-- rls_policy_null_auth_disjunct (a gated OR inside an AND is fine)
create table public.leaky (id int primary key, user_id uuid);
alter table public.leaky enable row level security;
create policy leaky_select on public.leaky for select to anon, authenticated
  using (auth.uid() is null or user_id = auth.uid());
create table public.leaky_wrapped (id int primary key, user_id uuid);
alter table public.leaky_wrapped enable row level security;
create policy leaky_wrapped_select on public.leaky_wrapped for select to authenticated
  using ((select auth.uid()) is null or user_id = (select auth.uid()));
create table public.gated (id int primary key, user_id uuid);
alter table public.gated enable row level security;
create policy gated_select on public.gated for select to authenticated
  using ((select auth.uid()) is not null and (user_id = (select auth.uid()) or user_id is null));
`;

const INFO_FIXTURE = `
${authStub(true)}
create table public.parents (id int primary key, code int not null, unique (id, code));
alter table public.parents enable row level security;
create policy parents_select on public.parents for select to authenticated using (true);

create table public.child_unindexed (id int primary key, parent_id int references public.parents (id));
create table public.child_indexed (id int primary key, parent_id int references public.parents (id));
create index on public.child_indexed (parent_id, id);
create table public.child_second (id int primary key, parent_id int references public.parents (id), x int);
create index on public.child_second (x, parent_id);
create table public.child_composite (
  id int primary key, pid int, pcode int,
  foreign key (pid, pcode) references public.parents (id, code)
);
create index on public.child_composite (pcode, pid);

create table public.rls_no_policy (id int primary key);
alter table public.rls_no_policy enable row level security;

create table public.no_pk (a int);
`;

const CLEAN_FIXTURE = `
${authStub(true)}
create table public.trips (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null
);
create index trips_user_id_idx on public.trips (user_id);
alter table public.trips enable row level security;
create policy trips_select on public.trips for select to authenticated using ((select auth.uid()) = user_id);
create policy trips_insert on public.trips for insert to authenticated with check ((select auth.uid()) = user_id);
create policy trips_update on public.trips for update to authenticated
  using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
create policy trips_delete on public.trips for delete to authenticated using ((select auth.uid()) = user_id);
create policy trips_service on public.trips for all to service_role using (true) with check (true);
grant select, insert, update, delete on public.trips to authenticated;

create table memory.notes (
  id bigint generated always as identity primary key,
  trip_id uuid not null references public.trips (id) on delete cascade,
  user_id uuid not null,
  body text not null
);
create index on memory.notes (trip_id);
alter table memory.notes enable row level security;
create policy notes_all on memory.notes for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

create function public.trip_count() returns bigint language sql stable set search_path = ''
  as $$ select count(*) from public.trips $$;
create view public.trip_names with (security_invoker = true) as select id, name from public.trips;
grant select on public.trip_names to authenticated;
`;

describe('linter text helpers', () => {
  it('finds auth calls not wrapped in a scalar sub-select', () => {
    expect(unwrappedAuthCalls('(auth.uid() = user_id)')).toEqual(['auth.uid()']);
    expect(unwrappedAuthCalls('(( SELECT auth.uid() AS uid) = user_id)')).toEqual([]);
    expect(unwrappedAuthCalls("((auth.jwt() ->> 'role'::text) = 'admin'::text)")).toEqual(['auth.jwt()']);
    expect(
      unwrappedAuthCalls(
        "(user_id = ( SELECT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::jsonb ->> 'sub'::text))::uuid AS uuid))",
      ),
    ).toEqual([]);
    expect(unwrappedAuthCalls("(user_id = (current_setting('x'::text))::uuid)")).toEqual(['current_setting(...)']);
    // a correlated sub-select still runs per row
    expect(
      unwrappedAuthCalls('(EXISTS ( SELECT 1 FROM members m WHERE ((m.trip_id = t.id) AND (m.user_id = auth.uid()))))'),
    ).toEqual(['auth.uid()']);
    expect(
      unwrappedAuthCalls(
        '(EXISTS ( SELECT 1 FROM members m WHERE ((m.trip_id = t.id) AND (m.user_id = ( SELECT auth.uid() AS uid)))))',
      ),
    ).toEqual([]);
    // text in literals is not a call; bare names only count when auth is on the search_path
    expect(unwrappedAuthCalls("(note = 'auth.uid()'::text)")).toEqual([]);
    expect(unwrappedAuthCalls('(uid() = user_id)')).toEqual([]);
    expect(unwrappedAuthCalls('(uid() = user_id)', true)).toEqual(['uid()']);
    expect(unwrappedAuthCalls('(my_auth.uid() = user_id)')).toEqual([]);
  });

  it('finds a top-level OR with a null auth check', () => {
    expect(hasNullAuthDisjunct('((auth.uid() IS NULL) OR (user_id = auth.uid()))')).toBe(true);
    expect(hasNullAuthDisjunct('((( SELECT auth.uid() AS uid) IS NULL) OR (user_id = ( SELECT auth.uid() AS uid)))')).toBe(true);
    expect(hasNullAuthDisjunct('((NOT (auth.uid() IS NOT NULL)) OR (1 = 1))')).toBe(true);
    expect(hasNullAuthDisjunct("((current_setting('request.jwt.claims'::text, true) IS NULL) OR is_public)")).toBe(true);
    // current_setting without missing_ok raises instead of returning NULL
    expect(hasNullAuthDisjunct("((current_setting('request.jwt.claims'::text) IS NULL) OR is_public)")).toBe(false);
    expect(hasNullAuthDisjunct('(auth.uid() IS NULL)')).toBe(false);
    expect(hasNullAuthDisjunct('((user_id IS NULL) OR (user_id = auth.uid()))')).toBe(false);
    expect(
      hasNullAuthDisjunct('((( SELECT auth.uid() AS uid) IS NOT NULL) AND ((user_id = ( SELECT auth.uid() AS uid)) OR (user_id IS NULL)))'),
    ).toBe(false);
    expect(hasNullAuthDisjunct('(((auth.uid() IS NULL) OR is_public) AND (owner = auth.uid()))')).toBe(false);
  });

  it('recognises literal true', () => {
    expect(isLiterallyTrue('true')).toBe(true);
    expect(isLiterallyTrue('(1 = 1)')).toBe(true);
    expect(isLiterallyTrue(null)).toBe(false);
    expect(isLiterallyTrue('(user_id IS NOT NULL)')).toBe(false);
  });

  it('formats findings', () => {
    expect(formatFindings([])).toMatch(/no findings/);
    const text = formatFindings([
      {
        name: 'no_primary_key',
        level: 'INFO',
        title: 'No Primary Key',
        detail: 'Table `public.t` does not have a primary key.',
        object: 'public.t',
        remediation: 'add one',
      },
      {
        name: 'rls_disabled_in_public',
        level: 'ERROR',
        title: 'RLS Disabled in Public',
        detail: 'Table `public.t` is in an exposed schema but RLS has not been enabled.',
        object: 'public.t',
        remediation: 'enable it',
      },
    ]);
    expect(text).toMatch(/2 findings: 1 error, 0 warnings, 1 info/);
    expect(text.indexOf('rls_disabled_in_public')).toBeLessThan(text.indexOf('no_primary_key'));
  });
});

describe.each(engines().map((e) => [e.name, e] as const))('lintDatabase on %s', (_name, engine) => {
  it('reports the ERROR checks', async () => {
    const { findings, onlyPublic } = await lintFixture(engine, ERROR_FIXTURE);
    const E = 'ERROR';

    expectFinding(findings, 'rls_disabled_in_public', E, 'public.no_rls');
    expectFinding(findings, 'rls_disabled_in_public', E, 'memory.facts');
    expectNoFinding(onlyPublic, 'rls_disabled_in_public', 'memory.facts');
    expectFinding(onlyPublic, 'rls_disabled_in_public', E, 'public.no_rls');
    expectNoFinding(findings, 'rls_disabled_in_public', 'public.trips');
    expectNoFinding(findings, 'rls_disabled_in_public', 'auth.users');

    expectFinding(findings, 'policy_exists_rls_disabled', E, 'public.pol_no_rls');
    expectNoFinding(findings, 'policy_exists_rls_disabled', 'public.trips');

    expectFinding(findings, 'security_definer_view', E, 'public.trips_definer');
    expectNoFinding(findings, 'security_definer_view', 'public.trips_invoker');
    expectNoFinding(findings, 'security_definer_view', 'public.trips_private');

    expectFinding(findings, 'auth_users_exposed', E, 'public.user_emails');
    expectFinding(findings, 'auth_users_exposed', E, 'public.user_ids');

    const sensitive = expectFinding(findings, 'sensitive_columns_exposed', E, 'public.api_creds');
    expect(sensitive.detail).toMatch(/api_key/);
    expect(sensitive.detail).toMatch(/password_hash/);
    expect(sensitive.detail).not.toMatch(/label/);
    expectNoFinding(findings, 'sensitive_columns_exposed', 'public.secrets_rls');

    expectFinding(findings, 'fkey_to_auth_unique', E, 'public.profiles (profiles_email_fkey)');
    expectNoFinding(findings, 'fkey_to_auth_unique', 'public.profiles (profiles_user_id_fkey)');

    // the clean parts of this fixture raise no WARN
    expect(findings.filter((f) => f.level === 'WARN')).toEqual([]);
  });

  it('reports the WARN checks', async () => {
    const { findings, authOnPath, policies } = await lintFixture(engine, WARN_FIXTURE);
    const W = 'WARN';
    expect(policies[0]?.qual).toBe('(uid() = user_id)');
    const key = (fs: LintFinding[]) => fs.map((f) => `${f.name} ${f.object}`);
    expect(key(authOnPath)).toEqual(key(findings));

    expectFinding(findings, 'auth_rls_initplan', W, 'public.notes (notes_select)');
    expectFinding(findings, 'auth_rls_initplan', W, 'public.notes (notes_update)');
    expectNoFinding(findings, 'auth_rls_initplan', 'public.notes (notes_insert)');
    expectNoFinding(findings, 'auth_rls_initplan', 'public.notes (notes_delete)');
    expectNoFinding(findings, 'auth_rls_initplan', 'public.members (members_select)');
    expectFinding(findings, 'auth_rls_initplan', W, 'public.trip_correlated (tc_select)');
    expectNoFinding(findings, 'auth_rls_initplan', 'public.trip_wrapped (tw_select)');
    expectFinding(findings, 'auth_rls_initplan', W, 'public.leaky (leaky_select)');

    expectFinding(findings, 'function_search_path_mutable', W, 'public.f_mutable()');
    expectFinding(findings, 'function_search_path_mutable', W, 'auth.uid()');
    expectNoFinding(findings, 'function_search_path_mutable', 'public.f_pinned()');
    expectNoFinding(findings, 'function_search_path_mutable', 'public.f_pinned_public(a integer)');
    // pg_trgm's functions live in public but belong to the extension
    expect(
      findings.filter((f) => f.name === 'function_search_path_mutable').map((f) => f.object).sort(),
    ).toEqual(['auth.uid()', 'public.f_mutable()']);

    expectFinding(findings, 'multiple_permissive_policies', W, 'public.multi (authenticated, SELECT)');
    expectNoFinding(findings, 'multiple_permissive_policies', 'public.multi (anon, SELECT)');
    expectNoFinding(findings, 'multiple_permissive_policies', 'public.multi (authenticated, DELETE)');
    expectNoFinding(findings, 'multiple_permissive_policies', 'public.notes (authenticated, SELECT)');

    const dup = expectFinding(findings, 'duplicate_index', W, 'public.dup');
    expect(dup.detail).toMatch(/dup_a_1, dup_a_2/);
    expect(dup.detail).not.toMatch(/dup_b|dup_a_u/);
    expect(findings.filter((f) => f.name === 'duplicate_index')).toHaveLength(1);

    expectFinding(findings, 'extension_in_public', W, 'pg_trgm');

    expectFinding(findings, 'rls_policy_always_true', W, 'public.open_table (open_update)');
    expectFinding(findings, 'rls_policy_always_true', W, 'public.open_table (open_insert)');
    expectNoFinding(findings, 'rls_policy_always_true', 'public.open_table (open_read)');
    expectNoFinding(findings, 'rls_policy_always_true', 'public.open_table (open_service)');

    expectFinding(findings, 'rls_policy_null_auth_disjunct', W, 'public.leaky (leaky_select)');
    expectFinding(findings, 'rls_policy_null_auth_disjunct', W, 'public.leaky_wrapped (leaky_wrapped_select)');
    expectNoFinding(findings, 'rls_policy_null_auth_disjunct', 'public.gated (gated_select)');

    // nothing here is ERROR-worthy: every table has RLS and none is exposed without it
    expect(findings.filter((f) => f.level === 'ERROR')).toEqual([]);
  });

  it('reports the INFO checks', async () => {
    const { findings } = await lintFixture(engine, INFO_FIXTURE);
    const I = 'INFO';

    expectFinding(findings, 'unindexed_foreign_keys', I, 'public.child_unindexed (child_unindexed_parent_id_fkey)');
    expectFinding(findings, 'unindexed_foreign_keys', I, 'public.child_second (child_second_parent_id_fkey)');
    expectNoFinding(findings, 'unindexed_foreign_keys', 'public.child_indexed (child_indexed_parent_id_fkey)');
    expect(findings.filter((f) => f.name === 'unindexed_foreign_keys')).toHaveLength(2);

    expectFinding(findings, 'rls_enabled_no_policy', I, 'public.rls_no_policy');
    expectNoFinding(findings, 'rls_enabled_no_policy', 'public.parents');

    expectFinding(findings, 'no_primary_key', I, 'public.no_pk');
    expect(findings.filter((f) => f.name === 'no_primary_key')).toHaveLength(1);
  });

  it('finds nothing in a clean schema', async () => {
    const { findings } = await lintFixture(engine, CLEAN_FIXTURE);
    expect(findings, formatFindings(findings)).toEqual([]);
  });
});
