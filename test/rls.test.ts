/**
 * Row-level security, tested as Supabase recommends: every table × select / insert / update /
 * delete × {the owner, another signed-in user, anon, service_role}, each case asserting what the
 * database actually did (allowed / hidden / refused: see harness/rls.ts). The roles of people
 * who share a trip have their own matrix: rls-collaborators.test.ts.
 *
 * After the matrix: re-parenting (moving or creating rows under someone else's trip or session),
 * forged user_id on insert and update, and the column-level grants of api_keys and users.
 *
 * Every test builds its own world (two users, each with a trip and a chat session) and its own
 * fixture rows as the superuser, so no test depends on another's leftovers or on order.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { ANON, SERVICE, userCaller, type Caller } from '../src/db/transaction.ts';
import { createUser, describeEachBackend } from './harness/backends.ts';
import {
  OPS, OUTCOME_TEXT, insertSql, rlsTools, selectSql, updateSql, type Id, type Op, type Outcome, type Row,
} from './harness/rls.ts';

/** A signed-in user with one trip and one chat session. */
interface Owner {
  user: string;
  trip: number;
  session: string;
}

/** A owns the fixture rows; B is "another user". */
interface World {
  a: Owner;
  b: Owner;
}

/**
 * How a table's rows belong to someone:
 * - owned: user_id = auth.uid()
 * - owned-on-trip: user_id = auth.uid(), and on write the trip is the caller's too
 * - trip-child: through trips.user_id
 * - session-log: through chat_sessions.user_id, select / insert only (chat messages are
 *   immutable, migration 000032)
 * - append-only: owned, but select / insert / delete only
 * - profile: public.users, the caller's own profile; select and update (name, preferences_json)
 * - shared: reference data, read by any signed-in user, written by service_role only
 */
type Kind = 'owned' | 'owned-on-trip' | 'trip-child' | 'session-log' | 'append-only' | 'profile' | 'shared';

interface TableSpec {
  table: string;
  kind: Kind;
  /** Column values for a new row belonging to `o` (unique values are fresh on every call). */
  row(o: Owner): Row;
  /** A column an allowed caller may change, and its new value. */
  update: readonly [column: string, value: string | number];
  /** The columns an authenticated caller may select (default: all of them). */
  readable?: readonly string[];
  /** The row the owner already has, when it is not created by inserting row() (profiles). */
  existing?(db: Database, o: Owner): Promise<Id>;
}

let rateDays = 0;

const VECTOR = `[${Array<number>(1536).fill(0.01).join(',')}]`;

