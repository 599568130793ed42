/**
 * The migrations' triggers and functions, on every backend:
 *
 * - updated_at moves on every UPDATE, on every table that has the column;
 * - a chat message moves its session's last_message_at forward (never back), under RLS too;
 * - auth.users → public.users profile sync (insert, email change, NULL email, delete);
 * - cleanup_old_price_history() deletes rows ingested over a year ago, callable by service_role only.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANON, asCaller, SERVICE, userCaller, type Caller, type Tx } from '../src/db/transaction.ts';
import { createUser, describeEachBackend } from './harness/backends.ts';
import { failure, insert, makeFixture, type Fixture, type Row } from './harness/fixtures.ts';

const vector1536 = `[${Array.from({ length: 1536 }, () => '0.01').join(',')}]`;

/** A valid row for every table that has updated_at. */
const updatedAtRows: Record<string, (f: Fixture) => Row> = {
  users: () => ({ email: `profile-${randomUUID()}@example.test` }),
  api_keys: (f) => ({ user_id: f.userId, service_name: 'openai', key_name: randomUUID(), encrypted_value: 'x' }),
  chat_sessions: (f) => ({ user_id: f.userId }),
  trips: (f) => ({
    user_id: f.userId,
    name: 'Trip',
    start_date: '2026-10-01',
    end_date: '2026-10-02',
    destination: 'Osaka',
    budget: '100',
  }),
  flights: (f) => ({
    trip_id: f.tripId,
    origin: 'HND',
    destination: 'KIX',
    departure_time: '2026-10-01T01:00:00Z',
    arrival_time: '2026-10-01T02:15:00Z',
    price: '90',
  }),
  accommodations: (f) => ({
    trip_id: f.tripId,
    name: 'Ryokan',
    type: 'ryokan',
    check_in_date: '2026-10-01',
    check_out_date: '2026-10-03',
    price_per_night: '200',
    total_price: '400',
    location: 'Gion',
  }),
  transportation: (f) => ({
    trip_id: f.tripId,
    type: 'bus',
    origin: 'Kyoto',
    destination: 'Nara',
    departure_time: '2026-10-02T00:00:00Z',
    arrival_time: '2026-10-02T01:00:00Z',
    price: '7',
  }),
  itinerary_items: (f) => ({ trip_id: f.tripId, day_number: 2, start_time: '08:00', end_time: '09:00', title: 'Fushimi Inari' }),
  trip_notes: (f) => ({ trip_id: f.tripId, user_id: f.userId, title: 'Note', content: 'Buy ICOCA card' }),
  saved_options: (f) => ({ trip_id: f.tripId, user_id: f.userId, option_type: 'hotel', option_data: '{}' }),
  trip_comparisons: (f) => ({ user_id: f.userId, title: 'Kyoto vs Osaka', comparison_data: '{}' }),
  kg_entity_references: () => ({
    entity_id: randomUUID(),
    entity_type: 'Trip',
    primary_db_table: 'trips',
    primary_db_id: randomUUID(),
  }),
  trip_collaborators: (f) => ({ trip_id: f.tripId, user_id: collaborator, role: 'viewer' }),
  trip_invitations: (f) => ({ trip_id: f.tripId, email: `i-${randomUUID()}@example.test` }),
  exchange_rates: () => ({ base: 'EUR', quote: 'CHF', rate: '0.95', as_of: new Date(Date.UTC(2001, 0, 1 + rateDays++)).toISOString().slice(0, 10) }),
  memory_embeddings: (f) => ({
    user_id: f.userId,
    content_text: 'prefers aisle seats',
    content_type: 'preference',
    embedding: vector1536,
  }),
};

/** A user who is not the fixture trip's owner, and a fresh day per exchange rate (both unique keys). */
let collaborator = '';
let rateDays = 0;

