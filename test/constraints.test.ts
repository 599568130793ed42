/**
 * The database's own integrity rules, on every backend:
 *
 * - every CHECK constraint rejects a violating row (23514, named) and accepts its boundary values,
 *   driven by one table of cases that must cover every CHECK in the catalog;
 * - UNIQUE constraints (23505), foreign keys (23503) and their ON DELETE rules;
 * - identity columns are GENERATED ALWAYS (428C9).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { createUser, describeEachBackend } from './harness/backends.ts';
import { failure, insert, makeFixture, type Fixture, type Row } from './harness/fixtures.ts';

async function count(db: Database, table: string, where: string, params: unknown[]): Promise<number> {
  const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.${table} WHERE ${where}`, params);
  return r.rows[0]!.n;
}

/** A user who is not the fixture trip's owner (set before the CHECK cases run). */
let collaborator = '';

/** A distinct day for every exchange-rate row: (base, quote, as_of) is unique. */
let rateDays = 0;
const nextRateDay = () => new Date(Date.UTC(2000, 0, 1 + rateDays++)).toISOString().slice(0, 10);

const vector1536 = `[${Array.from({ length: 1536 }, () => '0.01').join(',')}]`;

/** A valid row for each table, given the parents it needs. */
const baseRows = {
  trips: (f: Fixture): Row => ({
    user_id: f.userId,
    name: 'Lisbon spring',
    start_date: '2026-05-01',
    end_date: '2026-05-10',
    destination: 'Lisbon',
    budget: '1500.00',
  }),
  flights: (f: Fixture): Row => ({
    trip_id: f.tripId,
    origin: 'LHR',
    destination: 'LIS',
    departure_time: '2026-05-01T09:00:00Z',
    arrival_time: '2026-05-01T11:45:00Z',
    price: '120.50',
  }),
  accommodations: (f: Fixture): Row => ({
    trip_id: f.tripId,
    name: 'Hotel Avenida',
    type: 'hotel',
    check_in_date: '2026-05-01',
    check_out_date: '2026-05-05',
    price_per_night: '100',
    total_price: '400',
    location: 'Lisbon',
  }),
  transportation: (f: Fixture): Row => ({
    trip_id: f.tripId,
    type: 'train',
    origin: 'Lisbon',
    destination: 'Sintra',
    departure_time: '2026-05-02T09:00:00Z',
    arrival_time: '2026-05-02T09:40:00Z',
    price: '4.50',
  }),
  itinerary_items: (f: Fixture): Row => ({
    trip_id: f.tripId,
    day_number: 1,
    start_time: '09:00',
    end_time: '11:00',
    title: 'Belém tower',
  }),
  search_history: (f: Fixture): Row => ({
    user_id: f.userId,
    search_type: 'flight',
    search_params: JSON.stringify({ origin: 'LHR', destination: 'LIS' }),
  }),
  price_history: (): Row => ({
    entity_type: 'flight',
    entity_ref: 'LHR-LIS-2026-05-01',
    price: '120.50',
    currency: 'EUR',
    timestamp: '2026-01-01T00:00:00Z',
    source: 'test',
  }),
  chat_messages: (f: Fixture): Row => ({ session_id: f.sessionId, role: 'user', content: 'Hello' }),
  trip_collaborators: (f: Fixture): Row => ({ trip_id: f.tripId, user_id: collaborator, role: 'viewer' }),
  trip_invitations: (f: Fixture): Row => ({ trip_id: f.tripId, email: `i-${randomUUID()}@example.test`, role: 'viewer' }),
  trip_share_links: (f: Fixture): Row => ({ trip_id: f.tripId, token_hash: randomBytes(32) }),
  exchange_rates: (): Row => ({ base: 'EUR', quote: 'USD', rate: '1.0845', as_of: nextRateDay() }),
} satisfies Record<string, (f: Fixture) => Row>;

type CheckedTable = keyof typeof baseRows;

