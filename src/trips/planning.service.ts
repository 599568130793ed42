/**
 * Trip planning on top of the plain resources: budget summary, days, timeline, saved-option
 * selection and comparisons. Functions take the caller's transaction; RLS decides visibility.
 * Amounts come from SQL as exact decimal strings and are only passed along here.
 */
import { byId, type Row } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';
import { conflict, DomainError, notFound } from '../domain/errors.ts';
import * as repo from './planning.repo.ts';
import { comparisonsRepo, itineraryItemsRepo } from './trips.repo.ts';

/** There is no currency column on trips: amounts are in the trip's own unit. */
export const CURRENCY = null;

export function summaryOf(t: repo.TripTotalsRow) {
  return {
    trip_id: t.id,
    name: t.name,
    destination: t.destination,
    status: t.status,
    start_date: t.start_date,
    end_date: t.end_date,
    duration_days: t.days,
    travelers: t.travelers,
    currency: CURRENCY,
    budget: t.budget,
    planned: {
      flights: t.flights,
      accommodations: t.accommodations,
      transportation: t.transportation,
      itinerary: t.itinerary,
    },
    total: t.total,
    remaining: t.remaining,
    over_budget: t.over_budget,
    budget_used_percent: t.budget_used_percent,
    per_traveller: t.per_traveller,
    per_day: t.per_day,
    counts: {
      flights: t.flight_count,
      accommodations: t.accommodation_count,
      transportation: t.transportation_count,
      itinerary_items: t.itinerary_item_count,
      itinerary_items_with_cost: t.itinerary_items_with_cost,
    },
  };
}
export type TripSummary = ReturnType<typeof summaryOf>;

export async function tripSummary(trx: Tx, tripId: number): Promise<TripSummary> {
  const [row] = await repo.tripTotals(trx, [tripId]);
  if (!row) throw notFound('trip');
  return summaryOf(row);
}

export interface DayWarning {
  type: 'overlap' | 'beyond_trip';
  message: string;
  item_ids: number[];
}

/** At most this many days per response; `from_day` pages through longer trips. */
export const MAX_DAYS_PER_PAGE = 366;

export async function tripDays(trx: Tx, tripId: number, fromDay = 1, limit = MAX_DAYS_PER_PAGE) {
  const [totals] = await repo.tripTotals(trx, [tripId]);
  if (!totals) throw notFound('trip');
  const toDay = fromDay + Math.min(limit, MAX_DAYS_PER_PAGE) - 1;
  const last = (await repo.lastDay(trx, tripId)) ?? totals.days;
  const [days, items, overlaps] = [
    await repo.tripDays(trx, tripId, fromDay, toDay),
    (await itineraryItemsRepo.list(trx, {
      where: [
        { column: 'trip_id', op: '=', value: tripId },
        { column: 'day_number', op: '>=', value: fromDay },
        { column: 'day_number', op: '<=', value: toDay },
      ],
      order: [{ column: 'day_number', desc: false }, { column: 'start_time', desc: false }, { column: 'end_time', desc: false }, { column: 'id', desc: false }],
      limit: 1_000_000,
      offset: 0,
      count: false,
    })).rows,
    await repo.itineraryOverlaps(trx, tripId, fromDay, toDay),
  ];
  const itemsByDay = new Map<number, Row[]>();
  for (const it of items) {
    const d = it.day_number as number;
    itemsByDay.set(d, [...(itemsByDay.get(d) ?? []), it]);
  }
  const warningsByDay = new Map<number, DayWarning[]>();
  const warn = (day: number, w: DayWarning) => warningsByDay.set(day, [...(warningsByDay.get(day) ?? []), w]);
  for (const o of overlaps) {
    warn(o.day_number, {
      type: 'overlap',
      message: `"${o.first_title}" and "${o.second_title}" overlap from ${o.overlap_start} to ${o.overlap_end}`,
      item_ids: [o.first_id, o.second_id],
    });
  }
  for (const d of days) {
    if (d.beyond_trip) {
      warn(d.day_number, {
        type: 'beyond_trip',
        message: `day ${d.day_number} is after the trip's last day (day ${totals.days})`,
        item_ids: (itemsByDay.get(d.day_number) ?? []).map((i) => i.id as number),
      });
    }
  }
  return {
    trip_id: tripId,
    start_date: totals.start_date,
    end_date: totals.end_date,
    duration_days: totals.days,
    currency: CURRENCY,
    next_from_day: toDay < last ? toDay + 1 : null,
    days: days.map((d) => ({
      day_number: d.day_number,
      date: d.date,
      beyond_trip: d.beyond_trip,
      planned_cost: d.planned_cost,
      items: itemsByDay.get(d.day_number) ?? [],
      warnings: warningsByDay.get(d.day_number) ?? [],
    })),
  };
}

