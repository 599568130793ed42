/**
 * /auth/v1 on the wire as GoTrue speaks it: the two error shapes (by X-Supabase-Api-Version), its
 * codes and statuses, the request shapes auth-js sends (empty JSON bodies, extra fields), and the
 * validation of sign-up bodies. /api/v1 keeps TripSage's own error shape.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { bearer, buildAuthApp, newEmail, PASSWORD, V2024, type AuthApp } from './harness/auth.ts';

describeEachBackend('auth wire format', (ctx) => {
  let t: AuthApp;
  beforeAll(async () => {
    t = await buildAuthApp(ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
  });
  const wrongPassword = (headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/auth/v1/token?grant_type=password', payload: { email: newEmail(), password: 'nope-nope' }, headers });

  it('with X-Supabase-Api-Version 2024-01-01: the header is echoed, the body is {code, message}', async () => {
    for (const version of ['2024-01-01', '2025-06-30']) {
      const r = await wrongPassword({ 'x-supabase-api-version': version });
      expect(r.statusCode).toBe(400);
      expect(r.headers['x-supabase-api-version']).toBe('2024-01-01');
      expect(r.json()).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' });
    }
  });

  it('without it (or with an older or malformed date): the legacy {code: status, error_code, msg} and x-sb-error-code', async () => {
    for (const headers of [{}, { 'x-supabase-api-version': '2023-12-31' }, { 'x-supabase-api-version': 'latest' }] as Record<string, string>[]) {
      const r = await wrongPassword(headers);
      expect(r.statusCode).toBe(400);
      expect(r.headers['x-supabase-api-version']).toBeUndefined();
      expect(r.headers['x-sb-error-code']).toBe('invalid_credentials');
      expect(r.json()).toEqual({ code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' });
    }
  });

  it('weak_password is 422 with weak_password.reasons in both shapes; too long is 400 validation_failed', async () => {
    const modern = await t.post('/auth/v1/signup', { email: newEmail(), password: 'short' });
    expect(modern.statusCode).toBe(422);
    expect(modern.json()).toEqual({ code: 'weak_password', message: 'Password should be at least 8 characters.', weak_password: { reasons: ['length'] } });
    const legacy = await t.app.inject({ method: 'POST', url: '/auth/v1/signup', payload: { email: newEmail(), password: 'short' } });
    expect(legacy.json()).toEqual({ code: 422, error_code: 'weak_password', msg: 'Password should be at least 8 characters.', weak_password: { reasons: ['length'] } });
    const long = await t.post('/auth/v1/signup', { email: newEmail(), password: 'x'.repeat(73) });
    expect([long.statusCode, long.json().code]).toEqual([400, 'validation_failed']);
    expect((await t.post('/auth/v1/signup', { email: newEmail(), password: 'x'.repeat(72) })).statusCode).toBe(200);
  });

  it("sign-up validation with GoTrue's codes; duplicate is 422 user_already_exists", async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ email: 'not-an-email', password: PASSWORD }, 400, 'validation_failed'],
      [{ email: newEmail() }, 400, 'validation_failed'],
      [{ email: newEmail(), password: PASSWORD, data: 'x' }, 400, 'validation_failed'],
      [{ email: 42, password: PASSWORD }, 400, 'validation_failed'],
    ];
    for (const [payload, status, code] of cases) {
      const r = await t.post('/auth/v1/signup', payload);
      expect([r.statusCode, r.json().code], JSON.stringify(payload)).toEqual([status, code]);
    }
    const email = newEmail();
    await t.signUp(email);
    const again = await t.post('/auth/v1/signup', { email: email.toUpperCase(), password: 'another password' });
    expect([again.statusCode, again.json()]).toEqual([422, { code: 'user_already_exists', message: 'User already registered' }]);
  });

  it('accepts every field auth-js sends and ignores the ones GoTrue ignores', async () => {
    const r = await t.post('/auth/v1/signup?redirect_to=http%3A%2F%2Flocalhost%3A3000', {
      email: newEmail(),
      password: PASSWORD,
      data: {},
      gotrue_meta_security: { captcha_token: undefined },
      code_challenge: null,
      code_challenge_method: null,
      role: 'service_role',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().user.role).toBe('authenticated');
  });

  it('an empty body with a JSON content type is no body: logout as supabase-js sends it, and any DELETE', async () => {
    const s = await t.signUp(newEmail());
    const out = await t.app.inject({
      method: 'POST',
      url: '/auth/v1/logout?scope=global',
      headers: { ...V2024, ...bearer(s.access_token), 'content-type': 'application/json;charset=UTF-8', 'content-length': '0' },
    });
    expect(out.statusCode, out.body).toBe(204);
    const del = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/trips/999999',
      headers: { ...bearer((await t.signUp(newEmail())).access_token), 'content-type': 'application/json' },
    });
    expect(del.statusCode, del.body).toBe(404);
    expect(del.json().code).toBe('not_found');
    // A body that is there must still be JSON.
    const bad = await t.app.inject({ method: 'POST', url: '/auth/v1/signup', payload: '{"email":', headers: { ...V2024, 'content-type': 'application/json' } });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'bad_json']);
  });

  it('grant types: unsupported or missing → 400 invalid_credentials "unsupported_grant_type"', async () => {
    for (const url of ['/auth/v1/token?grant_type=client_credentials', '/auth/v1/token']) {
      const r = await t.post(url, { email: newEmail(), password: PASSWORD });
      expect([r.statusCode, r.json()]).toEqual([400, { code: 'invalid_credentials', message: 'unsupported_grant_type' }]);
    }
    const noEmail = await t.post('/auth/v1/token?grant_type=password', { password: PASSWORD });
    expect(noEmail.json()).toEqual({ code: 'validation_failed', message: 'missing email or phone' });
  });

  it('a forged or expired bearer is 403 bad_jwt on /auth/v1, 401 invalid_token on /api/v1; unknown /auth/v1 routes are 404', async () => {
    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
    const r = await t.get('/auth/v1/user', bearer(forged));
    expect(r.statusCode).toBe(403);
    expect(r.json().code).toBe('bad_jwt');
    expect(r.headers['www-authenticate']).toBeUndefined();
    const api = await t.get('/api/v1/me', bearer(forged));
    expect([api.statusCode, api.json().code]).toEqual([401, 'invalid_token']);
    expect(api.json()).toHaveProperty('request_id');
    const missing = await t.get('/auth/v1/nothing-here');
    expect(missing.statusCode).toBe(404);
  });
});