interface CheckCase {
  constraint: string;
  /** The table, or the domain, that owns the constraint. */
  table: CheckedTable | 'currency_code';
  /** For a domain's constraint: the table whose column of that domain is written. */
  via?: CheckedTable;
  /** Overrides of the base row that the constraint must reject. */
  reject: Row[];
  /** Overrides at (or just inside) the boundary that it must accept. */
  accept: Row[];
}

const CHECK_CASES: CheckCase[] = [
  {
    constraint: 'trips_date_check',
    table: 'trips',
    reject: [{ start_date: '2026-05-10', end_date: '2026-05-09' }],
    accept: [{ start_date: '2026-05-10', end_date: '2026-05-10' }],
  },
  {
    constraint: 'trips_travelers_check',
    table: 'trips',
    reject: [{ travelers: 0 }, { travelers: -1 }],
    accept: [{ travelers: 1 }, { travelers: 12 }],
  },
  {
    constraint: 'trips_budget_check',
    table: 'trips',
    reject: [{ budget: '0' }, { budget: '-0.01' }],
    accept: [{ budget: '0.01' }],
  },
  {
    constraint: 'trips_status_check',
    table: 'trips',
    reject: [{ status: 'cancelled' }, { status: 'PLANNING' }, { status: '' }],
    accept: ['planning', 'booked', 'completed', 'canceled'].map((status) => ({ status })),
  },
  {
    constraint: 'trips_type_check',
    table: 'trips',
    reject: [{ trip_type: 'vacation' }, { trip_type: 'Business' }],
    accept: ['leisure', 'business', 'family', 'solo', 'other'].map((trip_type) => ({ trip_type })),
  },
  {
    constraint: 'flights_price_check',
    table: 'flights',
    reject: [{ price: '-0.01' }],
    accept: [{ price: '0' }],
  },
  {
    constraint: 'flights_time_check',
    table: 'flights',
    reject: [{ departure_time: '2026-05-01T09:00:00Z', arrival_time: '2026-05-01T08:59:59Z' }],
    accept: [{ departure_time: '2026-05-01T09:00:00Z', arrival_time: '2026-05-01T09:00:00Z' }],
  },
  {
    constraint: 'accommodations_date_check',
    table: 'accommodations',
    reject: [{ check_in_date: '2026-05-05', check_out_date: '2026-05-04' }],
    accept: [{ check_in_date: '2026-05-05', check_out_date: '2026-05-05' }],
  },
  {
    constraint: 'accommodations_price_per_night_check',
    table: 'accommodations',
    reject: [{ price_per_night: '-0.01' }],
    accept: [{ price_per_night: '0' }],
  },
  {
    constraint: 'accommodations_total_price_check',
    table: 'accommodations',
    reject: [{ total_price: '-1' }],
    accept: [{ total_price: '0' }],
  },
  {
    constraint: 'accommodations_rating_check',
    table: 'accommodations',
    reject: [{ rating: '5.01' }, { rating: '-0.01' }],
    accept: [{ rating: null }, { rating: '0' }, { rating: '5' }, { rating: '4.5' }],
  },
  {
    constraint: 'transportation_price_check',
    table: 'transportation',
    reject: [{ price: '-0.01' }],
    accept: [{ price: '0' }],
  },
  {
    constraint: 'transportation_time_check',
    table: 'transportation',
    reject: [{ departure_time: '2026-05-02T09:00:00Z', arrival_time: '2026-05-02T08:00:00Z' }],
    accept: [{ departure_time: '2026-05-02T09:00:00Z', arrival_time: '2026-05-02T09:00:00Z' }],
  },
  {
    constraint: 'itinerary_items_day_number_check',
    table: 'itinerary_items',
    reject: [{ day_number: 0 }, { day_number: -3 }],
    accept: [{ day_number: 1 }],
  },
  {
    constraint: 'itinerary_items_time_check',
    table: 'itinerary_items',
    reject: [{ start_time: '10:00', end_time: '09:59:59' }],
    accept: [{ start_time: '10:00', end_time: '10:00' }],
  },
  {
    constraint: 'itinerary_items_cost_check',
    table: 'itinerary_items',
    reject: [{ cost: '-0.01' }],
    accept: [{ cost: null }, { cost: '0' }],
  },
  {
    constraint: 'search_history_type_check',
    table: 'search_history',
    reject: [{ search_type: 'hotel' }, { search_type: 'Flight' }],
    accept: ['flight', 'accommodation', 'activity', 'destination', 'general_web'].map((search_type) => ({
      search_type,
    })),
  },
  {
    constraint: 'price_history_price_check',
    table: 'price_history',
    reject: [{ price: '-1' }],
    accept: [{ price: '0' }],
  },
  {
    // Unnamed in the seed (`role TEXT NOT NULL CHECK (…)`): PostgreSQL names it <table>_<column>_check.
    constraint: 'chat_messages_role_check',
    table: 'chat_messages',
    reject: [{ role: 'tool' }, { role: 'User' }],
    accept: ['user', 'assistant', 'system'].map((role) => ({ role })),
  },
  {
    constraint: 'currency_code_check',
    table: 'currency_code',
    via: 'trips',
    reject: [{ currency: 'ABC' }, { currency: 'eur' }, { currency: '' }],
    accept: ['EUR', 'JPY', 'XCG'].map((currency) => ({ currency })),
  },
  {
    constraint: 'trip_invitations_role_check',
    table: 'trip_invitations',
    reject: [{ role: 'owner' }, { role: 'Viewer' }],
    accept: ['viewer', 'editor', 'admin'].map((role) => ({ role })),
  },
  {
    constraint: 'trip_invitations_email_check',
    table: 'trip_invitations',
    reject: [{ email: 'Upper@example.test' }, { email: 'no-at-sign' }, { email: 'a b@example.test' }],
    accept: [{ email: `ok-${randomUUID()}@example.test` }],
  },
  {
    constraint: 'trip_share_links_token_hash_check',
    table: 'trip_share_links',
    reject: [{ token_hash: randomBytes(16) }, { token_hash: randomBytes(33) }],
    accept: [{ token_hash: randomBytes(32) }],
  },
  {
    constraint: 'trip_share_links_expiry_check',
    table: 'trip_share_links',
    reject: [{ expires_at: '2000-01-01T00:00:00Z' }],
    accept: [{ expires_at: '2099-01-01T00:00:00Z' }],
  },
  {
    constraint: 'exchange_rates_rate_check',
    table: 'exchange_rates',
    reject: [{ rate: '0' }, { rate: '-1.5' }],
    accept: [{ rate: '0.000001' }],
  },
  {
    constraint: 'exchange_rates_pair_check',
    table: 'exchange_rates',
    reject: [{ base: 'USD', quote: 'USD' }],
    accept: [{ base: 'USD', quote: 'EUR' }],
  },
  {
    // Every collaborator row needs its own user (unique per trip): the roles accepted are tested
    // over HTTP (trips-together.test.ts) and in the RLS matrix.
    constraint: 'trip_collaborators_role_check',
    table: 'trip_collaborators',
    reject: [{ role: 'owner' }, { role: 'Admin' }],
    accept: [],
  },
];