export async function tripTimeline(trx: Tx, tripId: number, tz: string) {
  const [totals] = await repo.tripTotals(trx, [tripId]);
  if (!totals) throw notFound('trip');
  return { trip_id: tripId, time_zone: tz, entries: await repo.timeline(trx, tripId, tz) };
}

// ---- saved options ------------------------------------------------------------------------------

/** beforeCreate: a new selected option deselects the others of its type, after locking the trip. */
export async function beforeCreateSavedOption(trx: Tx, values: Row): Promise<void> {
  if (values.is_selected !== true) return;
  const tripId = values.trip_id as number;
  if (!(await repo.lockTrip(trx, tripId))) throw notFound('trip');
  await repo.deselectOtherOptions(trx, tripId, null, values.option_type as string);
}

/** beforePatch: `is_selected: true` deselects the others of the option's (new or current) type. */
export async function beforePatchSavedOption(trx: Tx, key: { column: string; value: unknown }[], values: Row): Promise<void> {
  if (values.is_selected !== true) return;
  const id = Number(key.find((k) => k.column === 'id')?.value);
  const tripId = Number(key.find((k) => k.column === 'trip_id')?.value);
  if (!(await repo.lockTrip(trx, tripId))) throw notFound('trip');
  await repo.deselectOtherOptions(trx, tripId, id, (values.option_type as string | undefined) ?? null);
}

// ---- comparisons --------------------------------------------------------------------------------

export const COMPARISON_VERSION = 1;

/** comparison_data for the given trips; every trip must be visible to the caller. */
export async function computeComparison(trx: Tx, tripIds: readonly number[], opts: { allowMissing?: boolean } = {}) {
  const rows = await repo.tripTotals(trx, tripIds);
  const found = new Set(rows.map((r) => r.id));
  const missing = tripIds.filter((id) => !found.has(id));
  if (missing.length && !opts.allowMissing) {
    throw new DomainError('not_found', 'not_found', `trip(s) not found: ${missing.join(', ')}`, {
      details: { missing_trip_ids: missing },
      hint: 'compare only your own trips; they must exist',
    });
  }
  return {
    version: COMPARISON_VERSION,
    computed_at: new Date().toISOString(),
    currency: CURRENCY,
    trip_ids: [...tripIds],
    missing_trip_ids: missing,
    trips: rows.map((t) => ({
      trip_id: t.id,
      name: t.name,
      destination: t.destination,
      start_date: t.start_date,
      end_date: t.end_date,
      days: t.days,
      travelers: t.travelers,
      budget: t.budget,
      total_planned: t.total,
      per_day: t.per_day,
      per_traveller: t.per_traveller,
      budget_headroom: t.remaining,
      over_budget: t.over_budget,
      planned_by_category: {
        flights: t.flights,
        accommodations: t.accommodations,
        transportation: t.transportation,
        itinerary: t.itinerary,
      },
      counts: {
        flights: t.flight_count,
        accommodations: t.accommodation_count,
        transportation: t.transportation_count,
        itinerary_items: t.itinerary_item_count,
      },
    })),
  };
}

/** The trip ids a stored comparison was computed from. */
export function storedTripIds(data: unknown): number[] {
  const ids = (data as { trip_ids?: unknown } | null)?.trip_ids;
  if (!Array.isArray(ids) || !ids.every((i) => Number.isSafeInteger(i) && (i as number) > 0)) {
    throw conflict('not_refreshable', 'this comparison has no stored trip_ids to recompute from', {
      hint: 'create a new comparison with POST /api/v1/trip-comparisons {title, trip_ids}',
    });
  }
  return ids as number[];
}

/** beforeCreate of a comparison: trip_ids in the body become the computed comparison_data. */
export async function beforeCreateComparison(trx: Tx, values: Row): Promise<void> {
  const ids = values.trip_ids as number[];
  delete values.trip_ids;
  values.comparison_data = await computeComparison(trx, ids); // the table repo stores JSON columns as JSON text
}

/** Recomputes a stored comparison; undefined when the caller cannot see it. */
export async function refreshComparison(trx: Tx, comparisonId: number): Promise<Row | undefined> {
  const key = byId(comparisonId);
  const current = await comparisonsRepo.get(trx, key);
  if (!current) return undefined;
  const data = await computeComparison(trx, storedTripIds(current.comparison_data), { allowMissing: true });
  return comparisonsRepo.update(trx, key, { comparison_data: data });
}
