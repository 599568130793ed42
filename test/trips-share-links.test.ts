/**
 * Read-only share links on every backend: created, listed and revoked by the owner and admins; a
 * random 256-bit token stored only as its SHA-256; the shared view without signing in, with booking
 * links and references never shown and prices only with include_costs; its calendar; and every
 * token that opens nothing refused on the same path with the same answer.
 */
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ANON, asCaller } from '../src/db/transaction.ts';
import { sql } from 'kysely';
import { describeEachBackend } from './harness/backends.ts';
import { apiAs, buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const BOOKING_LINK = 'https://book.example/secret-booking-ABC123';
const BOOKING_REF = 'PNR-XYZ789';

describeEachBackend('share links', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
  });

  const { req, ok } = apiAs(() => t);
  const shared = (token: string, rest = '') => t.app.inject({ method: 'GET', url: `/api/v1/shared/${token}${rest}` });

  /** A trip with a flight (booking link), a stay, transport (booking reference), two items and a note. */
  async function plannedTrip() {
    const owner = await makeUser(t, ctx.db);
    const trip = await ok(owner, 'POST', '/trips', { name: 'Kyoto', start_date: '2026-10-01', end_date: '2026-10-03', destination: 'Kyoto', budget: '3000', currency: 'JPY' });
    const url = `/trips/${trip.id}`;
    await ok(owner, 'POST', `${url}/flights`, { origin: 'LHR', destination: 'KIX', departure_time: '2026-10-01T01:00:00Z', arrival_time: '2026-10-01T14:00:00Z', price: '900.50', currency: 'GBP', booking_link: BOOKING_LINK });
    await ok(owner, 'POST', `${url}/accommodations`, { name: 'Ryokan', type: 'ryokan', check_in_date: '2026-10-01', check_out_date: '2026-10-03', price_per_night: '20000', total_price: '40000', location: 'Gion', booking_link: BOOKING_LINK });
    await ok(owner, 'POST', `${url}/transportation`, { type: 'train', origin: 'KIX', destination: 'Kyoto', departure_time: '2026-10-01T15:00:00Z', arrival_time: '2026-10-01T16:20:00Z', price: '3600', booking_reference: BOOKING_REF });
    await ok(owner, 'POST', `${url}/itinerary-items`, { day_number: 2, start_time: '09:00', end_time: '11:00', title: 'Fushimi Inari', cost: '500' });
    await ok(owner, 'POST', `${url}/itinerary-items`, { day_number: 2, start_time: '07:00', end_time: '08:00', title: 'Breakfast' });
    await ok(owner, 'POST', `${url}/notes`, { title: 'Packing', content: 'Yen in cash' });
    return { owner, trip: trip.id as number, url };
  }

  it('creates a 256-bit token shown once and stored only as its SHA-256', async () => {
    const p = await plannedTrip();
    const link = await ok(p.owner, 'POST', `${p.url}/share-links`, {});
    expect(link).toMatchObject({ trip_id: p.trip, include_costs: false, expires_at: null, created_by: p.owner.id, path: `/api/v1/shared/${link.token}` });
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(link.token, 'base64url')).toHaveLength(32);
    const rows = await ctx.db.query<{ token_hash: Uint8Array; whole: string }>(
      `SELECT token_hash, row_to_json(l)::text AS whole FROM public.trip_share_links l WHERE id = $1`, [link.id]);
    expect(Buffer.from(rows.rows[0]!.token_hash).equals(createHash('sha256').update(link.token).digest())).toBe(true);
    expect(rows.rows[0]!.whole).not.toContain(link.token);
    const listed = await ok(p.owner, 'GET', `${p.url}/share-links`);
    expect(listed).toEqual([expect.objectContaining({ id: link.id })]);
    expect(JSON.stringify(listed)).not.toContain(link.token);
  });

  it('anyone with the token reads the trip, days, timeline and notes; no booking link, reference or price', async () => {
    const p = await plannedTrip();
    const { token } = await ok(p.owner, 'POST', `${p.url}/share-links`, {});
    const r = await shared(token, '?tz=Asia/Tokyo');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.body).not.toContain(BOOKING_LINK);
    expect(r.body).not.toContain(BOOKING_REF);
    expect(r.body).not.toContain(p.owner.id);
    const v = r.json();
    expect(v.trip).toEqual(expect.objectContaining({ id: p.trip, name: 'Kyoto', duration_days: 3, currency: 'JPY', budget: null }));
    expect(v.include_costs).toBe(false);
    expect(v.days.map((d: { date: string }) => d.date)).toEqual(['2026-10-01', '2026-10-02', '2026-10-03']);
    expect(v.days[1].items.map((i: { title: string }) => i.title)).toEqual(['Breakfast', 'Fushimi Inari']);
    expect(v.days[1].items.every((i: { cost: unknown; currency: unknown }) => i.cost === null && i.currency === null)).toBe(true);
    expect(v.timeline.map((e: { kind: string }) => e.kind)).toEqual(['accommodation', 'flight', 'transportation', 'itinerary_item', 'itinerary_item']);
    expect(v.timeline.every((e: { price: unknown }) => e.price === null)).toBe(true);
    expect(v.notes).toEqual([expect.objectContaining({ title: 'Packing', content: 'Yen in cash' })]);
    expect(v.notes[0].user_id).toBeUndefined();
  });

  it('a link with include_costs shows the budget and every price, still without booking links or references', async () => {
    const p = await plannedTrip();
    const { token } = await ok(p.owner, 'POST', `${p.url}/share-links`, { include_costs: true });
    const r = await shared(token);
    expect(r.body).not.toContain(BOOKING_LINK);
    expect(r.body).not.toContain(BOOKING_REF);
    const v = r.json();
    expect(v.trip.budget).toBe('3000');
    expect(v.timeline.find((e: { kind: string }) => e.kind === 'flight')).toMatchObject({ price: '900.50', currency: 'GBP' });
    expect(v.days[1].items[1]).toMatchObject({ title: 'Fushimi Inari', cost: '500', currency: 'JPY' });
  });

  it('the calendar of a shared trip, without prices', async () => {
    const p = await plannedTrip();
    const { token } = await ok(p.owner, 'POST', `${p.url}/share-links`, {});
    const r = await shared(token, '/calendar.ics');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/calendar/);
    const events = new ICAL.Component(ICAL.parse(r.body)).getAllSubcomponents('vevent');
    expect(events).toHaveLength(5);
    expect(r.body).not.toMatch(/price/);
  });

  it('unknown, revoked, expired and malformed tokens get the same 404 on the same path', async () => {
    const p = await plannedTrip();
    const revoked = await ok(p.owner, 'POST', `${p.url}/share-links`, {});
    await ok(p.owner, 'DELETE', `${p.url}/share-links/${revoked.id}`);
    const expired = await ok(p.owner, 'POST', `${p.url}/share-links`, { expires_at: '2099-01-01T00:00:00Z' });
    await ctx.db.query(`UPDATE public.trip_share_links SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = $1`, [expired.id]);
    const live = await ok(p.owner, 'POST', `${p.url}/share-links`, { expires_at: '2099-01-01T00:00:00Z' });
    expect((await shared(live.token)).statusCode).toBe(200);

    const unknown = Buffer.alloc(32, 7).toString('base64url');
    const answers = [];
    for (const token of [unknown, revoked.token, expired.token, 'x', 'not a token at all', live.token.slice(0, 42)]) {
      for (const rest of ['', '/calendar.ics']) {
        const r = await shared(encodeURIComponent(token), rest);
        const { request_id: _id, ...body } = r.json();
        answers.push({ status: r.statusCode, type: r.headers['content-type'], body });
      }
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 404, body: { code: 'not_found', message: 'shared trip not found' } });

    // In the database: the same function, the same empty answer, for anon.
    for (const token of [unknown, revoked.token, expired.token, 'x', '']) {
      const rows = await asCaller(ctx.db, ANON, async (trx) => (await sql`SELECT * FROM public.shared_trip(${token})`.execute(trx)).rows);
      expect(rows).toEqual([]);
    }
  });

  it('only the owner and admins manage links; a past expiry is refused; at most 20 per trip', async () => {
    const p = await plannedTrip();
    const [viewer, editor, admin, stranger] = [await makeUser(t, ctx.db), await makeUser(t, ctx.db), await makeUser(t, ctx.db), await makeUser(t, ctx.db)];
    for (const [u, role] of [[viewer, 'viewer'], [editor, 'editor'], [admin, 'admin']] as const) {
      await ok(p.owner, 'POST', `${p.url}/collaborators`, { email: u.email, role });
    }
    expect((await req(editor, 'POST', `${p.url}/share-links`, {})).statusCode).toBe(403);
    expect((await req(viewer, 'GET', `${p.url}/share-links`)).statusCode).toBe(403);
    expect((await req(stranger, 'GET', `${p.url}/share-links`)).statusCode).toBe(404);
    const mine = await ok(admin, 'POST', `${p.url}/share-links`, {});
    expect((await req(editor, 'DELETE', `${p.url}/share-links/${mine.id}`)).statusCode).toBe(403);
    expect((await req(p.owner, 'POST', `${p.url}/share-links`, { expires_at: '2000-01-01T00:00:00Z' })).statusCode).toBe(400);
    for (let i = 1; i < 20; i++) await ok(p.owner, 'POST', `${p.url}/share-links`, {});
    const over = await req(p.owner, 'POST', `${p.url}/share-links`, {});
    expect(over.statusCode).toBe(400);
    expect(over.json().message).toMatch(/at most 20 share links/);
    expect((await req(p.owner, 'DELETE', `${p.url}/share-links/${mine.id}`)).statusCode).toBe(204);
  });
});
