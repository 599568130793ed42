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

export interface CurrencySubtotal {
  currency: string;
  /** All costs in this currency, in this currency. */
  amount: string;
  /** The part that could be converted, in the trip's currency. */
  converted: string;
  /** The part with no rate on or before its date, in this currency. */
  unconverted: string;
  costs: number;
  unconverted_costs: number;
}

export interface UnconvertedCost {
  kind: 'flight' | 'accommodation' | 'transportation' | 'itinerary_item';
  id: number;
  currency: string;
  amount: string;
  date: string;
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
  currency: string;
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
  by_currency: CurrencySubtotal[];
  unconverted: UnconvertedCost[];
}

/**
 * Planned spend of each visible trip among `ids`, in the order of `ids` (invisible ones are simply
 * absent), in the trip's currency: every cost is converted by convert_amount() with the latest
 * rate on or before its date (flights and transport: the departure's UTC date; stays: check-in;
 * items: their day), exactly, in NUMERIC. A cost without a rate is left out of the totals and
 * listed in `unconverted`; `by_currency` has the subtotals per original currency. Per traveller /
 * per day / percent are rounded to 2 decimals (half away from zero).
 */
export async function tripTotals(trx: Tx, ids: readonly number[]): Promise<TripTotalsRow[]> {
  const r = await sql<TripTotalsRow>`
    WITH t AS (
      SELECT id, name, destination, status, start_date, end_date, (end_date - start_date + 1) AS days,
             travelers, budget, currency::text AS currency
      FROM public.trips WHERE id = ANY(${idArray(ids)})
    ), costs AS (
      SELECT f.trip_id, 'flight' AS kind, f.id, f.currency::text AS currency, f.price AS amount,
             (f.departure_time AT TIME ZONE 'UTC')::date AS on_date
      FROM public.flights f WHERE f.trip_id IN (SELECT id FROM t)
      UNION ALL
      SELECT a.trip_id, 'accommodation', a.id, a.currency::text, a.total_price, a.check_in_date
      FROM public.accommodations a WHERE a.trip_id IN (SELECT id FROM t)
      UNION ALL
      SELECT x.trip_id, 'transportation', x.id, x.currency::text, x.price, (x.departure_time AT TIME ZONE 'UTC')::date
      FROM public.transportation x WHERE x.trip_id IN (SELECT id FROM t)
      UNION ALL
      SELECT i.trip_id, 'itinerary_item', i.id, i.currency::text, i.cost, (tt.start_date + i.day_number - 1)
      FROM public.itinerary_items i JOIN t tt ON tt.id = i.trip_id WHERE i.cost IS NOT NULL
    ), conv AS (
      SELECT c.*, public.convert_amount(c.amount, c.currency, t.currency, c.on_date) AS converted
      FROM costs c JOIN t ON t.id = c.trip_id
    )
    SELECT t.id, t.name, t.destination, t.status, t.start_date, t.end_date, t.days, t.travelers, t.currency,
           t.budget::text AS budget,
           x.flights::text AS flights, x.accommodations::text AS accommodations,
           x.transportation::text AS transportation, x.itinerary::text AS itinerary, x.total::text AS total,
           (t.budget - x.total)::text AS remaining,
           (x.total > t.budget) AS over_budget,
           round(x.total / t.travelers, 2)::text AS per_traveller,
           round(x.total / t.days, 2)::text AS per_day,
           round(100 * x.total / t.budget, 2)::text AS budget_used_percent,
           x.flight_count, x.accommodation_count, x.transportation_count,
           i.n AS itinerary_item_count, i.with_cost AS itinerary_items_with_cost,
           bc.by_currency, uc.unconverted
    FROM t
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(converted) FILTER (WHERE kind = 'flight'), 0) AS flights,
             coalesce(sum(converted) FILTER (WHERE kind = 'accommodation'), 0) AS accommodations,
             coalesce(sum(converted) FILTER (WHERE kind = 'transportation'), 0) AS transportation,
             coalesce(sum(converted) FILTER (WHERE kind = 'itinerary_item'), 0) AS itinerary,
             coalesce(sum(converted), 0) AS total,
             count(*) FILTER (WHERE kind = 'flight')::int AS flight_count,
             count(*) FILTER (WHERE kind = 'accommodation')::int AS accommodation_count,
             count(*) FILTER (WHERE kind = 'transportation')::int AS transportation_count
      FROM conv WHERE conv.trip_id = t.id) x
    CROSS JOIN LATERAL (SELECT count(*)::int AS n, count(cost)::int AS with_cost
                        FROM public.itinerary_items WHERE trip_id = t.id) i
    CROSS JOIN LATERAL (
      SELECT coalesce(jsonb_agg(jsonb_build_object(
               'currency', g.currency, 'amount', g.amount::text, 'converted', g.converted::text,
               'unconverted', g.unconverted::text, 'costs', g.n, 'unconverted_costs', g.un) ORDER BY g.currency), '[]') AS by_currency
      FROM (SELECT currency, sum(amount) AS amount, coalesce(sum(converted), 0) AS converted,
                   coalesce(sum(amount) FILTER (WHERE converted IS NULL), 0) AS unconverted,
                   count(*) AS n, count(*) FILTER (WHERE converted IS NULL) AS un
            FROM conv WHERE conv.trip_id = t.id GROUP BY currency) g) bc
    CROSS JOIN LATERAL (
      SELECT coalesce(jsonb_agg(jsonb_build_object(
               'kind', kind, 'id', id, 'currency', currency, 'amount', amount::text, 'date', on_date)
               ORDER BY on_date, kind, id), '[]') AS unconverted
      FROM conv WHERE conv.trip_id = t.id AND converted IS NULL) uc
    ORDER BY array_position(${idArray(ids)}, t.id)`.execute(trx);
  return r.rows;
}

