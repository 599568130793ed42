/**
 * Read-only share links (docs/trip-planning.md "Share links"). The owner and admins create, list
 * and revoke them; anyone holding a token reads the trip through the database's token-taking
 * functions. Every token that opens nothing — unknown, revoked, expired, malformed — takes the
 * same path: one lookup of its hash, then the same 404.
 */
import { randomBytes } from 'node:crypto';
import type { Tx } from '../db/transaction.ts';
import { notFound } from '../domain/errors.ts';
import { tripCalendar } from './calendar.ts';
import { requireTripRole } from './collaborators.service.ts';
import { MAX_DAYS_PER_PAGE } from './planning.service.ts';
import * as repo from './share-links.repo.ts';

/** 32 random bytes (256 bits), base64url: 43 characters. */
export const newToken = (): string => randomBytes(32).toString('base64url');

export async function createLink(trx: Tx, tripId: number, opts: { include_costs: boolean; expires_at: string | null }) {
  await requireTripRole(trx, tripId, 'manage');
  const token = newToken();
  const link = await repo.createLink(trx, tripId, token, opts.include_costs, opts.expires_at);
  // The only time the token is shown: the database keeps its hash.
  return { ...link, token, path: `/api/v1/shared/${token}` };
}

export async function listLinks(trx: Tx, tripId: number) {
  await requireTripRole(trx, tripId, 'manage');
  return repo.listLinks(trx, tripId);
}

export async function revokeLink(trx: Tx, tripId: number, id: number): Promise<void> {
  await requireTripRole(trx, tripId, 'manage');
  if (!(await repo.deleteLink(trx, tripId, id))) throw notFound('share link');
}

/** The trip a token opens, or the one 404 of every refusal. */
async function openTrip(trx: Tx, token: string) {
  const trip = await repo.sharedTrip(trx, token);
  if (!trip) throw notFound('shared trip', { hint: 'the link does not exist, was revoked, or has expired' });
  return trip;
}

export async function sharedView(trx: Tx, token: string, opts: { tz: string; fromDay: number; days: number }) {
  const { include_costs: includeCosts, ...trip } = await openTrip(trx, token);
  const toDay = Math.min(trip.duration_days, opts.fromDay + Math.min(opts.days, MAX_DAYS_PER_PAGE) - 1);
  const items = await repo.sharedItems(trx, token, opts.fromDay, toDay);
  const dates = opts.fromDay <= toDay ? await repo.dayDates(trx, trip.start_date, opts.fromDay, toDay) : [];
  const byDay = new Map<number, repo.SharedItemRow[]>();
  for (const i of items) byDay.set(i.day_number, [...(byDay.get(i.day_number) ?? []), i]);
  return {
    trip,
    include_costs: includeCosts,
    next_from_day: toDay < trip.duration_days ? toDay + 1 : null,
    days: dates.map((d) => ({ ...d, items: byDay.get(d.day_number) ?? [] })),
    timeline: await repo.sharedTimeline(trx, token, opts.tz),
    notes: await repo.sharedNotes(trx, token),
  };
}

export async function sharedCalendar(trx: Tx, token: string): Promise<string> {
  const trip = await openTrip(trx, token);
  return tripCalendar(trip, await repo.sharedTimeline(trx, token, 'UTC'));
}
