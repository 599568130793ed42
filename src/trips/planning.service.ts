/**
 * Trip planning on top of the plain resources: budget summary, days, timeline, saved-option
 * selection and comparisons. Functions take the caller's transaction; RLS decides visibility.
 * Amounts come from SQL as exact decimal strings and are only passed along here.
 */
import { byId, type Row } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';
import { conflict, DomainError, notFound } from '../domain/errors.ts';
import { itemOverlaps, overlapGroups, type ItemOverlaps, type TimedItem } from './overlaps.ts';
import * as repo from './planning.repo.ts';
import { comparisonsRepo, itineraryItemsRepo } from './trips.repo.ts';

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
    currency: t.currency,
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
    complete: t.unconverted.length === 0,
    by_currency: t.by_currency,
    unconverted: t.unconverted,
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
  /** The items concerned, at most MAX_WARNING_IDS of them; `item_count` says how many in all. */
  item_ids: number[];
  item_count: number;
}

/** At most this many days per response; `from_day` pages through longer trips. */
export const MAX_DAYS_PER_PAGE = 366;
/** Item ids listed per warning (the count is always complete). */
export const MAX_WARNING_IDS = 20;
/** Titles quoted in a warning's message. */
const MAX_QUOTED = 3;

const quote = (titles: string[], total: number) =>
  titles.slice(0, MAX_QUOTED).map((t) => `"${t}"`).join(', ') + (total > MAX_QUOTED ? ', …' : '');

/** One warning per group of items connected by overlaps: bounded, whatever the day holds. */
function overlapWarnings(items: Row[]): DayWarning[] {
  return overlapGroups(items as unknown as TimedItem[]).map((g) => {
    const titles = g.items.slice(0, MAX_QUOTED).map((i) => String((i as unknown as Row).title));
    const [a, b] = g.items;
    const message = g.items.length === 2
      ? `"${titles[0]}" and "${titles[1]}" overlap from ${b!.start_time} to ${a!.end_time < b!.end_time ? a!.end_time : b!.end_time}`
      : `${g.items.length} items overlap between ${g.start} and ${g.end}: ${quote(titles, g.items.length)}`;
    return { type: 'overlap', message, item_ids: g.items.slice(0, MAX_WARNING_IDS).map((i) => i.id), item_count: g.items.length };
  });
}

export async function tripDays(trx: Tx, tripId: number, fromDay = 1, limit = MAX_DAYS_PER_PAGE) {
  const [totals] = await repo.tripTotals(trx, [tripId]);
  if (!totals) throw notFound('trip');
  const toDay = fromDay + Math.min(limit, MAX_DAYS_PER_PAGE) - 1;
  const last = (await repo.lastDay(trx, tripId)) ?? totals.days;
  const days = await repo.tripDays(trx, tripId, fromDay, toDay);
  // Bounded by the trip's item cap (docs/trip-planning.md, "Limits").
  const { rows: items } = await itineraryItemsRepo.list(trx, {
    where: [
      { column: 'trip_id', op: '=', value: tripId },
      { column: 'day_number', op: '>=', value: fromDay },
      { column: 'day_number', op: '<=', value: toDay },
    ],
    order: [{ column: 'day_number', desc: false }, { column: 'start_time', desc: false }, { column: 'end_time', desc: false }, { column: 'id', desc: false }],
    limit: 1_000_000,
    offset: 0,
    count: false,
  });
  const itemsByDay = new Map<number, Row[]>();
  for (const it of items) {
    const d = it.day_number as number;
    const list = itemsByDay.get(d);
    if (list) list.push(it);
    else itemsByDay.set(d, [it]);
  }
  return {
    trip_id: tripId,
    start_date: totals.start_date,
    end_date: totals.end_date,
    duration_days: totals.days,
    currency: totals.currency,
    next_from_day: toDay < last ? toDay + 1 : null,
    days: days.map((d) => {
      const dayItems = itemsByDay.get(d.day_number) ?? [];
      const overlaps = itemOverlaps(dayItems as unknown as TimedItem[]);
      const warnings = overlapWarnings(dayItems);
      if (d.beyond_trip) {
        warnings.push({
          type: 'beyond_trip',
          message: `day ${d.day_number} is after the trip's last day (day ${totals.days})`,
          item_ids: dayItems.slice(0, MAX_WARNING_IDS).map((i) => i.id as number),
          item_count: dayItems.length,
        });
      }
      return {
        day_number: d.day_number,
        date: d.date,
        beyond_trip: d.beyond_trip,
        planned_cost: d.planned_cost,
        unconverted: d.unconverted,
        items: dayItems.map((i) => ({ ...i, overlaps: overlaps.get(i.id as number) ?? NO_OVERLAPS })),
        warnings,
      };
    }),
  };
}

const NO_OVERLAPS: ItemOverlaps = { count: 0, item_ids: [] };

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

/** 2: each trip has its currency, and its totals are converted into it (issue 13). */
export const COMPARISON_VERSION = 2;

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
      currency: t.currency,
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
      complete: t.unconverted.length === 0,
      by_currency: t.by_currency,
      unconverted: t.unconverted,
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
