/**
 * The signed-in user's profile (GET/PATCH /api/v1/me) and the data API's bearer tokens, on every
 * backend: forged, expired, mis-addressed and malformed tokens are 401 invalid_token with
 * WWW-Authenticate (TripSage's own error shape; /auth/v1 speaks GoTrue's, see auth-wire.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, serviceHeaders, TEST_JWT_SECRET, type TestApp } from './harness/http.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describeEachBackend('GET/PATCH /api/v1/me and forged tokens', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
  });

  const me = (headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers });
  const expectInvalid = (r: Awaited<ReturnType<typeof me>>, error = 'invalid_token') => {
    expect(r.statusCode, r.body).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(new RegExp(`^Bearer error="${error}"`));
    expect(r.json().code).toBe('invalid_token');
  };
  const claimsFor = (sub: string): JWTPayload => ({ sub, role: 'authenticated', aud: 'authenticated', email: 'x@example.test' });
  const hs256 = (claims: JWTPayload, secret = TEST_JWT_SECRET) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));

  it('reads and patches only the own profile', async () => {
    const u = await makeUser(t, ctx.db);
    const other = await makeUser(t, ctx.db);
    const got = await me(u.headers);
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json()).toMatchObject({ auth_user_id: u.id, email: u.email, name: null, preferences_json: null });
    expect(Object.keys(got.json()).sort()).toEqual(['auth_user_id', 'created_at', 'email', 'id', 'name', 'preferences_json', 'updated_at']);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: u.headers,
      payload: { name: 'Uma', preferences_json: { currency: 'EUR', seats: ['aisle'] } },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json()).toMatchObject({ name: 'Uma', preferences_json: { currency: 'EUR', seats: ['aisle'] } });
    expect((await me(other.headers)).json()).toMatchObject({ auth_user_id: other.id, name: null });
    const bad = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: u.headers, payload: { email: 'new@example.test' } });
    expect(bad.statusCode).toBe(400);
    // A token for an identity without a profile: 404, not someone else's row.
    const ghost = await t.tokens.sign(claimsFor(randomUUID()), 60);
    expect((await me(bearer(ghost))).statusCode).toBe(404);
    const svc = await me(await serviceHeaders(t));
    expect(svc.statusCode).toBe(403);
  });

  it('no token: 401 with WWW-Authenticate', async () => {
    const r = await me();
    expectInvalid(r);
    expect(r.json().message).toBe('sign in first');
  });

  it('alg none is refused', async () => {
    const u = await makeUser(t, ctx.db);
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...claimsFor(u.id), exp: now() + 600 })}.`;
    expectInvalid(await me(bearer(token)));
  });

  it('a token signed with another secret is refused', async () => {
    const u = await makeUser(t, ctx.db);
    const token = await hs256({ ...claimsFor(u.id), exp: now() + 600 }, 'another-secret-another-secret-0123456789');
    expectInvalid(await me(bearer(token)));
  });

  it('an expired token (beyond the 30 s skew) is refused; within the skew it is accepted', async () => {
    const u = await makeUser(t, ctx.db);
    const expired = await hs256({ ...claimsFor(u.id), iat: now() - 600, exp: now() - 60 });
    const r = await me(bearer(expired));
    expectInvalid(r);
    expect(r.json().message).toBe('token expired');
    const justNow = await hs256({ ...claimsFor(u.id), iat: now() - 600, exp: now() - 5 });
    expect((await me(bearer(justNow))).statusCode).toBe(200);
  });

  it('a correctly signed token without exp (one that never expires) is refused', async () => {
    const u = await makeUser(t, ctx.db);
    const r = await me(bearer(await hs256({ ...claimsFor(u.id), iat: now() })));
    expectInvalid(r);
    expect(r.json().message).toBe('token has no expiry (exp claim)');
  });

  it('a wrong audience is refused', async () => {
    const u = await makeUser(t, ctx.db);
    const token = await hs256({ ...claimsFor(u.id), aud: 'someone-else', exp: now() + 600 });
    const r = await me(bearer(token));
    expectInvalid(r);
    expect(r.json().message).toMatch(/audience/);
  });

  it('tampered claims (sub changed without re-signing) are refused', async () => {
    const victim = await makeUser(t, ctx.db);
    const attacker = await makeUser(t, ctx.db);
    const [h, p, s] = attacker.token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    const forged = `${h}.${b64url({ ...payload, sub: victim.id })}.${s}`;
    expectInvalid(await me(bearer(forged)));
    expect((await me(attacker.headers)).json().auth_user_id).toBe(attacker.id);
  });

  it('malformed Authorization headers and tokens are refused', async () => {
    expectInvalid(await me({ authorization: 'Token abc' }), 'invalid_request');
    expectInvalid(await me({ authorization: 'Bearer' }), 'invalid_request');
    expectInvalid(await me({ authorization: 'Bearer not-a-jwt' }));
    expectInvalid(await me({ authorization: 'Bearer %%%.%%%.%%%' }));
  });
});
