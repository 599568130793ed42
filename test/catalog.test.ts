import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { readSchemaFacts, stripExtensionsSchema } from '../src/db/catalog.ts';
import { compareFacts, formatFactDiff, staleAllowances } from '../src/db/conformance.ts';
import { extractSqlBlocks, splitStatements } from '../scripts/gen-expected-schema.ts';

describe('readSchemaFacts', () => {
  let db: PGlite;

  beforeAll(async () => {
    db = await PGlite.create({ extensions: { citext } });
    await db.exec(`
      create schema extensions;
      create extension citext with schema extensions;
      create table public.owners (id uuid primary key);
      create table public.items (
        id bigint generated always as identity primary key,
        owner_id uuid references public.owners(id) on delete set null,
        code extensions.citext not null,
        status text not null default 'new',
        qty integer not null default 1,
        created_at timestamptz not null default now(),
        constraint items_qty_check check (qty > 0),
        constraint items_code_unique unique (code)
      );
      create index idx_items_open on public.items (owner_id) where status <> 'done';
      create index idx_items_created on public.items (created_at desc);
      create function public.touch() returns trigger language plpgsql as $$ begin return new; end $$;
      create trigger items_touch before update on public.items for each row execute function public.touch();
      comment on table public.items is 'Things people own';
      comment on column public.items.status is 'it''s the status';
      create view public.items_view as select id from public.items;
      create table plain (x int);
      create schema hidden;
      create table hidden.t (x int);
    `);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('describes tables, columns, constraints, indexes, triggers and comments', async () => {
    const facts = await readSchemaFacts((text, params) => db.query(text, params));
    expect(facts).toEqual(
      [
        'table public.items',
        'table public.owners',
        'table public.plain',
        'column public.items.id bigint not null identity always',
        'column public.items.owner_id uuid',
        'column public.items.code citext not null',
        "column public.items.status text not null default 'new'::text",
        'column public.items.qty integer not null default 1',
        'column public.items.created_at timestamp with time zone not null default now()',
        'column public.owners.id uuid not null',
        'column public.plain.x integer',
        'constraint public.items.items_pkey primary key (id)',
        'constraint public.items.items_owner_id_fkey foreign key (owner_id) -> public.owners(id) on delete set null',
        'constraint public.items.items_qty_check check CHECK ((qty > 0))',
        'constraint public.items.items_code_unique unique (code)',
        'constraint public.owners.owners_pkey primary key (id)',
        'index public.items.items_pkey unique btree (id)',
        'index public.items.items_code_unique unique btree (code)',
        "index public.items.idx_items_open btree (owner_id) where status <> 'done'::text",
        'index public.items.idx_items_created btree (created_at desc)',
        'index public.owners.owners_pkey unique btree (id)',
        'trigger public.items.items_touch before update row execute public.touch()',
        "comment table public.items 'Things people own'",
        "comment column public.items.status 'it''s the status'",
      ].sort(),
    );
    // sorted, and no NOT NULL constraint rows (PostgreSQL 18 records them in pg_constraint)
    expect([...facts].sort()).toEqual(facts);
    expect(facts.some((f) => /not_null/.test(f))).toBe(false);
  });

  it('reads only the schemas asked for', async () => {
    const facts = await readSchemaFacts((text, params) => db.query(text, params), ['hidden']);
    expect(facts).toEqual(['column hidden.t.x integer', 'table hidden.t']);
  });
});

describe('stripExtensionsSchema', () => {
  it('removes the extensions qualification outside literals only', () => {
    expect(stripExtensionsSchema('extensions.vector(1536)')).toBe('vector(1536)');
    expect(stripExtensionsSchema('extensions.uuid_generate_v4()')).toBe('uuid_generate_v4()');
    expect(stripExtensionsSchema("'extensions.x'::text")).toBe("'extensions.x'::text");
    expect(stripExtensionsSchema('myextensions.f()')).toBe('myextensions.f()');
  });
});

describe('compareFacts', () => {
  const expected = ['table public.a', 'column public.a.x integer', 'index public.a.idx_a_x btree (x)'];

  it('reports missing and extra facts', () => {
    const actual = ['table public.a', 'column public.a.x integer not null', 'index public.a.idx_a_x btree (x)'];
    expect(compareFacts(expected, actual, { missing: {}, extra: [] })).toEqual({
      missing: ['column public.a.x integer'],
      extra: ['column public.a.x integer not null'],
    });
  });

  it('honours both allow-lists', () => {
    const actual = ['table public.a', 'column public.a.x integer', 'trigger public.a.a_touch before update row execute public.t()'];
    const allow = {
      missing: { 'index public.a.idx_a_x btree (x)': 'replaced by a BRIN index' },
      extra: [{ pattern: /^trigger public\.\w+\.\w+_touch /, reason: 'updated_at triggers on every table' }],
    };
    const result = compareFacts(expected, actual, allow);
    expect(result).toEqual({ missing: [], extra: [] });
    expect(formatFactDiff(result)).toMatch(/conforms/);
    expect(staleAllowances(expected, actual, allow)).toEqual([]);
  });

  it('allow-lists only exact missing facts, and flags stale allowances', () => {
    const result = compareFacts(expected, ['table public.a'], {
      missing: { 'index public.a.idx_a_x': 'prefix is not enough' },
      extra: [],
    });
    expect(result.missing).toEqual(['column public.a.x integer', 'index public.a.idx_a_x btree (x)']);
    const message = formatFactDiff(result);
    expect(message).toContain('  - index public.a.idx_a_x btree (x)');
    expect(message).toContain('test/conformance/deviations.ts');
    expect(message).toContain('docs/schema.md');
    expect(
      staleAllowances(expected, expected, { missing: { 'table public.a': 'x' }, extra: [{ pattern: /^zzz/, reason: 'y' }] }),
    ).toHaveLength(2);
  });
});

describe('seed statement splitting', () => {
  it('extracts sql blocks and splits on top-level semicolons only', () => {
    const md = [
      'text',
      '```sql',
      "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN x := 'a;b'; RETURN NEW; END; $$ LANGUAGE plpgsql;",
      "-- a comment; with a semicolon\nCOMMENT ON TABLE t IS 'it''s; fine';",
      'SELECT "we;ird" FROM t /* c; */ ; -- trailing only',
      '```',
      '```bash',
      'echo no;',
      '```',
    ].join('\n');
    const blocks = extractSqlBlocks(md);
    expect(blocks).toHaveLength(1);
    expect(splitStatements(blocks[0]!)).toEqual([
      "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN x := 'a;b'; RETURN NEW; END; $$ LANGUAGE plpgsql",
      "-- a comment; with a semicolon\nCOMMENT ON TABLE t IS 'it''s; fine'",
      'SELECT "we;ird" FROM t /* c; */',
    ]);
  });
});