const show = (r: Row) => JSON.stringify(r);

describeEachBackend('CHECK constraints', (ctx) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await makeFixture(ctx.db);
    collaborator = await createUser(ctx.db);
  });

  it('every CHECK constraint in the catalog has a case in CHECK_CASES, and every case names one', async () => {
    const r = await ctx.db.query<{ name: string }>(
      `SELECT coalesce(cl.relname, c.contypid::regtype::text) || '.' || c.conname AS name
         FROM pg_constraint c
         JOIN pg_namespace n ON n.oid = c.connamespace
         LEFT JOIN pg_class cl ON cl.oid = c.conrelid
        WHERE c.contype = 'c' AND n.nspname = 'public'
        ORDER BY 1`,
    );
    const inCatalog = r.rows.map((x) => x.name);
    const covered = CHECK_CASES.map((c) => `${c.table}.${c.constraint}`).sort();
    const untested = inCatalog.filter((n) => !covered.includes(n));
    const unknown = covered.filter((n) => !inCatalog.includes(n));
    expect(
      untested,
      `CHECK constraint(s) without a test: add a case to CHECK_CASES in test/constraints.test.ts for ${untested.join(', ')}`,
    ).toEqual([]);
    expect(unknown, `CHECK_CASES names constraint(s) that do not exist: ${unknown.join(', ')}`).toEqual([]);
  });

  it('the base rows are valid', async () => {
    for (const [table, make] of Object.entries(baseRows)) {
      await expect(insert(ctx.db, table, make(f)), table).resolves.toBeDefined();
    }
  });

  for (const c of CHECK_CASES) {
    describe(c.constraint, () => {
      const target = c.via ?? (c.table as CheckedTable);
      for (const bad of c.reject) {
        it(`rejects ${target} with ${show(bad)} (23514 ${c.constraint})`, async () => {
          const e = await failure(insert(ctx.db, target, { ...baseRows[target](f), ...bad }));
          expect({ sqlstate: e.sqlstate, kind: e.kind, constraint: e.fields.constraint, table: e.fields.table }).toEqual({
            sqlstate: '23514',
            kind: 'check',
            constraint: c.constraint,
            // A domain's violation names no table.
            table: c.via ? undefined : c.table,
          });
        });
      }
      for (const ok of c.accept) {
        it(`accepts ${target} with ${show(ok)}`, async () => {
          const row = await insert(ctx.db, target, { ...baseRows[target](f), ...ok });
          for (const [k, v] of Object.entries(ok)) {
            if (v === null || typeof v === 'number') expect(row[k], k).toBe(v);
          }
        });
      }
    });
  }

  it('an UPDATE into a violating value is rejected too', async () => {
    const trip = await insert(ctx.db, 'trips', baseRows.trips(f));
    const e = await failure(ctx.db.query(`UPDATE public.trips SET budget = 0 WHERE id = $1`, [trip.id]));
    expect([e.sqlstate, e.fields.constraint]).toEqual(['23514', 'trips_budget_check']);
  });
});

