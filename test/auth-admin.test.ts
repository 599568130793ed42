/**
 * GoTrue's admin users API (service_role) with its paging, and the public endpoints about the
 * service: settings, health, the JWKS.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { bearer, buildAuthApp, newEmail, PASSWORD, type AuthApp } from './harness/auth.ts';
import { serviceHeaders } from './harness/http.ts';

describeEachBackend('auth admin API', (ctx) => {
  let t: AuthApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await buildAuthApp(ctx.db);
    admin = await serviceHeaders(t);
  });
  afterAll(async () => {
    await t?.app.close();
  });

  it('create, read, update and delete a user; duplicates are 422 email_exists', async () => {
    const email = newEmail();
    const created = await t.post('/auth/v1/admin/users', { email, password: PASSWORD, email_confirm: true, user_metadata: { name: 'Op' }, app_metadata: { plan: 'pro' } }, admin);
    expect(created.statusCode, created.body).toBe(200);
    const user = created.json();
    expect(user).toMatchObject({ email, user_metadata: { name: 'Op' }, app_metadata: { provider: 'email', providers: ['email'], plan: 'pro' }, email_confirmed_at: expect.any(String) });
    expect(user).not.toHaveProperty('encrypted_password');
    const s = await t.signIn(email);
    expect((await t.post('/auth/v1/admin/users', { email: email.toUpperCase(), password: PASSWORD }, admin)).json().code).toBe('email_exists');

    expect((await t.get(`/auth/v1/admin/users/${user.id}`, admin)).json()).toMatchObject({ id: user.id, email });
    const moved = newEmail();
    const updated = await t.put(`/auth/v1/admin/users/${user.id}`, { email: moved, password: 'operator set this', user_metadata: { name: null, team: 'a' } }, admin);
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ email: moved, user_metadata: { team: 'a' } });
    // An operator's password change signs out every session.
    expect((await t.refresh(s.refresh_token)).json().code).toBe('refresh_token_not_found');
    await t.signIn(moved, 'operator set this');

    const removed = await t.app.inject({ method: 'DELETE', url: `/auth/v1/admin/users/${user.id}`, headers: { ...admin, 'content-type': 'application/json' } });
    expect([removed.statusCode, removed.json()]).toEqual([200, {}]);
    const gone = await t.get(`/auth/v1/admin/users/${user.id}`, admin);
    expect([gone.statusCode, gone.json().code]).toEqual([404, 'user_not_found']);
    expect((await t.get('/auth/v1/admin/users/not-a-uuid', admin)).json()).toEqual({ code: 'validation_failed', message: 'user_id must be an UUID' });
  });

  it('soft delete keeps the row but ends sign-in and sessions; unconfirmed users cannot sign in', async () => {
    const email = newEmail();
    const s = await t.signUp(email);
    const r = await t.app.inject({ method: 'DELETE', url: `/auth/v1/admin/users/${s.user.id}`, headers: admin, payload: { should_soft_delete: true } });
    expect(r.statusCode, r.body).toBe(200);
    const { rows } = await ctx.db.query<{ deleted_at: string | null }>(`SELECT deleted_at FROM auth.users WHERE id = $1`, [s.user.id]);
    expect(rows[0]!.deleted_at).not.toBeNull();
    expect((await t.post('/auth/v1/token?grant_type=password', { email, password: PASSWORD })).json().code).toBe('invalid_credentials');
    expect((await t.get('/auth/v1/user', bearer(s.access_token))).json().code).toBe('user_not_found');

    const pending = newEmail();
    await t.post('/auth/v1/admin/users', { email: pending, password: PASSWORD }, admin);
    expect((await t.post('/auth/v1/token?grant_type=password', { email: pending, password: PASSWORD })).json().code).toBe('email_not_confirmed');
  });

  it("lists by GoTrue's pages: defaults, x-total-count, Link next/last, filter, and a capped per_page", async () => {
    const tag = `page-${Date.now()}`;
    for (let i = 0; i < 3; i++) await t.post('/auth/v1/admin/users', { email: `${tag}-${i}@example.test`, password: PASSWORD, email_confirm: true }, admin);
    const first = await t.get(`/auth/v1/admin/users?filter=${tag}&per_page=2`, admin);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().aud).toBe('authenticated');
    expect(first.json().users.map((u: { email: string }) => u.email)).toEqual([`${tag}-2@example.test`, `${tag}-1@example.test`]);
    expect(first.headers['x-total-count']).toBe('3');
    expect(first.headers.link).toBe(
      `</auth/v1/admin/users?page=2&filter=${tag}&per_page=2>; rel="next", </auth/v1/admin/users?page=2&filter=${tag}&per_page=2>; rel="last"`,
    );
    const second = await t.get(`/auth/v1/admin/users?filter=${tag}&per_page=2&page=2`, admin);
    expect(second.json().users).toHaveLength(1);
    expect(second.headers.link).not.toContain('rel="next"');
    const defaults = await t.get('/auth/v1/admin/users?page=&per_page=', admin);
    expect(defaults.statusCode).toBe(200);
    expect(defaults.json().users.length).toBeLessThanOrEqual(50);
    expect((await t.get('/auth/v1/admin/users?per_page=abc', admin)).json().code).toBe('validation_failed');
    const exact = await t.get(`/auth/v1/admin/users?email=${encodeURIComponent(`${tag}-1@EXAMPLE.test`)}`, admin);
    expect(exact.json().users.map((u: { email: string }) => u.email)).toEqual([`${tag}-1@example.test`]);
    const huge = await t.get('/auth/v1/admin/users?per_page=100000', admin);
    expect(huge.headers.link).toContain('per_page=1000>');
  });

  it('needs a service_role token: none is 401 no_authorization, a user token 403 not_admin', async () => {
    const s = await t.signUp(newEmail());
    expect((await t.get('/auth/v1/admin/users')).json().code).toBe('no_authorization');
    const user = await t.get('/auth/v1/admin/users', bearer(s.access_token));
    expect([user.statusCode, user.json()]).toEqual([403, { code: 'not_admin', message: 'User not allowed' }]);
    expect((await t.post('/auth/v1/admin/users', { email: newEmail() }, bearer(s.access_token))).statusCode).toBe(403);
  });

  it('settings, health and an empty JWKS with HS256', async () => {
    const settings = await t.get('/auth/v1/settings');
    expect(settings.json()).toMatchObject({ external: { email: true, anonymous_users: false }, disable_signup: false, mailer_autoconfirm: true });
    expect((await t.get('/auth/v1/health')).json()).toMatchObject({ name: 'GoTrue' });
    const jwks = await t.get('/auth/v1/.well-known/jwks.json');
    expect([jwks.statusCode, jwks.json()]).toEqual([200, { keys: [] }]);
  });
});
