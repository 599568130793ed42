/**
 * Collection caps (migration 000030), on every backend: each cap directly in SQL at its default
 * (the row that would pass it is refused with 54000 naming the cap), the cap on an UPDATE that
 * moves rows, two concurrent writers racing for the last place, and through the API: a single
 * POST and an import over a cap answer 422 with the cap and a hint, and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { createUser, describeEachBackend } from './harness/backends.ts';
import { failure } from './harness/fixtures.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

interface Parents {
  user: string;
  trip: number;
  session: string;
}

async function parents(db: Database): Promise<Parents> {
  const user = await createUser(db);
  const trip = await db.query<{ id: number }>(
    `INSERT INTO public.trips (user_id, name, start_date, end_date, destination, budget)
     VALUES ($1, 'Caps', '2026-01-01', '2026-01-20', 'X', 1) RETURNING id`, [user]);
  const session = await db.query<{ id: string }>(`INSERT INTO public.chat_sessions (user_id) VALUES ($1) RETURNING id`, [user]);
  return { user, trip: trip.rows[0]!.id, session: session.rows[0]!.id };
}

/**
 * `INSERT … SELECT … FROM generate_series(1, $n) g` per cap: columns and the row expression
 * (over g; $1 is the user, $2 the trip, $3 the session).
 */
const ROWS: Record<string, [table: string, columns: string, values: string]> = {
  trips_per_user: ['trips', 'user_id, name, start_date, end_date, destination, budget', `$1, 'T' || g, '2026-01-01', '2026-01-02', 'X', 1`],
  flights_per_trip: ['flights', 'trip_id, origin, destination, departure_time, arrival_time, price', `$2, 'A', 'B', '2026-01-01T08:00Z', '2026-01-01T09:00Z', 1`],
  accommodations_per_trip: ['accommodations', 'trip_id, name, type, check_in_date, check_out_date, price_per_night, total_price, location', `$2, 'H', 'hotel', '2026-01-01', '2026-01-02', 1, 1, 'L'`],
  transportation_per_trip: ['transportation', 'trip_id, type, origin, destination, departure_time, arrival_time, price', `$2, 'bus', 'A', 'B', '2026-01-01T08:00Z', '2026-01-01T09:00Z', 1`],
  itinerary_items_per_trip: ['itinerary_items', 'trip_id, day_number, start_time, end_time, title', `$2, 1 + g % 10, '10:00', '11:00', 'I'`],
  itinerary_items_per_day: ['itinerary_items', 'trip_id, day_number, start_time, end_time, title', `$2, 1, '10:00', '11:00', 'I'`],
  trip_notes_per_trip: ['trip_notes', 'trip_id, user_id, title, content', `$2, $1, 'N', 'c'`],
  saved_options_per_trip: ['saved_options', 'trip_id, user_id, option_type, option_data', `$2, $1, 'hotel', '{}'`],
  trip_comparisons_per_user: ['trip_comparisons', 'user_id, title, comparison_data', `$1, 'C', '{}'`],
  chat_sessions_per_user: ['chat_sessions', 'user_id', `$1`],
  chat_messages_per_session: ['chat_messages', 'session_id, role, content', `$3, 'user', 'm'`],
  search_history_per_user: ['search_history', 'user_id, search_type, search_params', `$1, 'flight', '{}'`],
  api_keys_per_user: ['api_keys', 'user_id, service_name, key_name, encrypted_value', `$1, 'openai', 'k' || g || '-' || gen_random_uuid(), 'x'`],
  memory_embeddings_per_user: ['memory_embeddings', 'user_id, content_text, content_type, embedding', `$1, 'm', 'note', array_fill(0.01::real, ARRAY[1536])::extensions.vector`],
};

function insertMany(db: Database, cap: string, p: Parents, n: number) {
  const [table, columns, values] = ROWS[cap]!;
  // Every statement names all three parameters, so each gets its type from its use.
  return db.query(
    `INSERT INTO public.${table} (${columns}) SELECT ${values} FROM generate_series(1, $4::int) g
     WHERE $1::uuid IS NOT NULL AND $2::bigint IS NOT NULL AND $3::uuid IS NOT NULL`,
    [p.user, p.trip, p.session, n],
  );
}

