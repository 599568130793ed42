/**
 * SQL of share links (migration 000072). Links are created, listed and revoked as the caller under
 * RLS (owner and admins); the token is hashed by the database (SHA-256) and never stored. Reading
 * a shared trip goes through the shared_trip* functions, which take the token and decide what a
 * link shows: the caller needs no account.
 */
import { sql } from 'kysely';
import type { Tx } from '../db/transaction.ts';
import { TIMELINE_COLUMNS, type TimelineRow } from './planning.repo.ts';

const LINK_COLUMNS = ['id', 'trip_id', 'include_costs', 'expires_at', 'created_by', 'created_at'] as const;

export async function createLink(trx: Tx, tripId: number, token: string, includeCosts: boolean, expiresAt: string | null) {
  return trx.insertInto('trip_share_links')
    .values({
      trip_id: tripId,
      token_hash: sql`sha256(convert_to(${token}, 'UTF8'))` as never,
      include_costs: includeCosts,
      expires_at: expiresAt,
      created_by: sql`auth.uid()` as never,
    })
    .returning(LINK_COLUMNS).executeTakeFirstOrThrow();
}

export async function listLinks(trx: Tx, tripId: number) {
  return trx.selectFrom('trip_share_links').select(LINK_COLUMNS)
    .where('trip_id', '=', tripId).orderBy('created_at').orderBy('id').execute();
}

export async function deleteLink(trx: Tx, tripId: number, id: number): Promise<boolean> {
  const r = await trx.deleteFrom('trip_share_links').where('trip_id', '=', tripId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export interface SharedTripRow {
  id: number;
  name: string;
  destination: string;
  start_date: string;
  end_date: string;
  duration_days: number;
  travelers: number;
  status: string;
  trip_type: string;
  description: string | null;
  currency: string;
  budget: string | null;
  include_costs: boolean;
}

/** The trip a live token opens; undefined for any token that opens nothing. */
export async function sharedTrip(trx: Tx, token: string): Promise<SharedTripRow | undefined> {
  const r = await sql<SharedTripRow>`
    SELECT id, name, destination, start_date, end_date, duration_days, travelers, status, trip_type,
           description, currency, budget::text AS budget, include_costs
    FROM public.shared_trip(${token})`.execute(trx);
  return r.rows[0];
}

export async function sharedTimeline(trx: Tx, token: string, tz: string): Promise<TimelineRow[]> {
  const r = await sql<TimelineRow>`SELECT ${TIMELINE_COLUMNS} FROM public.shared_trip_timeline(${token}, ${tz})`.execute(trx);
  return r.rows;
}

export interface SharedItemRow {
  id: number;
  day_number: number;
  start_time: string;
  end_time: string;
  title: string;
  description: string | null;
  location: string | null;
  category: string | null;
  priority: number | null;
  notes: string | null;
  cost: string | null;
  currency: string | null;
}

export async function sharedItems(trx: Tx, token: string, fromDay: number, toDay: number): Promise<SharedItemRow[]> {
  const r = await sql<SharedItemRow>`
    SELECT id, day_number, start_time, end_time, title, description, location, category, priority, notes,
           cost::text AS cost, currency
    FROM public.shared_trip_items(${token}, ${fromDay}::int, ${toDay}::int)`.execute(trx);
  return r.rows;
}

export async function sharedNotes(trx: Tx, token: string) {
  const r = await sql<{ id: number; title: string; content: string; created_at: string; updated_at: string }>`
    SELECT id, title, content, created_at, updated_at FROM public.shared_trip_notes(${token})`.execute(trx);
  return r.rows;
}

/** Days fromDay..toDay of a trip starting on startDate, with their dates (computed by PostgreSQL). */
export async function dayDates(trx: Tx, startDate: string, fromDay: number, toDay: number) {
  const r = await sql<{ day_number: number; date: string }>`
    SELECT g AS day_number, (${startDate}::date + g - 1) AS date
    FROM generate_series(${fromDay}::int, ${toDay}::int) g ORDER BY g`.execute(trx);
  return r.rows;
}