const TABLES: readonly TableSpec[] = [
  {
    table: 'users',
    kind: 'profile',
    row: (o) => ({ auth_user_id: o.user, email: `p-${randomUUID()}@example.test`, name: 'Ada' }),
    update: ['name', 'Renamed'],
    async existing(db, o) {
      const r = await db.query<{ id: number }>(`SELECT id FROM public.users WHERE auth_user_id = $1`, [o.user]);
      return r.rows[0]!.id;
    },
  },
  {
    table: 'trips',
    kind: 'owned',
    row: (o) => tripRow(o.user),
    update: ['name', 'Renamed trip'],
  },
  {
    table: 'flights',
    kind: 'trip-child',
    row: (o) => ({
      trip_id: o.trip,
      origin: 'LHR',
      destination: 'LIS',
      departure_time: '2026-05-01T08:00:00Z',
      arrival_time: '2026-05-01T11:00:00Z',
      price: '120.50',
    }),
    update: ['airline', 'TAP'],
  },
  {
    table: 'accommodations',
    kind: 'trip-child',
    row: (o) => ({
      trip_id: o.trip,
      name: 'Casa Alfama',
      type: 'hotel',
      check_in_date: '2026-05-01',
      check_out_date: '2026-05-08',
      price_per_night: '100',
      total_price: '700',
      location: 'Alfama',
    }),
    update: ['name', 'Casa Baixa'],
  },
  {
    table: 'transportation',
    kind: 'trip-child',
    row: (o) => ({
      trip_id: o.trip,
      type: 'train',
      origin: 'Lisbon',
      destination: 'Sintra',
      departure_time: '2026-05-02T09:00:00Z',
      arrival_time: '2026-05-02T09:40:00Z',
      price: '4.60',
    }),
    update: ['provider_name', 'CP'],
  },
  {
    table: 'itinerary_items',
    kind: 'trip-child',
    row: (o) => ({ trip_id: o.trip, day_number: 1, start_time: '09:00', end_time: '11:00', title: 'Museum' }),
    update: ['title', 'Tram 28'],
  },
  {
    table: 'trip_notes',
    kind: 'owned-on-trip',
    row: (o) => ({ trip_id: o.trip, user_id: o.user, title: 'Packing', content: 'Sunscreen' }),
    update: ['title', 'Renamed note'],
  },
  {
    table: 'saved_options',
    kind: 'owned-on-trip',
    row: (o) => ({ trip_id: o.trip, user_id: o.user, option_type: 'flight', option_data: '{"price": 120}' }),
    update: ['option_type', 'accommodation'],
  },
  {
    table: 'trip_comparisons',
    kind: 'owned',
    row: (o) => ({ user_id: o.user, title: 'Lisbon vs Porto', comparison_data: '{}' }),
    update: ['title', 'Renamed comparison'],
  },
  {
    table: 'chat_sessions',
    kind: 'owned',
    row: (o) => ({ user_id: o.user, title: 'Planning' }),
    update: ['title', 'Renamed chat'],
  },
  {
    table: 'chat_messages',
    kind: 'session-log',
    row: (o) => ({ session_id: o.session, role: 'user', content: 'Find me a flight' }),
    update: ['content', 'Edited message'],
  },
  {
    table: 'api_keys',
    kind: 'owned',
    row: (o) => ({ user_id: o.user, service_name: 'openai', key_name: `k-${randomUUID()}`, encrypted_value: 'ciphertext' }),
    update: ['key_name', 'renamed-key'],
    readable: ['id', 'user_id', 'service_name', 'key_name', 'is_active', 'usage_count'],
  },
  {
    table: 'search_history',
    kind: 'append-only',
    row: (o) => ({ user_id: o.user, search_type: 'flight', search_params: '{"to": "LIS"}', results_count: 3 }),
    update: ['results_count', 42],
  },
  {
    table: 'price_history',
    kind: 'shared',
    row: () => ({
      entity_type: 'flight',
      entity_ref: 'LHR-LIS',
      price: '99',
      currency: 'EUR',
      timestamp: '2026-01-01T00:00:00Z',
      source: 'test',
    }),
    update: ['source', 'changed'],
  },
  {
    table: 'exchange_rates',
    kind: 'shared',
    // A new day for every row: (base, quote, as_of) is unique.
    row: () => ({ base: 'EUR', quote: 'USD', rate: '1.0845', as_of: new Date(Date.UTC(2000, 0, 1 + rateDays++)).toISOString().slice(0, 10) }),
    update: ['rate', '1.1'],
  },
  {
    table: 'kg_entity_references',
    kind: 'shared',
    row: () => ({
      entity_id: `e-${randomUUID()}`,
      entity_type: 'City',
      primary_db_table: 'trips',
      primary_db_id: randomUUID(),
    }),
    update: ['entity_id', 'changed'],
  },
];

const MEMORY_TABLE: TableSpec = {
  table: 'memory_embeddings',
  kind: 'owned',
  row: (o) => ({ user_id: o.user, content_text: 'Prefers window seats', content_type: 'preference', embedding: VECTOR }),
  update: ['content_text', 'Prefers aisle seats'],
};

function tripRow(user: string): Row {
  return {
    user_id: user,
    name: 'Lisbon',
    start_date: '2026-05-01',
    end_date: '2026-05-08',
    destination: 'Lisbon',
    budget: '1500',
  };
}

type Actor = 'owner' | 'other' | 'anon' | 'service';

const ACTORS: readonly Actor[] = ['owner', 'other', 'anon', 'service'];