describeEachBackend('collection caps', (ctx) => {
  let caps: Array<{ name: string; max_rows: number }>;
  beforeAll(async () => {
    // Memories carry 1,536 floats each: that cap is exercised at a smaller maximum (an operator
    // may change any maximum); every other cap at its default.
    await ctx.db.query(`UPDATE tripsage.collection_limits SET max_rows = 3 WHERE name = 'memory_embeddings_per_user'`);
    caps = (await ctx.db.query<{ name: string; max_rows: number }>(`SELECT name, max_rows FROM tripsage.collection_limits ORDER BY name`)).rows;
  });

  it('every cap has a row generator here, and the documented defaults', async () => {
    expect(caps.map((c) => c.name).sort()).toEqual(Object.keys(ROWS).sort());
    expect(Object.fromEntries(caps.map((c) => [c.name, c.max_rows]))).toMatchObject({
      trips_per_user: 1000, itinerary_items_per_trip: 5000, itinerary_items_per_day: 1000, flights_per_trip: 500, api_keys_per_user: 100,
    });
  });

  describe('directly in SQL: the cap is reached, and the next row is refused (54000)', () => {
    for (const cap of Object.keys(ROWS)) {
      it(cap, async () => {
        if (cap.startsWith('memory') && !ctx.memory) return;
        const max = caps.find((c) => c.name === cap)!.max_rows;
        const p = await parents(ctx.db);
        const already = cap === 'trips_per_user' || cap === 'chat_sessions_per_user' ? 1 : 0; // parents() made one
        await insertMany(ctx.db, cap, p, max - already);
        const e = await failure(insertMany(ctx.db, cap, p, 1));
        expect([e.sqlstate, e.kind, e.fields.constraint]).toEqual(['54000', 'limit', cap]);
        expect(e.message).toMatch(new RegExp(`at most ${max}`));
        expect(e.fields.hint).toMatch(/delete some/);
        // The refused statement wrote nothing: still exactly at the cap.
        await expect(insertMany(ctx.db, cap, p, 1)).rejects.toThrow(/at most/);
      });
    }
  });

  it('an UPDATE that moves rows into a full scope is refused; other updates are not checked against it', async () => {
    const p = await parents(ctx.db);
    await insertMany(ctx.db, 'itinerary_items_per_day', p, 1000);
    const other = await ctx.db.query<{ id: number }>(
      `INSERT INTO public.itinerary_items (trip_id, day_number, start_time, end_time, title) VALUES ($1, 2, '10:00', '11:00', 'x') RETURNING id`, [p.trip]);
    const e = await failure(ctx.db.query(`UPDATE public.itinerary_items SET day_number = 1 WHERE id = $1`, [other.rows[0]!.id]));
    expect(e.fields.constraint).toBe('itinerary_items_per_day');
    await ctx.db.query(`UPDATE public.itinerary_items SET title = 'renamed' WHERE trip_id = $1 AND day_number = 1`, [p.trip]);
  });

  it('two writers racing for the last place: exactly one wins', async () => {
    const p = await parents(ctx.db);
    await insertMany(ctx.db, 'flights_per_trip', p, 499);
    const results = await Promise.allSettled([insertMany(ctx.db, 'flights_per_trip', p, 1), insertMany(ctx.db, 'flights_per_trip', p, 1)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const n = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.flights WHERE trip_id = $1`, [p.trip]);
    expect(n.rows[0]!.n).toBe(500);
  });

  describe('through the API', () => {
    let t: TestApp;
    let alice: TestUser;
    beforeAll(async () => {
      t = await buildTestApp(ctx.db);
      alice = await makeUser(t, ctx.db);
    });
    afterAll(async () => {
      await t?.app.close();
    });
    const post = (url: string, payload: unknown) =>
      t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: alice.headers, payload: payload as object });
    const trip = { name: 'Big', start_date: '2026-01-01', end_date: '2026-01-10', destination: 'X', budget: '1' };
    const items = (n: number, day: (k: number) => number) =>
      Array.from({ length: n }, (_, k) => ({ day_number: day(k), start_time: '10:00', end_time: '11:00', title: `i${k}` }));

    it('a POST over a cap: 422 with the cap, its maximum and a hint', async () => {
      const created = await post('/trips', trip);
      const tripId = created.json().id as number;
      // Only the trip matters to this cap; the session parameter just needs to be a uuid.
      await insertMany(ctx.db, 'flights_per_trip', { user: alice.id, trip: tripId, session: alice.id }, 500);
      const r = await post(`/trips/${tripId}/flights`, { origin: 'A', destination: 'B', departure_time: '2026-01-01T08:00:00Z', arrival_time: '2026-01-01T09:00:00Z', price: '1' });
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json()).toMatchObject({
        code: '54000',
        message: 'too many flights per trip: at most 500 (limit flights_per_trip)',
        details: { limit: 'flights_per_trip', detail: expect.stringContaining(String(tripId)) },
        hint: expect.stringMatching(/delete some flights per trip first/),
      });
    });

    it('an import over the day cap or the trip cap: 422, and nothing imported', async () => {
      const count = async () => (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.trips WHERE user_id = $1`, [alice.id])).rows[0]!.n;
      const before = await count();
      const day = await post('/trips/import', { format: 'tripsage.trip', version: 1, trip, itinerary_items: items(1001, () => 1) });
      expect(day.statusCode, day.body).toBe(422);
      expect(day.json().details.limit).toBe('itinerary_items_per_day');
      const whole = await post('/trips/import', { format: 'tripsage.trip', version: 1, trip, itinerary_items: items(5001, (k) => 1 + (k % 10)) });
      expect(whole.statusCode, whole.body).toBe(422);
      expect(whole.json().details.limit).toBe('itinerary_items_per_trip');
      expect(await count()).toBe(before);
    });
  });
});