describeEachBackend('UNIQUE constraints and foreign keys', (ctx) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await makeFixture(ctx.db);
  });

  it('api_keys: one key name per user and service (api_keys_user_service_key_unique)', async () => {
    const key = { user_id: f.userId, service_name: 'openai', key_name: 'default', encrypted_value: 'ciphertext' };
    await insert(ctx.db, 'api_keys', key);
    const e = await failure(insert(ctx.db, 'api_keys', { ...key, encrypted_value: 'other' }));
    expect([e.sqlstate, e.kind, e.fields.constraint]).toEqual(['23505', 'unique', 'api_keys_user_service_key_unique']);
    // Any one of the three differing is a different key.
    await insert(ctx.db, 'api_keys', { ...key, service_name: 'duffel' });
    await insert(ctx.db, 'api_keys', { ...key, key_name: 'backup' });
    await insert(ctx.db, 'api_keys', { ...key, user_id: await createUser(ctx.db) });
  });

  it('kg_entity_references: one link per record and entity type (uq_kg_primary_db_link)', async () => {
    const ref = { entity_id: 'trip:1', entity_type: 'Trip', primary_db_table: 'trips', primary_db_id: '1' };
    await insert(ctx.db, 'kg_entity_references', ref);
    const e = await failure(insert(ctx.db, 'kg_entity_references', { ...ref, entity_id: 'trip:1-bis' }));
    expect([e.sqlstate, e.fields.constraint]).toEqual(['23505', 'uq_kg_primary_db_link']);
    await insert(ctx.db, 'kg_entity_references', { ...ref, entity_type: 'Destination' });
  });

  it('public.users: email is unique (users_email_key)', async () => {
    const email = `dup-${randomUUID()}@example.test`;
    await createUser(ctx.db, email);
    const e = await failure(insert(ctx.db, 'users', { email }));
    expect([e.sqlstate, e.fields.constraint, e.fields.table]).toEqual(['23505', 'users_email_key', 'users']);
  });

  it('auth.users: email is unique regardless of case', async () => {
    const email = `case-${randomUUID()}@example.test`;
    await createUser(ctx.db, email);
    const e = await failure(createUser(ctx.db, email.toUpperCase()));
    expect(e.sqlstate).toBe('23505');
  });

  it('a flight on a nonexistent trip is refused (23503 flights_trip_id_fkey)', async () => {
    const e = await failure(insert(ctx.db, 'flights', { ...baseRows.flights(f), trip_id: 2_000_000_000 }));
    expect([e.sqlstate, e.kind, e.fields.constraint]).toEqual(['23503', 'foreign_key', 'flights_trip_id_fkey']);
  });

  it('a trip of a nonexistent user and a message in a nonexistent session are refused (23503)', async () => {
    const t = await failure(insert(ctx.db, 'trips', { ...baseRows.trips(f), user_id: randomUUID() }));
    expect([t.sqlstate, t.fields.constraint]).toEqual(['23503', 'trips_user_id_fkey']);
    const m = await failure(insert(ctx.db, 'chat_messages', { ...baseRows.chat_messages(f), session_id: randomUUID() }));
    expect([m.sqlstate, m.fields.constraint]).toEqual(['23503', 'chat_messages_session_id_fkey']);
  });
});