/** The spec: what each caller may do to a row of the owner's (or, for shared data, any row). */
function expected(kind: Kind, op: Op, actor: Actor): Outcome {
  if (actor === 'service') return 'allowed';
  if (actor === 'anon') return 'refused';
  switch (kind) {
    case 'shared':
      return op === 'select' ? 'allowed' : 'refused';
    case 'profile':
      if (op === 'insert' || op === 'delete') return 'refused';
      return actor === 'owner' ? 'allowed' : 'hidden';
    case 'session-log':
      if (op === 'update' || op === 'delete') return 'refused';
      return actor === 'owner' ? 'allowed' : op === 'insert' ? 'refused' : 'hidden';
    case 'append-only':
      if (op === 'update') return 'refused';
      return actor === 'owner' ? 'allowed' : op === 'insert' ? 'refused' : 'hidden';
    default:
      return actor === 'owner' ? 'allowed' : op === 'insert' ? 'refused' : 'hidden';
  }
}

function actorLabel(kind: Kind, actor: Actor): string {
  if (kind === 'shared' && actor === 'owner') return 'a signed-in user';
  if (kind === 'shared' && actor === 'other') return 'another signed-in user';
  return { owner: 'the owner', other: 'another user', anon: 'anon', service: 'service_role' }[actor];
}

/** The parent a row hangs from, and which of an owner's parents that is. */
function parentOf(spec: TableSpec): { column: string; of: (o: Owner) => Id } | undefined {
  if (spec.kind === 'trip-child' || spec.kind === 'owned-on-trip') return { column: 'trip_id', of: (o) => o.trip };
  if (spec.kind === 'session-log') return { column: 'session_id', of: (o) => o.session };
  return undefined;
}

const hasUserId = (spec: TableSpec): boolean =>
  spec.kind === 'owned' || spec.kind === 'owned-on-trip' || spec.kind === 'append-only';