describeEachBackend('updated_at triggers', (ctx) => {
  const tables = Object.keys(updatedAtRows)
    .filter((t) => ctx.memory || t !== 'memory_embeddings')
    .sort();
  let f: Fixture;
  beforeAll(async () => {
    f = await makeFixture(ctx.db);
    collaborator = await createUser(ctx.db);
  });

  it('every table with an updated_at column has a BEFORE UPDATE <table>_update_updated_at trigger, and only those', async () => {
    const withColumn = await ctx.db.query<{ t: string }>(
      `SELECT c.table_name AS t FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND c.column_name = 'updated_at' AND t.table_type = 'BASE TABLE'
        ORDER BY 1`,
    );
    const withTrigger = await ctx.db.query<{ t: string; tgname: string; fn: string; before_update_row: boolean }>(
      `SELECT cl.relname AS t, tg.tgname, p.proname AS fn, (tg.tgtype & 19) = 19 AS before_update_row
         FROM pg_trigger tg
         JOIN pg_class cl ON cl.oid = tg.tgrelid
         JOIN pg_namespace n ON n.oid = cl.relnamespace
         JOIN pg_proc p ON p.oid = tg.tgfoid
        WHERE NOT tg.tgisinternal AND n.nspname = 'public' AND tg.tgname LIKE '%\\_update\\_updated\\_at'
        ORDER BY 1`,
    );
    const columnTables = withColumn.rows.map((r) => r.t);
    expect(withTrigger.rows.map((r) => r.t), 'tables with updated_at vs tables with the trigger').toEqual(columnTables);
    for (const r of withTrigger.rows) {
      expect(r, r.t).toEqual({ t: r.t, tgname: `${r.t}_update_updated_at`, fn: 'update_updated_at_column', before_update_row: true });
    }
    expect(columnTables, 'add a row factory to updatedAtRows in test/triggers.test.ts').toEqual(tables);
  });

  for (const table of tables) {
    it(`${table}: an UPDATE sets updated_at to now(), overriding the value written`, async () => {
      const row = await insert(ctx.db, table, updatedAtRows[table]!(f));
      await ctx.db.query(`UPDATE public.${table} SET updated_at = '2000-01-01T00:00:00Z' WHERE id = $1`, [row.id]);
      const r = await ctx.db.query<{ year: number; not_before_created: boolean; recent: boolean }>(
        `SELECT extract(year FROM updated_at)::int AS year,
                updated_at > created_at - interval '1 second' AS not_before_created,
                updated_at > now() - interval '5 minutes' AS recent
           FROM public.${table} WHERE id = $1`,
        [row.id],
      );
      const { year, not_before_created, recent } = r.rows[0]!;
      expect(year, 'the value written must not survive').not.toBe(2000);
      expect({ not_before_created, recent }).toEqual({ not_before_created: true, recent: true });
    });
  }
});

