/**
 * GET /api/v1/trips?q=: the web app's trip search — name or destination contains the text,
 * case-insensitively; LIKE's wildcards in the text match only themselves; RLS still decides.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { containsPattern } from '../src/db/crud.repo.ts';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

describeEachBackend('trip search (q)', (ctx) => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
    alice = await makeUser(t, ctx.db);
    bob = await makeUser(t, ctx.db);
    const trips = [
      [alice, 'Lisbon in spring', 'Lisbon, Portugal'],
      [alice, 'Weekend away', 'Porto'],
      [alice, '100% fun', 'Madrid'],
      [alice, 'snake_case tour', 'Oslo'],
      [bob, 'Bob in Lisbon', 'Lisbon'],
    ] as const;
    for (const [u, name, destination] of trips) {
      const r = await t.app.inject({
        method: 'POST', url: '/api/v1/trips', headers: u.headers,
        payload: { name, destination, start_date: '2026-05-01', end_date: '2026-05-03', budget: '100' },
      });
      expect(r.statusCode, r.body).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.app.close();
  });

  const names = async (u: TestUser, query: string) => {
    const r = await t.app.inject({ method: 'GET', url: `/api/v1/trips?${query}`, headers: { ...u.headers, prefer: 'count=exact' } });
    expect(r.statusCode, r.body).toBe(200);
    // Sorted here: the backends' collations order names differently.
    return { names: (r.json() as { name: string }[]).map((x) => x.name).sort(), range: r.headers['content-range'] };
  };

  it('matches the name or the destination, case-insensitively, and counts the same rows', async () => {
    expect(await names(alice, 'q=lisbon')).toEqual({ names: ['Lisbon in spring'], range: '0-0/1' });
    expect((await names(alice, 'q=PORTO')).names).toEqual(['Weekend away']);
    expect((await names(alice, 'q=o')).names).toEqual(['Lisbon in spring', 'Weekend away', 'snake_case tour']);
  });

  it('treats %, _ and \\ in the text literally', async () => {
    expect((await names(alice, `q=${encodeURIComponent('100%')}`)).names).toEqual(['100% fun']);
    expect((await names(alice, 'q=%25')).names).toEqual(['100% fun']);
    expect((await names(alice, 'q=_')).names).toEqual(['snake_case tour']);
    expect((await names(alice, `q=${encodeURIComponent('\\')}`)).names).toEqual([]);
    expect(containsPattern('a%b_c\\d')).toBe('%a\\%b\\_c\\\\d%');
  });

  it('combines with the other filters and never shows another user\'s trips', async () => {
    expect((await names(alice, 'q=lisbon&status=booked')).names).toEqual([]);
    expect((await names(bob, 'q=lisbon')).names).toEqual(['Bob in Lisbon']);
  });

  it('an empty or over-long q is a 400 naming it', async () => {
    for (const q of ['', '%20', 'x'.repeat(201)]) {
      const r = await t.app.inject({ method: 'GET', url: `/api/v1/trips?q=${q}`, headers: alice.headers });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().message).toContain('q');
    }
  });
});