describeEachBackend('row-level security', (ctx) => {
  const tables = ctx.memory ? [...TABLES, MEMORY_TABLE] : TABLES;

  const { su, attempt, expectOutcome, expectRefused, checkCell } = rlsTools(ctx);

  async function newOwner(): Promise<Owner> {
    const user = await createUser(ctx.db);
    const trip = (await su.insert('trips', tripRow(user))) as number;
    const session = (await su.insert('chat_sessions', { user_id: user, title: 'Base session' })) as string;
    return { user, trip, session };
  }
  async function world(): Promise<World> {
    return { a: await newOwner(), b: await newOwner() };
  }
  function fixture(spec: TableSpec, o: Owner): Promise<Id> {
    return spec.existing ? spec.existing(ctx.db, o) : su.insert(spec.table, spec.row(o));
  }
  function callerOf(actor: Actor, w: World): Caller {
    return { owner: userCaller(w.a.user), other: userCaller(w.b.user), anon: ANON, service: SERVICE }[actor];
  }

  describe('matrix', () => {
    for (const spec of tables) {
      const { table } = spec;
      for (const op of OPS) {
        for (const actor of ACTORS) {
          const outcome = expected(spec.kind, op, actor);
          it(`${table}: ${op} by ${actorLabel(spec.kind, actor)} ${OUTCOME_TEXT[outcome]}`, async () => {
            const w = await world();
            await checkCell({
              table, op, caller: callerOf(actor, w), outcome, newRow: spec.row(w.a), fixture: () => fixture(spec, w.a),
              update: spec.update, readable: actor === 'service' ? undefined : spec.readable,
            });
          });
        }
      }
    }
  });

  describe('re-parenting', () => {
    for (const spec of tables) {
      const parent = parentOf(spec);
      if (!parent) continue;
      const { table } = spec;
      const { column } = parent;
      const where = column === 'trip_id' ? 'trip' : 'session';

      it(`${table}: another user cannot create one under the owner's ${where}`, async () => {
        const w = await world();
        const before = await su.count(table);
        await expectRefused(userCaller(w.b.user), insertSql(table, { ...spec.row(w.b), [column]: parent.of(w.a) }));
        expect(await su.count(table)).toBe(before);
      });

      it(`${table}: another user cannot move theirs into the owner's ${where}`, async () => {
        const w = await world();
        const id = await fixture(spec, w.b);
        await expectRefused(userCaller(w.b.user), updateSql(table, id, column, parent.of(w.a)));
        expect(await su.value(table, column, id)).toBe(String(parent.of(w.b)));
      });

      it(`${table}: the owner cannot move theirs into another user's ${where}`, async () => {
        const w = await world();
        const id = await fixture(spec, w.a);
        await expectRefused(userCaller(w.a.user), updateSql(table, id, column, parent.of(w.b)));
        expect(await su.value(table, column, id)).toBe(String(parent.of(w.a)));
      });
    }
  });

  describe('forged user_id', () => {
    for (const spec of tables.filter(hasUserId)) {
      const { table } = spec;

      it(`${table}: another user cannot insert a row with the owner's user_id`, async () => {
        const w = await world();
        const before = await su.count(table);
        await expectRefused(userCaller(w.b.user), insertSql(table, { ...spec.row(w.b), user_id: w.a.user }));
        expect(await su.count(table)).toBe(before);
      });

      it(`${table}: another user cannot hand their own row to the owner (update user_id)`, async () => {
        const w = await world();
        const id = await fixture(spec, w.b);
        await expectRefused(userCaller(w.b.user), updateSql(table, id, 'user_id', w.a.user));
        expect(await su.value(table, 'user_id', id)).toBe(w.b.user);
      });
    }
  });

  describe('column privileges', () => {
    const apiKeys = TABLES.find((t) => t.table === 'api_keys')!;
    const users = TABLES.find((t) => t.table === 'users')!;

    it('api_keys: the owner cannot read encrypted_value', async () => {
      const w = await world();
      const id = await fixture(apiKeys, w.a);
      await expectRefused(userCaller(w.a.user), selectSql('api_keys', id, ['id', 'encrypted_value']));
      await expectRefused(userCaller(w.a.user), selectSql('api_keys', id));
    });

    it('api_keys: service_role reads encrypted_value', async () => {
      const w = await world();
      const id = await fixture(apiKeys, w.a);
      const a = await attempt(SERVICE, selectSql('api_keys', id, ['encrypted_value']));
      expect(expectOutcome(a, 'allowed')).toEqual([{ encrypted_value: 'ciphertext' }]);
    });

    it('api_keys: the owner can replace encrypted_value without reading it back', async () => {
      const w = await world();
      const id = await fixture(apiKeys, w.a);
      expectOutcome(await attempt(userCaller(w.a.user), updateSql('api_keys', id, 'encrypted_value', 'rotated')), 'allowed');
      expect(await su.value('api_keys', 'encrypted_value', id)).toBe('rotated');
    });

    it('api_keys: the owner cannot change usage_count (kept by the key resolver)', async () => {
      const w = await world();
      const id = await fixture(apiKeys, w.a);
      await expectRefused(userCaller(w.a.user), updateSql('api_keys', id, 'usage_count', 999));
      expect(await su.value('api_keys', 'usage_count', id)).toBe('0');
    });

    it('users: the owner can update preferences_json', async () => {
      const w = await world();
      const id = await fixture(users, w.a);
      const prefs = '{"seat": "window"}';
      expectOutcome(await attempt(userCaller(w.a.user), updateSql('users', id, 'preferences_json', prefs)), 'allowed');
      expect(await su.value('users', 'preferences_json', id)).toBe(prefs);
    });

    for (const [column, value] of [
      ['email', 'hijack@example.test'],
      ['auth_user_id', randomUUID()],
    ] as const) {
      it(`users: the owner cannot update ${column}`, async () => {
        const w = await world();
        const id = await fixture(users, w.a);
        const old = await su.value('users', column, id);
        await expectRefused(userCaller(w.a.user), updateSql('users', id, column, value));
        expect(await su.value('users', column, id)).toBe(old);
      });
    }
  });
});
