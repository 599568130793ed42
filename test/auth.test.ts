/**
 * The identity service's sessions end to end (GoTrue-shaped /auth/v1), on every backend: sign-up,
 * sign-in, the user object and its claims, refresh rotation and reuse detection, logout scopes and
 * what a logged-out session's access token may still do, and the service as a non-superuser
 * connection role.
 */
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyPassword } from '../src/auth/passwords.ts';
import { openDatabase } from '../src/db/connect.ts';
import { createUser, describeEachBackend } from './harness/backends.ts';
import { bearer, buildAuthApp, newEmail, PASSWORD, type AuthApp, type Session } from './harness/auth.ts';
import { serviceHeaders } from './harness/http.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const now = () => Math.floor(Date.now() / 1000);

describeEachBackend('auth /auth/v1 sessions', (ctx) => {
  let t: AuthApp;
  beforeAll(async () => {
    t = await buildAuthApp(ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
  });

  it('sign-up: a confirmed user with its email identity, a session with Supabase\'s claims, and a profile', async () => {
    const email = newEmail();
    // The email is trimmed and lower-cased.
    const r = await t.post('/auth/v1/signup', { email: `  ${email.toUpperCase()} `, password: PASSWORD, data: { name: 'Alice', plan: 'free' } });
    expect(r.statusCode, r.body).toBe(200);
    const s: Session = r.json();
    expect(s).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(s.expires_at).toBeGreaterThanOrEqual(now() + 3590);
    expect(s.refresh_token.length).toBeGreaterThanOrEqual(40);
    expect(s.user).toMatchObject({
      email,
      aud: 'authenticated',
      role: 'authenticated',
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { name: 'Alice', plan: 'free' },
      is_anonymous: false,
      email_confirmed_at: expect.any(String),
      last_sign_in_at: expect.any(String),
    });
    expect(s.user.id).toMatch(UUID);
    expect(s.user.identities).toEqual([
      expect.objectContaining({
        identity_id: expect.stringMatching(UUID),
        id: s.user.id,
        user_id: s.user.id,
        provider: 'email',
        email,
        identity_data: { email, email_verified: true, phone_verified: false, sub: s.user.id },
      }),
    ]);
    const claims = decodeJwt(s.access_token);
    expect(claims).toMatchObject({
      sub: s.user.id, role: 'authenticated', aud: 'authenticated', email, phone: '', aal: 'aal1', is_anonymous: false,
      iss: t.tokens.issuer, app_metadata: { provider: 'email' }, user_metadata: { name: 'Alice' },
    });
    expect(claims.session_id).toMatch(UUID);
    expect(claims.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.exp).toBe(s.expires_at);
    const me = await t.get('/api/v1/me', bearer(s.access_token));
    expect(me.json()).toMatchObject({ auth_user_id: s.user.id, email, name: 'Alice' });
    // The password is stored as an scrypt hash, salted.
    const { rows } = await ctx.db.query<{ encrypted_password: string }>(`SELECT encrypted_password FROM auth.users WHERE id = $1`, [s.user.id]);
    expect(rows[0]!.encrypted_password).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(await verifyPassword(PASSWORD, rows[0]!.encrypted_password)).toBe(true);
  });

  it('sign-in: a new session each time; GET /user answers the stored user', async () => {
    const email = newEmail();
    const s0 = await t.signUp(email);
    const s1 = await t.signIn(email.toUpperCase());
    expect(s1.user.id).toBe(s0.user.id);
    expect(decodeJwt(s1.access_token).session_id).not.toBe(decodeJwt(s0.access_token).session_id);
    const user = await t.get('/auth/v1/user', bearer(s1.access_token));
    expect(user.statusCode, user.body).toBe(200);
    expect(user.json()).toMatchObject({ id: s0.user.id, email, identities: [expect.objectContaining({ provider: 'email' })] });
  });

  it('refresh: rotation in one session; only the hash is stored; a spent token presented again revokes the session', async () => {
    const s1 = await t.signUp(newEmail());
    const sid = decodeJwt(s1.access_token).session_id;
    const stored = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tripsage.refresh_tokens WHERE token_hash IN ($1, $2)`, [s1.refresh_token, sha256(s1.refresh_token)]);
    expect(stored.rows[0]!.n).toBe(1);
    const r1 = await t.refresh(s1.refresh_token);
    expect(r1.statusCode, r1.body).toBe(200);
    const s2: Session = r1.json();
    expect(s2.refresh_token).not.toBe(s1.refresh_token);
    expect(decodeJwt(s2.access_token).session_id).toBe(sid);
    const s3: Session = (await t.refresh(s2.refresh_token)).json();

    // Presented again at once (two tabs racing): refused, the session lives on.
    const race = await t.refresh(s1.refresh_token);
    expect(race.statusCode).toBe(400);
    expect(race.json()).toEqual({ code: 'refresh_token_already_used', message: 'Invalid Refresh Token: Already Used' });
    expect((await t.get('/auth/v1/user', bearer(s3.access_token))).statusCode).toBe(200);

    // Presented again later: theft — the whole session is revoked, its newest token too.
    await ctx.db.query(`UPDATE tripsage.refresh_tokens SET used_at = now() - interval '1 minute' WHERE token_hash = $1`, [sha256(s1.refresh_token)]);
    expect((await t.refresh(s1.refresh_token)).json().code).toBe('refresh_token_already_used');
    const sess = await ctx.db.query<{ revoked_reason: string }>(`SELECT revoked_reason FROM tripsage.auth_sessions WHERE id = $1`, [sid]);
    expect(sess.rows[0]!.revoked_reason).toBe('refresh_token_reuse');
    const after = await t.refresh(s3.refresh_token);
    expect(after.statusCode).toBe(400);
    expect(after.json().code).toBe('refresh_token_not_found');
    // The revoked session's access token is refused on /auth/v1 (auth-js then drops the session).
    const user = await t.get('/auth/v1/user', bearer(s3.access_token));
    expect(user.statusCode).toBe(403);
    expect(user.json().code).toBe('session_not_found');
  });

  it('refresh: unknown or malformed tokens; concurrent refreshes with one token: exactly one succeeds, the session survives', async () => {
    expect((await t.refresh('no-such-token-at-all')).json()).toEqual({ code: 'refresh_token_not_found', message: 'Invalid Refresh Token: Refresh Token Not Found' });
    const short = await t.refresh('short');
    expect([short.statusCode, short.json().code]).toEqual([400, 'validation_failed']);
    const s = await t.signUp(newEmail());
    const results = await Promise.all([t.refresh(s.refresh_token), t.refresh(s.refresh_token), t.refresh(s.refresh_token)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400, 400]);
    const winner: Session = results.find((r) => r.statusCode === 200)!.json();
    expect((await t.refresh(winner.refresh_token)).statusCode).toBe(200);
  });

  it('logout: global by default; local and others; a logged-out access token gets 403 session_not_found on /auth/v1 but still reads the data API until it expires', async () => {
    const email = newEmail();
    const a = await t.signUp(email);
    const b = await t.signIn(email);
    const c = await t.signIn(email);
    const logout = (s: Session, scope = '') => t.post(`/auth/v1/logout${scope}`, undefined, bearer(s.access_token));

    expect((await logout(b, '?scope=others')).statusCode).toBe(204);
    expect((await t.refresh(a.refresh_token)).statusCode).toBe(400);
    expect((await t.refresh(c.refresh_token)).statusCode).toBe(400);
    const b2: Session = (await t.refresh(b.refresh_token)).json();

    const d = await t.signIn(email);
    expect((await logout(b2, '?scope=local')).statusCode).toBe(204);
    expect((await t.refresh(d.refresh_token)).statusCode).toBe(200);
    for (const path of ['/auth/v1/user', '/auth/v1/reauthenticate']) {
      const r = await t.get(path, bearer(b2.access_token));
      expect([r.statusCode, r.json().code], path).toEqual([403, 'session_not_found']);
    }
    expect((await logout(b2)).statusCode).toBe(403);
    expect((await t.put('/auth/v1/user', { data: { x: 1 } }, bearer(b2.access_token))).json().code).toBe('session_not_found');
    expect((await t.get('/api/v1/me', bearer(b2.access_token))).statusCode).toBe(200);

    const e = await t.signIn(email);
    expect((await logout(e)).statusCode).toBe(204);
    const { rows } = await ctx.db.query<{ live: number }>(
      `SELECT count(*) FILTER (WHERE s.revoked_at IS NULL)::int AS live FROM tripsage.auth_sessions s JOIN auth.users u ON u.id = s.user_id WHERE u.email = $1`,
      [email],
    );
    expect(rows[0]!.live).toBe(0);
    expect((await t.post('/auth/v1/logout?scope=nonsense', undefined, bearer((await t.signIn(email)).access_token))).json().code).toBe('validation_failed');
  });

  it("a user's sessions are bounded: 100 live at most, revoked ones deleted after a day", async () => {
    const s = await t.signUp(newEmail());
    await ctx.db.query(`UPDATE tripsage.auth_sessions SET revoked_at = now() - interval '2 days', revoked_reason = 'logout' WHERE id = $1`, [
      decodeJwt(s.access_token).session_id,
    ]);
    for (let i = 0; i < 101; i++) {
      await ctx.db.query(`SELECT tripsage_auth.start_session($1, 'password', $2)`, [s.user.id, sha256(`bound-${s.user.id}-${i}`)]);
    }
    const { rows } = await ctx.db.query<{ live: number; limited: number; total: number }>(
      `SELECT count(*) FILTER (WHERE revoked_at IS NULL)::int AS live,
              count(*) FILTER (WHERE revoked_reason = 'session_limit')::int AS limited, count(*)::int AS total
         FROM tripsage.auth_sessions WHERE user_id = $1`,
      [s.user.id],
    );
    expect(rows[0]).toEqual({ live: 100, limited: 1, total: 101 });
  });

  it("a session keeps its 100 most recently spent refresh tokens (for reuse detection) and the live one", async () => {
    const s = await t.signUp(newEmail());
    let current = sha256(s.refresh_token);
    for (let i = 0; i < 105; i++) {
      const next = sha256(`rotate-${s.user.id}-${i}`);
      const r = await ctx.db.query<{ status: string }>(`SELECT status FROM tripsage_auth.refresh($1, $2, 10)`, [current, next]);
      expect(r.rows[0]!.status).toBe('ok');
      current = next;
    }
    const { rows } = await ctx.db.query<{ spent: number; live: number }>(
      `SELECT count(*) FILTER (WHERE used_at IS NOT NULL)::int AS spent, count(*) FILTER (WHERE used_at IS NULL)::int AS live
         FROM tripsage.refresh_tokens WHERE session_id = $1`,
      [decodeJwt(s.access_token).session_id],
    );
    expect(rows[0]).toEqual({ spent: 100, live: 1 });
  });

  it('wrong password, unknown email and a password-less identity get the same 400 invalid_credentials', async () => {
    const email = newEmail();
    await t.signUp(email);
    const bare = await createUser(ctx.db);
    const { rows } = await ctx.db.query<{ email: string }>(`SELECT email FROM auth.users WHERE id = $1`, [bare]);
    const answers = await Promise.all([
      t.post('/auth/v1/token?grant_type=password', { email, password: 'not the password' }),
      t.post('/auth/v1/token?grant_type=password', { email: newEmail(), password: PASSWORD }),
      t.post('/auth/v1/token?grant_type=password', { email: rows[0]!.email, password: PASSWORD }),
      t.post('/auth/v1/token?grant_type=password', { email }),
    ]);
    for (const r of answers) {
      expect(r.statusCode).toBe(400);
      expect(r.json()).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' });
    }
  });

  it('GET /user: 401 no_authorization without a token, 403 bad_jwt for an API key, 403 user_not_found for a deleted user', async () => {
    expect((await t.get('/auth/v1/user')).json()).toEqual({ code: 'no_authorization', message: 'This endpoint requires a valid Bearer token' });
    const svc = await t.get('/auth/v1/user', await serviceHeaders(t));
    expect([svc.statusCode, svc.json().code]).toEqual([403, 'bad_jwt']);
    const s = await t.signUp(newEmail());
    await ctx.db.query(`DELETE FROM auth.users WHERE id = $1`, [s.user.id]);
    const gone = await t.get('/auth/v1/user', bearer(s.access_token));
    expect([gone.statusCode, gone.json().code]).toEqual([403, 'user_not_found']);
  });

  it('a token minted without a session (tripsage token) reads the user but changes no credential', async () => {
    const s = await t.signUp(newEmail());
    const minted = await t.tokens.sign({ sub: s.user.id, role: 'authenticated', aud: 'authenticated', email: s.user.email }, 60);
    expect((await t.get('/auth/v1/user', bearer(minted))).statusCode).toBe(200);
    expect((await t.put('/auth/v1/user', { data: { theme: 'dark' } }, bearer(minted))).statusCode).toBe(200);
    const pw = await t.put('/auth/v1/user', { password: 'a brand new passphrase' }, bearer(minted));
    expect([pw.statusCode, pw.json().code]).toEqual([403, 'session_not_found']);
    const mail = await t.put('/auth/v1/user', { email: newEmail() }, bearer(minted));
    expect([mail.statusCode, mail.json().code]).toEqual([403, 'session_not_found']);
  });
});

describeEachBackend('auth as a non-superuser connection role', (ctx) => {
  // PGlite has one superuser connection; on PostgreSQL the server connects as `authenticator`,
  // which can do nothing itself: every step must work through the per-request role switch.
  it('sign-up, sign-in, refresh, reuse, password change, logout and the admin API work as authenticator', async () => {
    const url = new URL(ctx.url!);
    url.username = 'authenticator';
    const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
    const t = await buildAuthApp(db);
    try {
      const who = await db.query<{ su: boolean }>(`SELECT usesuper AS su FROM pg_user WHERE usename = current_user`);
      expect(who.rows[0]!.su).toBe(false);
      const email = newEmail();
      const s0 = await t.signUp(email, PASSWORD, { name: 'Role' });
      const s1 = await t.signIn(email);
      expect((await t.refresh(s1.refresh_token)).statusCode).toBe(200);
      expect((await t.refresh(s1.refresh_token)).json().code).toBe('refresh_token_already_used');
      const pw = await t.put('/auth/v1/user', { password: 'another passphrase' }, bearer(s0.access_token));
      expect(pw.statusCode, pw.body).toBe(200);
      expect((await t.get('/api/v1/me', bearer(s0.access_token))).json().name).toBe('Role');
      expect((await t.post('/auth/v1/logout', undefined, bearer(s0.access_token))).statusCode).toBe(204);
      const admin = await t.get(`/auth/v1/admin/users?email=${email}`, await serviceHeaders(t));
      expect(admin.json().users[0].email).toBe(email);
    } finally {
      await t.app.close();
      await db.close();
    }
  });
}, { only: 'postgres' });