describeEachBackend('chat session activity trigger', (ctx) => {
  const as = <T>(caller: Caller, fn: (trx: Tx) => Promise<T>) => asCaller(ctx.db, caller, fn);

  async function isAfter(a: string, b: string): Promise<boolean> {
    const r = await ctx.db.query<{ after: boolean }>(`SELECT $1::timestamptz > $2::timestamptz AS after`, [a, b]);
    return r.rows[0]!.after;
  }

  async function lastMessageAt(sessionId: string): Promise<string | null> {
    const r = await ctx.db.query<{ last_message_at: string | null }>(
      `SELECT last_message_at FROM public.chat_sessions WHERE id = $1`,
      [sessionId],
    );
    return r.rows[0]!.last_message_at;
  }

  async function isLastMessageOf(sessionId: string, messageId: string): Promise<boolean> {
    const r = await ctx.db.query<{ same: boolean }>(
      `SELECT s.last_message_at = m.created_at AS same
         FROM public.chat_sessions s JOIN public.chat_messages m ON m.session_id = s.id
        WHERE s.id = $1 AND m.id = $2`,
      [sessionId, messageId],
    );
    return r.rows[0]!.same;
  }

  it('the end user, under RLS, moves their own session forward and never back', async () => {
    const uid = await createUser(ctx.db);
    const me = userCaller(uid);
    const session = await as(me, async (trx) => {
      const r = await sql<{ id: string }>`INSERT INTO public.chat_sessions (user_id, title) VALUES (${uid}, 'Plan') RETURNING id`.execute(trx);
      return r.rows[0]!.id;
    });
    expect(await lastMessageAt(session)).toBeNull();

    const send = (ago = '0 seconds') =>
      as(me, async (trx) => {
        const r = await sql<{ id: string; created_at: string }>`
          INSERT INTO public.chat_messages (session_id, role, content, created_at)
          VALUES (${session}, 'user', 'hello', now() - ${ago}::interval)
          RETURNING id, created_at`.execute(trx);
        return r.rows[0]!;
      });

    const first = await send();
    expect(await lastMessageAt(session)).toBe(first.created_at);
    expect(await isLastMessageOf(session, first.id)).toBe(true);

    const second = await send();
    expect(await isAfter(second.created_at, first.created_at)).toBe(true);
    expect(await lastMessageAt(session)).toBe(second.created_at);

    const late = await send('1 hour');
    expect(await isAfter(second.created_at, late.created_at)).toBe(true);
    expect(await lastMessageAt(session), 'an older message must not rewind the session').toBe(second.created_at);
  });

  it('service_role moves any session forward too', async () => {
    const uid = await createUser(ctx.db);
    const session = (await insert(ctx.db, 'chat_sessions', { user_id: uid })).id as string;
    const msg = await as(SERVICE, async (trx) => {
      const r = await sql<{ id: string; created_at: string }>`
        INSERT INTO public.chat_messages (session_id, role, content) VALUES (${session}, 'assistant', 'Hi!')
        RETURNING id, created_at`.execute(trx);
      return r.rows[0]!;
    });
    expect(await lastMessageAt(session)).toBe(msg.created_at);
    expect(await isLastMessageOf(session, msg.id)).toBe(true);
  });

  it('another user cannot post into the session (RLS), so its activity is unchanged', async () => {
    const owner = await createUser(ctx.db);
    const intruder = await createUser(ctx.db);
    const session = (await insert(ctx.db, 'chat_sessions', { user_id: owner })).id as string;
    const e = await failure(
      as(userCaller(intruder), (trx) =>
        sql`INSERT INTO public.chat_messages (session_id, role, content) VALUES (${session}, 'user', 'hi')`.execute(trx),
      ),
    );
    expect(e.sqlstate).toBe('42501');
    expect(await lastMessageAt(session)).toBeNull();
  });
});

