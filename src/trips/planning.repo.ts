/**
 * SQL of the trip-planning views: budget summaries, the day-by-day itinerary, the timeline and
 * calendar rows, saved-option selection and the trip lock. Every query runs in the caller's
 * transaction, so RLS decides which trips exist. Money is summed, subtracted and divided here, in
 * NUMERIC, and leaves as text: JavaScript never does arithmetic on it.
 */
import { sql } from 'kysely';
import type { Tx } from '../db/transaction.ts';

/** A PostgreSQL bigint[] literal from validated integer ids. */
function idArray(ids: readonly number[]) {
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new RangeError(`not an id: ${id}`);
  return sql`${`{${ids.join(',')}}`}::bigint[]`;
}

export interface TripTotalsRow {
  id: number;
  name: string;
  destination: string;
  status: string;
  start_date: string;
  end_date: string;
  days: number;
  travelers: number;
  budget: string;
  flights: string;
  accommodations: string;
  transportation: string;
  itinerary: string;
  total: string;
  remaining: string;
  over_budget: boolean;
  per_traveller: string;
  per_day: string;
  budget_used_percent: string;
  flight_count: number;
  accommodation_count: number;
  transportation_count: number;
  itinerary_item_count: number;
  itinerary_items_with_cost: number;
}

/**
 * Planned spend of each visible trip among `ids`, in the order of `ids` (invisible ones are simply
 * absent). Per traveller / per day / percent are rounded to 2 decimals (half away from zero).
 */
export async function tripTotals(trx: Tx, ids: readonly number[]): Promise<TripTotalsRow[]> {
  const r = await sql<TripTotalsRow>`
    SELECT t.id, t.name, t.destination, t.status,
           t.start_date, t.end_date, d.days, t.travelers, t.budget::text AS budget,
           f.total::text AS flights, a.total::text AS accommodations,
           tr.total::text AS transportation, i.total::text AS itinerary,
           x.total::text AS total,
           (t.budget - x.total)::text AS remaining,
           (x.total > t.budget) AS over_budget,
           round(x.total / t.travelers, 2)::text AS per_traveller,
           round(x.total / d.days, 2)::text AS per_day,
           round(100 * x.total / t.budget, 2)::text AS budget_used_percent,
           f.n AS flight_count, a.n AS accommodation_count, tr.n AS transportation_count,
           i.n AS itinerary_item_count, i.with_cost AS itinerary_items_with_cost
    FROM public.trips t
    CROSS JOIN LATERAL (SELECT (t.end_date - t.start_date + 1) AS days) d
    CROSS JOIN LATERAL (SELECT coalesce(sum(price), 0) AS total, count(*)::int AS n
                        FROM public.flights WHERE trip_id = t.id) f
    CROSS JOIN LATERAL (SELECT coalesce(sum(total_price), 0) AS total, count(*)::int AS n
                        FROM public.accommodations WHERE trip_id = t.id) a
    CROSS JOIN LATERAL (SELECT coalesce(sum(price), 0) AS total, count(*)::int AS n
                        FROM public.transportation WHERE trip_id = t.id) tr
    CROSS JOIN LATERAL (SELECT coalesce(sum(cost), 0) AS total, count(*)::int AS n, count(cost)::int AS with_cost
                        FROM public.itinerary_items WHERE trip_id = t.id) i
    CROSS JOIN LATERAL (SELECT f.total + a.total + tr.total + i.total AS total) x
    WHERE t.id = ANY(${idArray(ids)})
    ORDER BY array_position(${idArray(ids)}, t.id)`.execute(trx);
  return r.rows;
}

export interface DayRow {
  day_number: number;
  date: string;
  beyond_trip: boolean;
  planned_cost: string;
  item_count: number;
}

/**
 * The trip's days `fromDay`..`toDay` (plus any day in that range an item sits on beyond the
 * trip), with each day's calendar date.
 */
export async function tripDays(trx: Tx, tripId: number, fromDay: number, toDay: number): Promise<DayRow[]> {
  const r = await sql<DayRow>`
    WITH t AS (SELECT id, start_date, (end_date - start_date + 1) AS days FROM public.trips WHERE id = ${tripId}),
         d AS (SELECT g AS day_number FROM t, generate_series(${fromDay}::int, least(t.days, ${toDay}::int)) g
               UNION
               SELECT day_number FROM public.itinerary_items
               WHERE trip_id = ${tripId} AND day_number BETWEEN ${fromDay}::int AND ${toDay}::int)
    SELECT d.day_number, (t.start_date + d.day_number - 1) AS date, (d.day_number > t.days) AS beyond_trip,
           coalesce(c.total, 0)::text AS planned_cost, coalesce(c.n, 0)::int AS item_count
    FROM t CROSS JOIN d
    LEFT JOIN LATERAL (SELECT sum(cost) AS total, count(*) AS n FROM public.itinerary_items i
                       WHERE i.trip_id = t.id AND i.day_number = d.day_number) c ON true
    ORDER BY d.day_number`.execute(trx);
  return r.rows;
}