describeEachBackend('identity columns', (ctx) => {
  const IDENTITY_TABLES = [
    'users', 'api_keys', 'trips', 'flights', 'accommodations', 'transportation', 'itinerary_items',
    'search_history', 'price_history', 'trip_notes', 'saved_options', 'trip_comparisons', 'kg_entity_references',
    'trip_collaborators', 'trip_invitations', 'trip_share_links', 'exchange_rates',
  ].sort();

  it('are all GENERATED ALWAYS, on the expected tables', async () => {
    const r = await ctx.db.query<{ table_name: string; column_name: string; identity_generation: string }>(
      `SELECT table_name, column_name, identity_generation FROM information_schema.columns
        WHERE table_schema = 'public' AND is_identity = 'YES' ORDER BY table_name`,
    );
    expect(r.rows.map((x) => x.table_name)).toEqual(IDENTITY_TABLES);
    expect(r.rows.filter((x) => x.column_name !== 'id' || x.identity_generation !== 'ALWAYS')).toEqual([]);
  });

  for (const table of IDENTITY_TABLES) {
    it(`${table}: an explicit id is refused (428C9)`, async () => {
      const e = await failure(ctx.db.query(`INSERT INTO public.${table} (id) VALUES (1)`));
      expect(e.sqlstate).toBe('428C9');
    });
  }
});