export interface DayRow {
  day_number: number;
  date: string;
  beyond_trip: boolean;
  /** The day's item costs converted into the trip's currency (those with a rate). */
  planned_cost: string;
  /** Item costs of the day with no rate, in their own currency. */
  unconverted: Array<{ item_id: number; currency: string; amount: string }>;
  item_count: number;
}

/**
 * The trip's days `fromDay`..`toDay` (plus any day in that range an item sits on beyond the
 * trip), with each day's calendar date.
 */
export async function tripDays(trx: Tx, tripId: number, fromDay: number, toDay: number): Promise<DayRow[]> {
  const r = await sql<DayRow>`
    WITH t AS (SELECT id, start_date, (end_date - start_date + 1) AS days, currency::text AS currency
               FROM public.trips WHERE id = ${tripId}),
         d AS (SELECT g AS day_number FROM t, generate_series(${fromDay}::int, least(t.days, ${toDay}::int)) g
               UNION
               SELECT day_number FROM public.itinerary_items
               WHERE trip_id = ${tripId} AND day_number BETWEEN ${fromDay}::int AND ${toDay}::int)
    SELECT d.day_number, (t.start_date + d.day_number - 1) AS date, (d.day_number > t.days) AS beyond_trip,
           coalesce(c.total, 0)::text AS planned_cost, c.unconverted, coalesce(c.n, 0)::int AS item_count
    FROM t CROSS JOIN d
    CROSS JOIN LATERAL (
      SELECT sum(i.converted) AS total, count(*) AS n,
             coalesce(jsonb_agg(jsonb_build_object('item_id', i.id, 'currency', i.currency, 'amount', i.cost::text) ORDER BY i.id)
                      FILTER (WHERE i.cost IS NOT NULL AND i.converted IS NULL), '[]') AS unconverted
      FROM (SELECT i.id, i.currency::text AS currency, i.cost,
                   public.convert_amount(i.cost, i.currency, t.currency, t.start_date + d.day_number - 1) AS converted
            FROM public.itinerary_items i WHERE i.trip_id = t.id AND i.day_number = d.day_number) i) c
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
  /** The row's currency (ISO 4217; an itinerary item has one even without a cost). */
  currency: string | null;
  status: string | null;
}

export const TIMELINE_COLUMNS = sql.raw(
  'kind, id, title, start_at, end_at, all_day, date, end_date, day_number, start_time, end_time, ' +
  'origin, destination, location, description, price, currency, status',
);

/**
 * Flights, stays, transport and itinerary items in one list, ordered by their instant. Floating
 * local times (items: computed date + start_time; stays: midnight of the check-in date) are read
 * in the IANA zone `tz`. The rows come from public.trip_timeline() (migration 000072), which the
 * share links read too.
 */
export async function timeline(trx: Tx, tripId: number, tz: string): Promise<TimelineRow[]> {
  const r = await sql<TimelineRow>`
    SELECT ${TIMELINE_COLUMNS}
    FROM public.trip_timeline(${tripId}::bigint, ${tz})
    ORDER BY start_at, rank, end_at, id`.execute(trx);
  return r.rows;
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