/** The last day that has anything: the trip's last day, or a later item's day. */
export async function lastDay(trx: Tx, tripId: number): Promise<number | undefined> {
  const r = await sql<{ last: number }>`
    SELECT greatest(t.end_date - t.start_date + 1,
                    (SELECT max(day_number) FROM public.itinerary_items WHERE trip_id = t.id)) AS last
    FROM public.trips t WHERE t.id = ${tripId}`.execute(trx);
  return r.rows[0]?.last;
}

export type TimelineKind = 'flight' | 'accommodation' | 'transportation' | 'itinerary_item';

export interface TimelineRow {
  kind: TimelineKind;
  id: number;
  title: string;
  start_at: string;
  end_at: string;
  all_day: boolean;
  /** Local calendar date: check-in (stays) or the item's computed date; null for timed travel. */
  date: string | null;
  end_date: string | null;
  day_number: number | null;
  start_time: string | null;
  end_time: string | null;
  origin: string | null;
  destination: string | null;
  location: string | null;
  description: string | null;
  price: string | null;
  status: string | null;
}

/**
 * Flights, stays, transport and itinerary items in one list, ordered by their instant. Floating
 * local times (items: computed date + start_time; stays: midnight of the check-in date) are read
 * in the IANA zone `tz`.
 */
export async function timeline(trx: Tx, tripId: number, tz: string): Promise<TimelineRow[]> {
  const r = await sql<TimelineRow>`
    SELECT * FROM (
      SELECT 'flight' AS kind, f.id,
             concat_ws(' ', f.airline, f.origin || ' → ' || f.destination) AS title,
             f.departure_time AS start_at, f.arrival_time AS end_at, false AS all_day,
             NULL::date AS date, NULL::date AS end_date, NULL::int AS day_number,
             NULL::text AS start_time, NULL::text AS end_time,
             f.origin, f.destination, NULL::text AS location, NULL::text AS description,
             f.price::text AS price, f.booking_status AS status, 1 AS rank
      FROM public.flights f WHERE f.trip_id = ${tripId}
      UNION ALL
      SELECT 'accommodation', a.id, a.name,
             (a.check_in_date::timestamp AT TIME ZONE ${tz}), (a.check_out_date::timestamp AT TIME ZONE ${tz}), true,
             a.check_in_date, a.check_out_date, NULL, NULL, NULL,
             NULL, NULL, a.location, a.type, a.total_price::text, a.booking_status, 0
      FROM public.accommodations a WHERE a.trip_id = ${tripId}
      UNION ALL
      SELECT 'transportation', x.id, x.type || ': ' || x.origin || ' → ' || x.destination,
             x.departure_time, x.arrival_time, false,
             NULL, NULL, NULL, NULL, NULL,
             x.origin, x.destination, NULL, x.provider_name, x.price::text, x.status, 2
      FROM public.transportation x WHERE x.trip_id = ${tripId}
      UNION ALL
      SELECT 'itinerary_item', i.id, i.title,
             ((t.start_date + i.day_number - 1) + i.start_time) AT TIME ZONE ${tz},
             ((t.start_date + i.day_number - 1) + i.end_time) AT TIME ZONE ${tz}, false,
             (t.start_date + i.day_number - 1), NULL, i.day_number, i.start_time::text, i.end_time::text,
             NULL, NULL, i.location, i.description, i.cost::text, NULL, 3
      FROM public.itinerary_items i JOIN public.trips t ON t.id = i.trip_id
      WHERE i.trip_id = ${tripId}
    ) e
    ORDER BY e.start_at, e.rank, e.end_at, e.id`.execute(trx);
  return r.rows.map(({ rank: _rank, ...row }: TimelineRow & { rank?: number }) => row);
}

/** Locks the trip row for this transaction (serialises selections within one trip). */
export async function lockTrip(trx: Tx, tripId: number): Promise<boolean> {
  const r = await sql`SELECT id FROM public.trips WHERE id = ${tripId} FOR UPDATE`.execute(trx);
  return r.rows.length > 0;
}

/**
 * Deselects the trip's other selected options of one type. `optionType` null: the type of option
 * `exceptId` itself.
 */
export async function deselectOtherOptions(trx: Tx, tripId: number, exceptId: number | null, optionType: string | null): Promise<void> {
  await sql`
    UPDATE public.saved_options s SET is_selected = false
    WHERE s.trip_id = ${tripId} AND s.is_selected
      AND s.id IS DISTINCT FROM ${exceptId}::bigint
      AND s.option_type = coalesce(${optionType}::text,
            (SELECT o.option_type FROM public.saved_options o WHERE o.id = ${exceptId}::bigint AND o.trip_id = ${tripId}))`.execute(trx);
}