describeEachBackend('ON DELETE rules', (ctx) => {
  /** One row in every table that hangs off a user, directly or through a trip or chat session. */
  async function seedUser(db: Database): Promise<{ userId: string; tripId: number; rows: [string, unknown][] }> {
    const f = await makeFixture(db);
    const rows: [string, unknown][] = [
      ['trips', f.tripId],
      ['chat_sessions', f.sessionId],
    ];
    const add = async (table: string, row: Row) => rows.push([table, (await insert(db, table, row)).id]);
    await add('flights', baseRows.flights(f));
    await add('accommodations', baseRows.accommodations(f));
    await add('transportation', baseRows.transportation(f));
    await add('itinerary_items', baseRows.itinerary_items(f));
    await add('trip_notes', { trip_id: f.tripId, user_id: f.userId, title: 'Note', content: 'Pack light' });
    await add('saved_options', {
      trip_id: f.tripId,
      user_id: f.userId,
      option_type: 'flight',
      option_data: JSON.stringify({ price: 99 }),
    });
    await add('trip_comparisons', { user_id: f.userId, title: 'A vs B', comparison_data: '{}' });
    await add('chat_messages', baseRows.chat_messages(f));
    await add('api_keys', { user_id: f.userId, service_name: 'openai', key_name: 'k', encrypted_value: 'x' });
    await add('search_history', baseRows.search_history(f));
    await add('trip_collaborators', { trip_id: f.tripId, user_id: await createUser(db), role: 'viewer' });
    await add('trip_invitations', baseRows.trip_invitations(f));
    await add('trip_share_links', baseRows.trip_share_links(f));
    if (ctx.memory) {
      await add('memory_embeddings', {
        user_id: f.userId,
        content_text: 'likes window seats',
        content_type: 'preference',
        embedding: vector1536,
      });
    }
    return { userId: f.userId, tripId: f.tripId, rows };
  }

  const exists = async (table: string, id: unknown) => (await count(ctx.db, table, 'id = $1', [id])) === 1;

  it('foreign keys have the seed’s ON DELETE rules: CASCADE everywhere but users.auth_user_id (SET NULL), and who invited or shared (SET NULL)', async () => {
    const r = await ctx.db.query<{ fk: string }>(
      `SELECT cl.relname || '.' || a.attname || ' -> ' || rn.nspname || '.' || ref.relname || ' ON DELETE ' ||
              CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'a' THEN 'NO ACTION'
                                 WHEN 'r' THEN 'RESTRICT' WHEN 'd' THEN 'SET DEFAULT' END AS fk
         FROM pg_constraint c
         JOIN pg_class cl ON cl.oid = c.conrelid
         JOIN pg_namespace n ON n.oid = cl.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         JOIN pg_class ref ON ref.oid = c.confrelid
         JOIN pg_namespace rn ON rn.oid = ref.relnamespace
        WHERE c.contype = 'f' AND n.nspname = 'public'
        ORDER BY 1`,
    );
    const expected = [
      'accommodations.trip_id -> public.trips ON DELETE CASCADE',
      'api_keys.user_id -> auth.users ON DELETE CASCADE',
      'chat_messages.session_id -> public.chat_sessions ON DELETE CASCADE',
      'chat_sessions.user_id -> auth.users ON DELETE CASCADE',
      'flights.trip_id -> public.trips ON DELETE CASCADE',
      'itinerary_items.trip_id -> public.trips ON DELETE CASCADE',
      ...(ctx.memory ? ['memory_embeddings.user_id -> auth.users ON DELETE CASCADE'] : []),
      'saved_options.trip_id -> public.trips ON DELETE CASCADE',
      'saved_options.user_id -> auth.users ON DELETE CASCADE',
      'search_history.user_id -> auth.users ON DELETE CASCADE',
      'transportation.trip_id -> public.trips ON DELETE CASCADE',
      'trip_collaborators.invited_by -> auth.users ON DELETE SET NULL',
      'trip_collaborators.trip_id -> public.trips ON DELETE CASCADE',
      'trip_collaborators.user_id -> auth.users ON DELETE CASCADE',
      'trip_comparisons.user_id -> auth.users ON DELETE CASCADE',
      'trip_invitations.invited_by -> auth.users ON DELETE SET NULL',
      'trip_invitations.trip_id -> public.trips ON DELETE CASCADE',
      'trip_notes.trip_id -> public.trips ON DELETE CASCADE',
      'trip_notes.user_id -> auth.users ON DELETE CASCADE',
      'trip_share_links.created_by -> auth.users ON DELETE SET NULL',
      'trip_share_links.trip_id -> public.trips ON DELETE CASCADE',
      'trips.user_id -> auth.users ON DELETE CASCADE',
      'users.auth_user_id -> auth.users ON DELETE SET NULL',
    ];
    expect(r.rows.map((x) => x.fk)).toEqual(expected);
  });

  it('deleting an identity removes everything it owns (and nobody else’s), its profile included', async () => {
    const victim = await seedUser(ctx.db);
    const bystander = await seedUser(ctx.db);
    // The seeded rows span every table that cascades from auth.users, directly or transitively.
    const edges = await ctx.db.query<{ child: string; parent: string }>(
      `SELECT cl.relname AS child, rn.nspname || '.' || ref.relname AS parent
         FROM pg_constraint c
         JOIN pg_class cl ON cl.oid = c.conrelid
         JOIN pg_namespace n ON n.oid = cl.relnamespace
         JOIN pg_class ref ON ref.oid = c.confrelid
         JOIN pg_namespace rn ON rn.oid = ref.relnamespace
        WHERE c.contype = 'f' AND c.confdeltype = 'c' AND n.nspname = 'public'`,
    );
    const reach = new Set<string>();
    for (let grew = true; grew; ) {
      grew = false;
      for (const { child, parent } of edges.rows) {
        if ((parent === 'auth.users' || reach.has(parent.replace(/^public\./, ''))) && !reach.has(child)) {
          reach.add(child);
          grew = true;
        }
      }
    }
    expect([...new Set(victim.rows.map(([t]) => t))].sort(), 'seedUser must cover every cascading table').toEqual(
      [...reach].sort(),
    );
    expect(await count(ctx.db, 'users', 'auth_user_id = $1', [victim.userId])).toBe(1);

    await ctx.db.query(`DELETE FROM auth.users WHERE id = $1`, [victim.userId]);

    const left: string[] = [];
    for (const [table, id] of victim.rows) if (await exists(table, id)) left.push(table);
    expect(left, 'rows that survived their owner').toEqual([]);
    expect(await count(ctx.db, 'users', 'auth_user_id = $1', [victim.userId])).toBe(0);

    const gone: string[] = [];
    for (const [table, id] of bystander.rows) if (!(await exists(table, id))) gone.push(table);
    expect(gone, 'another user’s rows that were deleted').toEqual([]);
    expect(await count(ctx.db, 'users', 'auth_user_id = $1', [bystander.userId])).toBe(1);
  });

  it('deleting a trip removes its flights, stays, transport, itinerary, notes, saved options, collaborators, invitations and share links only', async () => {
    const u = await seedUser(ctx.db);
    const other = await insert(ctx.db, 'trips', baseRows.trips({ userId: u.userId, tripId: 0, sessionId: '' }));
    const otherFlight = await insert(ctx.db, 'flights', baseRows.flights({ userId: u.userId, tripId: other.id as number, sessionId: '' }));

    await ctx.db.query(`DELETE FROM public.trips WHERE id = $1`, [u.tripId]);

    const tripChildren = [
      'trips', 'flights', 'accommodations', 'transportation', 'itinerary_items', 'trip_notes', 'saved_options',
      'trip_collaborators', 'trip_invitations', 'trip_share_links',
    ];
    const survivors = u.rows.filter(([t]) => !tripChildren.includes(t));
    for (const [table, id] of u.rows) {
      expect(await exists(table, id), `${table} ${String(id)}`).toBe(!tripChildren.includes(table));
    }
    expect(survivors.length).toBeGreaterThan(0);
    expect(await exists('trips', other.id)).toBe(true);
    expect(await exists('flights', otherFlight.id)).toBe(true);
  });

  it('deleting a chat session removes its messages', async () => {
    const f = await makeFixture(ctx.db);
    const m = await insert(ctx.db, 'chat_messages', baseRows.chat_messages(f));
    await ctx.db.query(`DELETE FROM public.chat_sessions WHERE id = $1`, [f.sessionId]);
    expect(await exists('chat_messages', m.id)).toBe(false);
  });

  it('a profile created directly with auth_user_id is deleted with the identity (the trigger), not unlinked', async () => {
    const userId = await createUser(ctx.db);
    const manual = await insert(ctx.db, 'users', {
      auth_user_id: userId,
      email: `manual-${randomUUID()}@example.test`,
      name: 'Second profile',
    });
    expect(await count(ctx.db, 'users', 'auth_user_id = $1', [userId])).toBe(2);

    await ctx.db.query(`DELETE FROM auth.users WHERE id = $1`, [userId]);

    // handle_auth_user_change() runs BEFORE DELETE and removes every profile linked to the identity,
    // so the FK's ON DELETE SET NULL finds nothing left to unlink.
    expect(await exists('users', manual.id)).toBe(false);
    expect(await count(ctx.db, 'users', 'auth_user_id = $1', [userId])).toBe(0);
  });

  it('a profile with no identity is left alone when identities are deleted', async () => {
    const loose = await insert(ctx.db, 'users', { email: `loose-${randomUUID()}@example.test` });
    const userId = await createUser(ctx.db);
    await ctx.db.query(`DELETE FROM auth.users WHERE id = $1`, [userId]);
    expect(await exists('users', loose.id)).toBe(true);
  });
});