describeEachBackend('auth.users → public.users profile sync', (ctx) => {
  async function profiles(authId: string) {
    const r = await ctx.db.query<{ email: string; name: string | null; auth_user_id: string }>(
      `SELECT email, name, auth_user_id FROM public.users WHERE auth_user_id = $1`,
      [authId],
    );
    return r.rows;
  }

  it('a new identity gets a profile with its lower-cased email, its id and its metadata name', async () => {
    const tag = randomUUID();
    const r = await ctx.db.query<{ id: string }>(
      `INSERT INTO auth.users (email, raw_user_meta_data) VALUES ($1, $2::jsonb) RETURNING id`,
      [`Ada.Lovelace-${tag}@Example.TEST`, JSON.stringify({ name: 'Ada Lovelace' })],
    );
    const id = r.rows[0]!.id;
    expect(await profiles(id)).toEqual([{ email: `ada.lovelace-${tag}@example.test`, name: 'Ada Lovelace', auth_user_id: id }]);
  });

  it('an identity without metadata gets a profile with no name', async () => {
    const id = await createUser(ctx.db);
    expect((await profiles(id)).map((p) => p.name)).toEqual([null]);
  });

  it('changing the identity’s email changes the profile’s', async () => {
    const id = await createUser(ctx.db);
    const next = `New-${randomUUID()}@Example.TEST`;
    await ctx.db.query(`UPDATE auth.users SET email = $2 WHERE id = $1`, [id, next]);
    expect((await profiles(id)).map((p) => p.email)).toEqual([next.toLowerCase()]);
  });

  it('an identity with no email gets the placeholder user-<uuid>@anonymous.invalid', async () => {
    const r = await ctx.db.query<{ id: string }>(
      `INSERT INTO auth.users (email, is_anonymous) VALUES (NULL, true) RETURNING id`,
    );
    const id = r.rows[0]!.id;
    expect((await profiles(id)).map((p) => p.email)).toEqual([`user-${id}@anonymous.invalid`]);

    // … and when it later gets one, the profile follows.
    const email = `upgraded-${randomUUID()}@example.test`;
    await ctx.db.query(`UPDATE auth.users SET email = $2 WHERE id = $1`, [id, email]);
    expect((await profiles(id)).map((p) => p.email)).toEqual([email]);
  });

  it('deleting the identity deletes the profile', async () => {
    const email = `gone-${randomUUID()}@example.test`;
    const id = await createUser(ctx.db, email);
    expect(await profiles(id)).toHaveLength(1);
    await ctx.db.query(`DELETE FROM auth.users WHERE id = $1`, [id]);
    expect(await profiles(id)).toEqual([]);
    const byEmail = await ctx.db.query(`SELECT 1 FROM public.users WHERE email = $1`, [email]);
    expect(byEmail.rows).toEqual([]);
  });
});

describeEachBackend('cleanup_old_price_history()', (ctx) => {
  const tag = randomUUID();
  const ages = { '366 days': 'old', '364 days': 'recent', '0 days': 'new' } as const;

  beforeAll(async () => {
    for (const [age, label] of Object.entries(ages)) {
      await ctx.db.query(
        `INSERT INTO public.price_history (entity_type, entity_ref, price, currency, timestamp, source, created_at)
         VALUES ('flight', $1, 100, 'EUR', now(), 'test', now() - $2::interval)`,
        [`${tag}:${label}`, age],
      );
    }
  });

  const remaining = async () =>
    (
      await ctx.db.query<{ entity_ref: string }>(
        `SELECT entity_ref FROM public.price_history WHERE entity_ref LIKE $1 ORDER BY entity_ref`,
        [`${tag}:%`],
      )
    ).rows.map((r) => r.entity_ref.slice(tag.length + 1));

  const callers: [string, Caller][] = [
    ['anon', ANON],
    ['authenticated', userCaller(randomUUID())],
  ];
  for (const [name, caller] of callers) {
    it(`${name} cannot execute it (42501)`, async () => {
      const e = await failure(
        asCaller(ctx.db, caller, (trx) => sql`SELECT public.cleanup_old_price_history()`.execute(trx)),
      );
      expect([e.sqlstate, e.kind]).toEqual(['42501', 'privilege']);
      expect(await remaining()).toEqual(['new', 'old', 'recent']);
    });
  }

  it('service_role runs it: only the row ingested over a year ago is deleted', async () => {
    await asCaller(ctx.db, SERVICE, (trx) => sql`SELECT public.cleanup_old_price_history()`.execute(trx));
    expect(await remaining()).toEqual(['new', 'recent']);
  });

  describe('privileges in the catalog', () => {
    it('EXECUTE is granted to service_role only among the API roles', async () => {
      const r = await ctx.db.query<{ role: string; can: boolean }>(
        `SELECT r AS role, has_function_privilege(r, 'public.cleanup_old_price_history()', 'EXECUTE') AS can
           FROM unnest(ARRAY['anon', 'authenticated', 'service_role']) AS r ORDER BY r`,
      );
      expect(r.rows).toEqual([
        { role: 'anon', can: false },
        { role: 'authenticated', can: false },
        { role: 'service_role', can: true },
      ]);
    });
  });
});
