/**
 * Travelling together over HTTP on every backend: inviting by email (an account is added, an
 * unknown email gets an invitation claimed at sign-up, case-insensitively), the roles as the API
 * answers them (403 for a role too small, 404 for a stranger), trip lists with the caller's role
 * and scope, leaving, removing, transferring, and what a collaborator never sees.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { apiAs, buildTestApp, makeUser, type Method, type TestApp, type TestUser } from './harness/http.ts';

describeEachBackend('travelling together', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
  });

  const { req, ok } = apiAs(() => t);
  const status = async (u: TestUser, method: Method, url: string, payload?: unknown) => (await req(u, method, url, payload)).statusCode;
  const user = () => makeUser(t, ctx.db);
  const newTrip = (u: TestUser) =>
    ok(u, 'POST', '/trips', { name: 'Lisbon', start_date: '2026-05-01', end_date: '2026-05-04', destination: 'Lisbon', budget: '1000' });
  const flight = { origin: 'BER', destination: 'LIS', departure_time: '2026-05-01T08:00:00Z', arrival_time: '2026-05-01T11:00:00Z', price: '100' };

  /** A trip of a fresh owner with an admin, an editor and a viewer (existing accounts, added at once). */
  async function team() {
    const [owner, admin, editor, viewer, stranger] = [await user(), await user(), await user(), await user(), await user()];
    const trip = await newTrip(owner);
    for (const [u, role] of [[admin, 'admin'], [editor, 'editor'], [viewer, 'viewer']] as const) {
      const r = await ok(owner, 'POST', `/trips/${trip.id}/collaborators`, { email: u.email.toUpperCase(), role });
      expect(r).toMatchObject({ status: 'added', collaborator: { user_id: u.id, email: u.email, role } });
    }
    return { owner, admin, editor, viewer, stranger, trip: trip.id as number };
  }

  it('members: the owner first, then collaborators with their emails; visible to members only', async () => {
    const w = await team();
    const members = await ok(w.viewer, 'GET', `/trips/${w.trip}/collaborators`);
    expect(members.map((m: { role: string }) => m.role)).toEqual(['owner', 'admin', 'editor', 'viewer']);
    expect(members[0]).toMatchObject({ user_id: w.owner.id, email: w.owner.email, invited_by: null });
    expect(members[2]).toMatchObject({ user_id: w.editor.id, invited_by: w.owner.id });
    expect(await status(w.stranger, 'GET', `/trips/${w.trip}/collaborators`)).toBe(404);
    // Adding someone twice is a conflict; the owner cannot be a collaborator.
    expect(await status(w.owner, 'POST', `/trips/${w.trip}/collaborators`, { email: w.editor.email })).toBe(409);
    expect(await status(w.admin, 'POST', `/trips/${w.trip}/collaborators`, { email: w.owner.email })).toBe(400);
  });

  it('roles: viewers read, editors write plans and trip fields, admins manage people, only the owner deletes', async () => {
    const w = await team();
    const url = `/trips/${w.trip}`;
    // Everyone on the trip reads it and everything computed from it.
    for (const u of [w.owner, w.admin, w.editor, w.viewer]) {
      for (const path of ['', '/summary', '/days', '/timeline', '/calendar.ics', '/export', '/flights', '/notes']) {
        expect(await status(u, 'GET', `${url}${path}`), `${path}`).toBe(200);
      }
    }
    for (const path of ['', '/summary', '/flights']) expect(await status(w.stranger, 'GET', `${url}${path}`)).toBe(404);
    const comparison = await ok(w.viewer, 'POST', '/trip-comparisons', { title: 'Shared', trip_ids: [w.trip] });
    expect(comparison.comparison_data.trips[0]).toMatchObject({ trip_id: w.trip, currency: 'USD' });
    expect(await status(w.stranger, 'POST', '/trip-comparisons', { title: 'x', trip_ids: [w.trip] })).toBe(404);

    // Viewer: every write is a 403 naming the role.
    const f = await ok(w.editor, 'POST', `${url}/flights`, flight);
    const refused = await req(w.viewer, 'POST', `${url}/flights`, flight);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'trip_role', details: { role: 'viewer' } });
    expect(await status(w.viewer, 'PATCH', `${url}/flights/${f.id}`, { price: '1' })).toBe(403);
    expect(await status(w.viewer, 'DELETE', `${url}/flights/${f.id}`)).toBe(403);
    expect(await status(w.viewer, 'PATCH', url, { name: 'Mine now' })).toBe(403);
    expect(await status(w.viewer, 'POST', `${url}/notes`, { title: 'n', content: 'c' })).toBe(403);

    // Editor: plans and the trip's fields, including another member's note; not people, not deletion.
    const note = await ok(w.owner, 'POST', `${url}/notes`, { title: 'Packing', content: 'Sunscreen' });
    expect(await ok(w.editor, 'PATCH', `${url}/notes/${note.id}`, { content: 'Sunscreen, hat' })).toMatchObject({ user_id: w.owner.id });
    expect(await ok(w.editor, 'PATCH', url, { name: 'Lisbon & Porto' })).toMatchObject({ name: 'Lisbon & Porto', user_id: w.owner.id });
    expect(await status(w.editor, 'DELETE', url)).toBe(403);
    expect(await status(w.editor, 'POST', `${url}/collaborators`, { email: w.stranger.email })).toBe(403);
    expect(await status(w.editor, 'PATCH', `${url}/collaborators/${w.viewer.id}`, { role: 'editor' })).toBe(403);
    expect(await status(w.editor, 'POST', `${url}/transfer`, { user_id: w.editor.id })).toBe(403);

    // Admin: manages collaborators (not the owner), cannot delete or transfer the trip.
    expect(await ok(w.admin, 'PATCH', `${url}/collaborators/${w.viewer.id}`, { role: 'editor' })).toMatchObject({ role: 'editor' });
    expect(await status(w.admin, 'PATCH', `${url}/collaborators/${w.owner.id}`, { role: 'viewer' })).toBe(409);
    expect(await status(w.admin, 'DELETE', `${url}/collaborators/${w.owner.id}`)).toBe(409);
    expect(await status(w.admin, 'DELETE', url)).toBe(403);
    expect(await status(w.admin, 'DELETE', `${url}/collaborators/${w.viewer.id}`)).toBe(204);
    expect(await status(w.viewer, 'GET', url)).toBe(404);

    // The owner deletes it.
    expect(await status(w.owner, 'DELETE', url)).toBe(204);
    expect(await status(w.editor, 'GET', url)).toBe(404);
  });

  it('trip lists include shared trips with the caller\'s role, filtered by scope', async () => {
    const w = await team();
    const own = await newTrip(w.editor);
    const list = async (u: TestUser, q = '') => (await ok(u, 'GET', `/trips${q}`)) as Array<{ id: number; role: string }>;
    const roles = (rows: Array<{ id: number; role: string }>) => Object.fromEntries(rows.map((r) => [r.id, r.role]));
    expect(roles(await list(w.editor))).toEqual({ [w.trip]: 'editor', [own.id]: 'owner' });
    expect(roles(await list(w.editor, '?scope=mine'))).toEqual({ [own.id]: 'owner' });
    expect(roles(await list(w.editor, '?scope=shared'))).toEqual({ [w.trip]: 'editor' });
    expect(roles(await list(w.editor, '?scope=shared&status=booked'))).toEqual({});
    const counted = await req(w.editor, 'GET', '/trips?limit=1', undefined);
    expect(counted.statusCode).toBe(200);
    const withCount = await t.app.inject({ method: 'GET', url: '/api/v1/trips?limit=1', headers: { ...w.editor.headers, prefer: 'count=exact' } });
    expect(withCount.headers['content-range']).toBe('0-0/2');
    expect(await ok(w.viewer, 'GET', `/trips/${w.trip}`)).toMatchObject({ id: w.trip, role: 'viewer', user_id: w.owner.id });
    expect(await status(w.editor, 'GET', '/trips?scope=theirs')).toBe(400);
  });

  it('a collaborator never sees the owner\'s other trips, chats or search history', async () => {
    const w = await team();
    const other = await newTrip(w.owner);
    const chat = await ok(w.owner, 'POST', '/chat/sessions', { title: 'Private plans' });
    await ok(w.owner, 'POST', '/search-history', { search_type: 'flight', search_params: { to: 'LIS' } });
    for (const u of [w.admin, w.editor, w.viewer]) {
      expect((await ok(u, 'GET', '/trips')).map((r: { id: number }) => r.id)).toEqual([w.trip]);
      expect(await status(u, 'GET', `/trips/${other.id}`)).toBe(404);
      expect(await status(u, 'GET', `/chat/sessions/${chat.id}`)).toBe(404);
      expect(await ok(u, 'GET', '/chat/sessions')).toEqual([]);
      expect(await ok(u, 'GET', '/search-history')).toEqual([]);
    }
  });

  it('an email without an account gets an invitation, claimed at sign-up whatever its case; invitations can be revoked', async () => {
    const w = await team();
    const email = `New-${randomUUID()}@Example.test`;
    const invited = await ok(w.admin, 'POST', `/trips/${w.trip}/collaborators`, { email, role: 'editor' });
    expect(invited).toMatchObject({ status: 'invited', invitation: { trip_id: w.trip, email: email.toLowerCase(), role: 'editor', invited_by: w.admin.id } });
    const other = await ok(w.owner, 'POST', `/trips/${w.trip}/collaborators`, { email: `gone-${randomUUID()}@example.test` });
    expect((await ok(w.owner, 'GET', `/trips/${w.trip}/invitations`)).map((i: { email: string }) => i.email))
      .toEqual([email.toLowerCase(), other.invitation.email]);
    expect(await status(w.editor, 'GET', `/trips/${w.trip}/invitations`)).toBe(403);
    expect(await status(w.editor, 'DELETE', `/trips/${w.trip}/invitations/${other.invitation.id}`)).toBe(403);
    expect(await status(w.owner, 'DELETE', `/trips/${w.trip}/invitations/${other.invitation.id}`)).toBe(204);
    expect(await status(w.owner, 'DELETE', `/trips/${w.trip}/invitations/${other.invitation.id}`)).toBe(404);

    const signup = await t.app.inject({ method: 'POST', url: '/auth/v1/signup', payload: { email: email.toUpperCase(), password: 'a-long-password' } });
    expect(signup.statusCode, signup.body).toBe(200);
    const newcomer = { headers: { authorization: `Bearer ${signup.json().access_token}` } } as TestUser;
    expect(await ok(newcomer, 'GET', '/trips?scope=shared')).toMatchObject([{ id: w.trip, role: 'editor' }]);
    expect(await ok(w.owner, 'GET', `/trips/${w.trip}/invitations`)).toEqual([]);
  });

  it('leaving, and the owner who cannot leave', async () => {
    const w = await team();
    expect(await status(w.viewer, 'POST', `/trips/${w.trip}/leave`)).toBe(204);
    expect(await status(w.viewer, 'GET', `/trips/${w.trip}`)).toBe(404);
    expect(await status(w.viewer, 'POST', `/trips/${w.trip}/leave`)).toBe(404);
    expect(await status(w.editor, 'DELETE', `/trips/${w.trip}/collaborators/${w.editor.id}`)).toBe(204);
    const r = await req(w.owner, 'POST', `/trips/${w.trip}/leave`);
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('owner_cannot_leave');
  });

  it('the owner transfers the trip to a collaborator and stays on as an admin', async () => {
    const w = await team();
    expect(await status(w.owner, 'POST', `/trips/${w.trip}/transfer`, { user_id: w.stranger.id })).toBe(400);
    expect(await ok(w.owner, 'POST', `/trips/${w.trip}/transfer`, { user_id: w.editor.id })).toMatchObject({ id: w.trip, user_id: w.editor.id });
    expect(await ok(w.owner, 'GET', `/trips/${w.trip}`)).toMatchObject({ role: 'admin' });
    expect(await ok(w.editor, 'GET', `/trips/${w.trip}`)).toMatchObject({ role: 'owner' });
    expect(await status(w.owner, 'DELETE', `/trips/${w.trip}`)).toBe(403);
    expect(await status(w.owner, 'POST', `/trips/${w.trip}/transfer`, { user_id: w.owner.id })).toBe(403);
  });

  it('a viewer can export a shared trip; importing it makes a trip of their own', async () => {
    const w = await team();
    await ok(w.owner, 'POST', `/trips/${w.trip}/flights`, flight);
    await ok(w.owner, 'POST', `/trips/${w.trip}/notes`, { title: 'Packing', content: 'Sunscreen' });
    const doc = await ok(w.viewer, 'GET', `/trips/${w.trip}/export`);
    const imported = await req(w.viewer, 'POST', '/trips/import', doc);
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json().trip.user_id).toBe(w.viewer.id);
    expect(await ok(w.viewer, 'GET', `/trips/${imported.json().trip.id}`)).toMatchObject({ role: 'owner' });
    expect((await ok(w.viewer, 'GET', `/trips/${imported.json().trip.id}/notes`))[0].user_id).toBe(w.viewer.id);
  });

  it('the routes need a signed-in user', async () => {
    const w = await team();
    const anon = await t.app.inject({ method: 'GET', url: `/api/v1/trips/${w.trip}/collaborators` });
    expect(anon.statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/trips/${w.trip}/leave` })).statusCode).toBe(401);
  });
});
