/**
 * The identity service end to end (GoTrue-shaped /auth/v1 and /api/v1/me), on every backend:
 * sign-up, sign-in, refresh rotation and reuse detection, logout, user updates, the admin lookup,
 * forged and broken tokens, rate limiting, and external mode with a JWKS (ES256).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../src/auth/passwords.ts';
import { openDatabase } from '../src/db/connect.ts';
import { createUser, describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, serviceHeaders, TEST_JWT_SECRET, type TestApp } from './harness/http.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = 'correct horse battery';
const newEmail = () => `user-${randomUUID()}@example.test`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const now = () => Math.floor(Date.now() / 1000);

interface Session {
  access_token: string;
  token_type: string;
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: Record<string, unknown> & { id: string; email: string };
}

describeEachBackend('auth /auth/v1', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
  });

  const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, payload: payload as object, headers });
  const signUp = (email: string, password = PASSWORD, data?: Record<string, unknown>) =>
    post('/auth/v1/signup', { email, password, ...(data ? { data } : {}) });
  const signIn = (email: string, password = PASSWORD) => post('/auth/v1/token?grant_type=password', { email, password });
  const refresh = (refresh_token: string) => post('/auth/v1/token?grant_type=refresh_token', { refresh_token });
  const sessionOf = async (email: string, password = PASSWORD): Promise<Session> => {
    const r = await signIn(email, password);
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };

  it('the whole flow: sign-up → sign-in → user → refresh rotation → reuse revokes → logout', async () => {
    const id = randomUUID();
    // Sign-up lower-cases and trims the email, and confirms it at once.
    const su = await signUp(`  Alice-${id}@Example.TEST `, PASSWORD, { name: 'Alice', plan: 'free' });
    expect(su.statusCode, su.body).toBe(200);
    const s0: Session = su.json();
    const email = `alice-${id}@example.test`;
    expect(s0).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(s0.expires_at).toBeGreaterThanOrEqual(now() + 3590);
    expect(s0.refresh_token.length).toBeGreaterThanOrEqual(40);
    expect(s0.user).toMatchObject({
      email,
      aud: 'authenticated',
      role: 'authenticated',
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { name: 'Alice', plan: 'free' },
      identities: [],
      is_anonymous: false,
    });
    expect(s0.user.id).toMatch(UUID);
    expect(s0.user.email_confirmed_at).toEqual(expect.any(String));
    expect(s0.user.created_at).toEqual(expect.any(String));

    // Supabase's claims.
    const c0 = decodeJwt(s0.access_token);
    expect(c0).toMatchObject({
      sub: s0.user.id,
      role: 'authenticated',
      aud: 'authenticated',
      email,
      phone: '',
      aal: 'aal1',
      is_anonymous: false,
      iss: t.tokens.issuer,
      app_metadata: { provider: 'email' },
      user_metadata: { name: 'Alice' },
    });
    expect(c0.session_id).toMatch(UUID);
    expect(c0.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);
    expect(c0.exp! - c0.iat!).toBe(3600);
    expect(c0.exp).toBe(s0.expires_at);

    // The profile came with it (by trigger), and the token works on the API.
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(s0.access_token) });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ auth_user_id: s0.user.id, email, name: 'Alice' });

    // Password sign-in: a new session; last_sign_in_at is set.
    const s1 = await sessionOf(email.toUpperCase());
    expect(s1.user.id).toBe(s0.user.id);
    expect(s1.user.last_sign_in_at).toEqual(expect.any(String));
    const sid1 = decodeJwt(s1.access_token).session_id;
    expect(sid1).not.toBe(c0.session_id);

    const user = await t.app.inject({ method: 'GET', url: '/auth/v1/user', headers: bearer(s1.access_token) });
    expect(user.statusCode, user.body).toBe(200);
    expect(user.json()).toMatchObject({ id: s0.user.id, email, user_metadata: { name: 'Alice', plan: 'free' } });

    // Only the hash of a refresh token is stored.
    const stored = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tripsage.refresh_tokens WHERE token_hash IN ($1, $2)`,
      [s1.refresh_token, sha256(s1.refresh_token)],
    );
    expect(stored.rows[0]!.n).toBe(1);

    // Rotation: each refresh marks the token used and issues the next one, same session.
    const r1 = await refresh(s1.refresh_token);
    expect(r1.statusCode, r1.body).toBe(200);
    const s2: Session = r1.json();
    expect(s2.refresh_token).not.toBe(s1.refresh_token);
    expect(decodeJwt(s2.access_token).session_id).toBe(sid1);
    expect(s2.user.id).toBe(s0.user.id);
    const r2 = await refresh(s2.refresh_token);
    expect(r2.statusCode, r2.body).toBe(200);
    const s3: Session = r2.json();

    // Reuse of a used token: the whole session is revoked…
    const reuse = await refresh(s1.refresh_token);
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json()).toMatchObject({ code: 'invalid_grant', message: 'refresh token already used: session revoked' });
    const sess = await ctx.db.query<{ revoked_reason: string; revoked_at: string }>(
      `SELECT revoked_reason, revoked_at FROM tripsage.auth_sessions WHERE id = $1`,
      [sid1],
    );
    expect(sess.rows[0]).toMatchObject({ revoked_reason: 'refresh_token_reuse', revoked_at: expect.any(String) });
    // …so the latest (never used) token fails too.
    const after = await refresh(s3.refresh_token);
    expect(after.statusCode).toBe(400);
    expect(after.json().code).toBe('invalid_grant');

    // The sign-up session is untouched; logout revokes it.
    const out = await post('/auth/v1/logout', undefined, bearer(s0.access_token));
    expect(out.statusCode, out.body).toBe(204);
    expect(out.body).toBe('');
    const afterLogout = await refresh(s0.refresh_token);
    expect(afterLogout.statusCode).toBe(400);
    expect(afterLogout.json()).toMatchObject({ code: 'invalid_grant', message: 'Invalid Refresh Token: session revoked' });
    const reason = await ctx.db.query<{ revoked_reason: string }>(`SELECT revoked_reason FROM tripsage.auth_sessions WHERE id = $1`, [c0.session_id]);
    expect(reason.rows[0]!.revoked_reason).toBe('logout');
    // Access tokens are stateless (as on Supabase): valid until they expire.
    const still = await t.app.inject({ method: 'GET', url: '/auth/v1/user', headers: bearer(s0.access_token) });
    expect(still.statusCode).toBe(200);
  });

  it('wrong password and unknown email get the same 400 invalid_grant', async () => {
    const email = newEmail();
    expect((await signUp(email)).statusCode).toBe(200);
    const wrong = await signIn(email, 'not the password');
    const unknown = await signIn(newEmail(), PASSWORD);
    for (const r of [wrong, unknown]) {
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ code: 'invalid_grant', message: 'Invalid login credentials' });
    }
    const strip = (b: Record<string, unknown>) => ({ ...b, request_id: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    // An identity without a password (created elsewhere) cannot sign in with one either.
    const bare = await createUser(ctx.db);
    const { rows } = await ctx.db.query<{ email: string }>(`SELECT email FROM auth.users WHERE id = $1`, [bare]);
    const none = await signIn(rows[0]!.email, PASSWORD);
    expect(none.statusCode).toBe(400);
    expect(none.json().message).toBe('Invalid login credentials');
  });

  it('duplicate sign-up (any case) is 422 user_already_exists', async () => {
    const email = newEmail();
    expect((await signUp(email)).statusCode).toBe(200);
    const again = await signUp(email.toUpperCase(), 'another password');
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({ code: 'user_already_exists' });
  });

  it('validates sign-up bodies: password length, email, unknown fields; accepts what supabase-js sends', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ email: newEmail(), password: 'short12' }, /password: must be at least 8 characters/],
      [{ email: newEmail(), password: 'x'.repeat(73) }, /password: must be at most 72 characters/],
      [{ email: 'not-an-email', password: PASSWORD }, /email: must be a valid email address/],
      [{ email: newEmail() }, /password/],
      [{ email: newEmail(), password: PASSWORD, role: 'service_role' }, /role|unrecognized/i],
      [{ email: newEmail(), password: PASSWORD, data: 'x' }, /data/],
    ];
    for (const [payload, message] of cases) {
      const r = await post('/auth/v1/signup', payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().code).toBe('invalid_request');
      expect(r.json().message).toMatch(message);
    }
    const ok = await post('/auth/v1/signup', {
      email: newEmail(),
      password: 'x'.repeat(72),
      data: {},
      gotrue_meta_security: {},
      code_challenge: null,
      code_challenge_method: null,
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('the password is stored as an scrypt hash that verifies', async () => {
    const email = newEmail();
    const s: Session = (await signUp(email)).json();
    const { rows } = await ctx.db.query<{ encrypted_password: string }>(`SELECT encrypted_password FROM auth.users WHERE id = $1`, [s.user.id]);
    const hash = rows[0]!.encrypted_password;
    expect(hash).not.toContain(PASSWORD);
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await verifyPassword(PASSWORD + '!', hash)).toBe(false);
    // Same password, different salt.
    const s2: Session = (await signUp(newEmail())).json();
    const other = await ctx.db.query<{ encrypted_password: string }>(`SELECT encrypted_password FROM auth.users WHERE id = $1`, [s2.user.id]);
    expect(other.rows[0]!.encrypted_password).not.toBe(hash);
  });

  it('grant types: unsupported or missing → 400 unsupported_grant_type; bad bodies and unknown refresh tokens → 400', async () => {
    for (const url of ['/auth/v1/token?grant_type=client_credentials', '/auth/v1/token']) {
      const r = await post(url, { email: newEmail(), password: PASSWORD });
      expect(r.statusCode).toBe(400);
      expect(r.json().code).toBe('unsupported_grant_type');
    }
    const missing = await post('/auth/v1/token?grant_type=password', { email: newEmail() });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/password/) });
    const extra = await post('/auth/v1/token?grant_type=refresh_token', { refresh_token: 'x', email: 'a@b.c' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().code).toBe('invalid_request');
    const unknown = await refresh('no-such-token');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'invalid_grant', message: 'Invalid Refresh Token: Refresh Token Not Found' });
  });

  it('two concurrent refreshes with one token: exactly one succeeds', async () => {
    const email = newEmail();
    const s: Session = (await signUp(email)).json();
    const results = await Promise.all([refresh(s.refresh_token), refresh(s.refresh_token), refresh(s.refresh_token)]);
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 400, 400]);
    for (const r of results.filter((x) => x.statusCode === 400)) expect(r.json().code).toBe('invalid_grant');
  });

  it('PUT /user: metadata merge, email change, password change signs out the other sessions', async () => {
    const email = newEmail();
    const a: Session = (await signUp(email, PASSWORD, { name: 'Ann', theme: 'dark' })).json();
    const b = await sessionOf(email);
    const put = (token: string, payload: unknown) => t.app.inject({ method: 'PUT', url: '/auth/v1/user', payload: payload as object, headers: bearer(token) });

    const meta = await put(a.access_token, { data: { theme: null, lang: 'en' } });
    expect(meta.statusCode, meta.body).toBe(200);
    expect(meta.json().user_metadata).toEqual({ name: 'Ann', lang: 'en' });

    const email2 = newEmail();
    const changed = await put(a.access_token, { email: ` ${email2.toUpperCase()} ` });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().email).toBe(email2);
    const profile = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(a.access_token) });
    expect(profile.json().email).toBe(email2);

    const taken = newEmail();
    await signUp(taken);
    const dup = await put(a.access_token, { email: taken });
    expect(dup.statusCode).toBe(422);
    expect(dup.json().code).toBe('email_exists');

    const same = await put(a.access_token, { password: PASSWORD });
    expect(same.statusCode).toBe(422);
    expect(same.json().code).toBe('same_password');
    const weak = await put(a.access_token, { password: 'short' });
    expect(weak.statusCode).toBe(400);

    const pw = await put(a.access_token, { password: 'a brand new passphrase' });
    expect(pw.statusCode, pw.body).toBe(200);
    // The other session is revoked; this one keeps working.
    const other = await refresh(b.refresh_token);
    expect(other.statusCode).toBe(400);
    expect(other.json().code).toBe('invalid_grant');
    const { rows } = await ctx.db.query<{ revoked_reason: string }>(`SELECT revoked_reason FROM tripsage.auth_sessions WHERE id = $1`, [
      decodeJwt(b.access_token).session_id,
    ]);
    expect(rows[0]!.revoked_reason).toBe('password_change');
    expect((await refresh(a.refresh_token)).statusCode).toBe(200);
    expect((await signIn(email2, PASSWORD)).statusCode).toBe(400);
    expect((await signIn(email2, 'a brand new passphrase')).statusCode).toBe(200);

    const anon = await t.app.inject({ method: 'PUT', url: '/auth/v1/user', payload: { data: {} } });
    expect(anon.statusCode).toBe(401);
  });

  it('logout needs a user token; scope=global revokes every session', async () => {
    const email = newEmail();
    const a: Session = (await signUp(email)).json();
    const b = await sessionOf(email);
    const none = await post('/auth/v1/logout');
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    const svc = await post('/auth/v1/logout', undefined, await serviceHeaders(t));
    expect(svc.statusCode).toBe(403);
    expect((await post('/auth/v1/logout?scope=global', undefined, bearer(a.access_token))).statusCode).toBe(204);
    expect((await refresh(a.refresh_token)).statusCode).toBe(400);
    expect((await refresh(b.refresh_token)).statusCode).toBe(400);
  });

  it('GET /user: 401 without a token, 403 for a service token or a user that no longer exists', async () => {
    const anon = await t.app.inject({ method: 'GET', url: '/auth/v1/user' });
    expect(anon.statusCode).toBe(401);
    const svc = await t.app.inject({ method: 'GET', url: '/auth/v1/user', headers: await serviceHeaders(t) });
    expect(svc.statusCode).toBe(403);
    const ghost = await t.tokens.sign({ sub: randomUUID(), role: 'authenticated', aud: 'authenticated' }, 60);
    const gone = await t.app.inject({ method: 'GET', url: '/auth/v1/user', headers: bearer(ghost) });
    expect(gone.statusCode).toBe(403);
    expect(gone.json().code).toBe('user_not_found');
  });

  it('GET /admin/users: service_role finds a user by email; a user token is 403, none is 401', async () => {
    const email = newEmail();
    const s: Session = (await signUp(email)).json();
    const url = `/auth/v1/admin/users?email=${encodeURIComponent(email.toUpperCase())}`;
    const ok = await t.app.inject({ method: 'GET', url, headers: await serviceHeaders(t) });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().users).toHaveLength(1);
    expect(ok.json().users[0]).toMatchObject({ id: s.user.id, email });
    expect(ok.json().users[0]).not.toHaveProperty('encrypted_password');
    const nobody = await t.app.inject({ method: 'GET', url: `/auth/v1/admin/users?email=${newEmail()}`, headers: await serviceHeaders(t) });
    expect(nobody.json()).toEqual({ users: [] });
    const user = await t.app.inject({ method: 'GET', url, headers: bearer(s.access_token) });
    expect(user.statusCode).toBe(403);
    expect(user.json().code).toBe('not_admin');
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
  });

  describe('GET/PATCH /api/v1/me and forged tokens', () => {
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
});

describeEachBackend('auth as a non-superuser connection role', (ctx) => {
  // PGlite has one superuser connection; on PostgreSQL the server connects as `authenticator`,
  // which can do nothing itself: every auth step must work through the switch to service_role.
  it('sign-up, sign-in, refresh, reuse, password change and logout work as authenticator', async () => {
    const url = new URL(ctx.url!);
    url.username = 'authenticator';
    const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
    const t = await buildTestApp(db);
    try {
      const who = await db.query<{ su: boolean }>(`SELECT usesuper AS su FROM pg_user WHERE usename = current_user`);
      expect(who.rows[0]!.su).toBe(false);
      const post = (u: string, payload?: unknown, headers: Record<string, string> = {}) =>
        t.app.inject({ method: 'POST', url: u, payload: payload as object, headers });
      const email = newEmail();
      const su = await post('/auth/v1/signup', { email, password: PASSWORD, data: { name: 'Role' } });
      expect(su.statusCode, su.body).toBe(200);
      const s1: Session = (await post('/auth/v1/token?grant_type=password', { email, password: PASSWORD })).json();
      const r = await post('/auth/v1/token?grant_type=refresh_token', { refresh_token: s1.refresh_token });
      expect(r.statusCode, r.body).toBe(200);
      const reuse = await post('/auth/v1/token?grant_type=refresh_token', { refresh_token: s1.refresh_token });
      expect(reuse.json().message).toBe('refresh token already used: session revoked');
      const s0: Session = su.json();
      const pw = await t.app.inject({ method: 'PUT', url: '/auth/v1/user', headers: bearer(s0.access_token), payload: { password: 'another passphrase' } });
      expect(pw.statusCode, pw.body).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(s0.access_token) })).json().name).toBe('Role');
      expect((await post('/auth/v1/logout', undefined, bearer(s0.access_token))).statusCode).toBe(204);
      const admin = await t.app.inject({ method: 'GET', url: `/auth/v1/admin/users?email=${email}`, headers: await serviceHeaders(t) });
      expect(admin.json().users[0].email).toBe(email);
    } finally {
      await t.app.close();
      await db.close();
    }
  });
}, { only: 'postgres' });

describeEachBackend('auth rate limit and external mode', (ctx) => {
  it('the third token request in a minute is 429 when the limit is 2', async () => {
    const t = await buildTestApp(ctx.db, { TRIPSAGE_AUTH_RATE_LIMIT: '2' });
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 3; i++) {
        last = await t.app.inject({ method: 'POST', url: '/auth/v1/token?grant_type=password', payload: { email: newEmail(), password: PASSWORD } });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([400, 400, 429]);
      expect(last!.json()).toMatchObject({ code: 'rate_limited' });
      expect(last!.headers['retry-after']).toBeDefined();
    } finally {
      await t.app.close();
    }
  });

  describe('external mode (a Supabase project signs with ES256, published as a JWKS)', () => {
    let server: Server;
    let t: TestApp;
    let privateKey: CryptoKey;
    let userId: string;
    const kid = 'test-key-1';

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256');
      privateKey = pair.privateKey;
      const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
      server = createServer((req, res) => {
        if (req.url === '/jwks.json') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
        } else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      t = await buildTestApp(ctx.db, {
        TRIPSAGE_AUTH: 'external',
        TRIPSAGE_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
        TRIPSAGE_JWT_SECRET: '',
      });
      userId = await createUser(ctx.db, `ext-${randomUUID()}@example.test`);
    });
    afterAll(async () => {
      await t?.app.close();
      await new Promise((resolve) => server?.close(resolve));
    });

    const es256 = (claims: JWTPayload, header: { kid?: string } = { kid }) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', ...header }).setIssuedAt().setExpirationTime('10m').sign(privateKey);
    const userClaims = (): JWTPayload => ({ sub: userId, role: 'authenticated', aud: 'authenticated', email: 'ext@example.test' });
    const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });

    it('accepts a token signed by the project key', async () => {
      const r = await me(await es256(userClaims()));
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().auth_user_id).toBe(userId);
      const u = await t.app.inject({ method: 'GET', url: '/auth/v1/user', headers: bearer(await es256(userClaims())) });
      expect(u.statusCode, u.body).toBe(200);
      expect(u.json()).toMatchObject({ id: userId, email: 'ext@example.test', aud: 'authenticated' });
    });

    it('refuses an unknown kid, a wrong audience, a future nbf, and HS256', async () => {
      const forged = [
        await es256(userClaims(), { kid: 'unknown-key' }),
        await es256({ ...userClaims(), aud: 'other' }),
        await es256({ ...userClaims(), nbf: now() + 300 }),
        await new SignJWT({ ...userClaims() })
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(TEST_JWT_SECRET)),
      ];
      for (const token of forged) {
        const r = await me(token);
        expect(r.statusCode, r.body).toBe(401);
        expect(r.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
      }
    });

    it('local sign-up, sign-in, update and logout answer 404 local_auth_disabled', async () => {
      const token = await es256(userClaims());
      const calls = [
        t.app.inject({ method: 'POST', url: '/auth/v1/signup', payload: { email: newEmail(), password: PASSWORD } }),
        t.app.inject({ method: 'POST', url: '/auth/v1/signup', payload: { nonsense: true } }),
        t.app.inject({ method: 'POST', url: '/auth/v1/token?grant_type=password', payload: { email: newEmail(), password: PASSWORD } }),
        t.app.inject({ method: 'PUT', url: '/auth/v1/user', payload: { data: {} }, headers: bearer(token) }),
        t.app.inject({ method: 'POST', url: '/auth/v1/logout', headers: bearer(token) }),
      ];
      for (const r of await Promise.all(calls)) {
        expect(r.statusCode, r.body).toBe(404);
        expect(r.json().code).toBe('local_auth_disabled');
        expect(r.json().message).toMatch(/Supabase project/);
      }
    });
  });
});
