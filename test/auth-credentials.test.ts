/**
 * Credential changes and emailed codes (issue 10, security item 2; issue 15): a revoked session
 * cannot change anything; a password change needs a recent sign-in or a reauthentication nonce;
 * an email change waits for the code sent to the new address; password recovery runs through the
 * outbox; codes are single use, expire, and are rate limited per user.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './harness/backends.ts';
import { bearer, buildAuthApp, lastMailTo, newEmail, PASSWORD, readOutbox, type AuthApp, type Session } from './harness/auth.ts';

const NEW_PASSWORD = 'a brand new passphrase';

describeEachBackend('auth credential changes', (ctx) => {
  let t: AuthApp;
  beforeAll(async () => {
    t = await buildAuthApp(ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
  });
  /** Makes a session look signed in long ago (beyond the reauthentication window). */
  const age = (s: Session) =>
    ctx.db.query(`UPDATE tripsage.auth_sessions SET created_at = now() - interval '1 hour' WHERE id = $1`, [decodeJwt(s.access_token).session_id]);

  it('the takeover of issue 10 fails: a revoked session changes neither email nor password', async () => {
    const email = newEmail();
    const stolen = await t.signUp(email);
    await t.refresh(stolen.refresh_token);
    await ctx.db.query(`UPDATE tripsage.refresh_tokens SET used_at = now() - interval '1 minute' WHERE session_id = $1 AND used_at IS NOT NULL`, [
      decodeJwt(stolen.access_token).session_id,
    ]);
    await t.refresh(stolen.refresh_token); // reuse: the session is revoked
    const victim = await t.signIn(email);
    expect((await t.post('/auth/v1/logout', undefined, bearer(victim.access_token))).statusCode).toBe(204);
    const attack = await t.put('/auth/v1/user', { email: newEmail(), password: 'attacker password' }, bearer(stolen.access_token));
    expect([attack.statusCode, attack.json().code]).toEqual([403, 'session_not_found']);
    expect((await t.signIn(email)).user.email).toBe(email); // the victim still signs in
  });

  it('PUT /user: metadata merge (null removes a key); same password is 422 same_password', async () => {
    const s = await t.signUp(newEmail(), PASSWORD, { name: 'Ann', theme: 'dark' });
    const meta = await t.put('/auth/v1/user', { data: { theme: null, lang: 'en' } }, bearer(s.access_token));
    expect(meta.statusCode, meta.body).toBe(200);
    expect(meta.json().user_metadata).toEqual({ name: 'Ann', lang: 'en' });
    const same = await t.put('/auth/v1/user', { password: PASSWORD }, bearer(s.access_token));
    expect([same.statusCode, same.json().code]).toEqual([422, 'same_password']);
    const weak = await t.put('/auth/v1/user', { password: 'short' }, bearer(s.access_token));
    expect([weak.statusCode, weak.json().code]).toEqual([422, 'weak_password']);
  });

  it('a password change right after sign-in works and signs out the other sessions', async () => {
    const email = newEmail();
    const a = await t.signUp(email);
    const b = await t.signIn(email);
    const pw = await t.put('/auth/v1/user', { password: NEW_PASSWORD }, bearer(a.access_token));
    expect(pw.statusCode, pw.body).toBe(200);
    expect((await t.refresh(b.refresh_token)).json().code).toBe('refresh_token_not_found');
    expect((await t.get('/auth/v1/user', bearer(b.access_token))).json().code).toBe('session_not_found');
    expect((await t.refresh(a.refresh_token)).statusCode).toBe(200);
    expect((await t.post('/auth/v1/token?grant_type=password', { email, password: PASSWORD })).statusCode).toBe(400);
    await t.signIn(email, NEW_PASSWORD);
  });

  it('outside the recent-sign-in window: 400 reauthentication_needed; the emailed nonce allows one change', async () => {
    const email = newEmail();
    const s = await t.signUp(email);
    await age(s);
    const refused = await t.put('/auth/v1/user', { password: NEW_PASSWORD }, bearer(s.access_token));
    expect([refused.statusCode, refused.json().code]).toEqual([400, 'reauthentication_needed']);
    const wrong = await t.put('/auth/v1/user', { password: NEW_PASSWORD, nonce: '000000' }, bearer(s.access_token));
    expect([wrong.statusCode, wrong.json().code]).toEqual([422, 'reauthentication_not_valid']);

    const reauth = await t.get('/auth/v1/reauthenticate', bearer(s.access_token));
    expect(reauth.statusCode, reauth.body).toBe(200);
    const nonce = lastMailTo(t.outbox, email);
    expect(nonce.subject).toBe('Confirm reauthentication');
    const ok = await t.put('/auth/v1/user', { password: NEW_PASSWORD, nonce: nonce.code }, bearer(s.access_token));
    expect(ok.statusCode, ok.body).toBe(200);
    const again = await t.put('/auth/v1/user', { password: 'yet another passphrase', nonce: nonce.code }, bearer(s.access_token));
    expect(again.json().code).toBe('reauthentication_not_valid');
  });

  it('an email change takes effect only when the code sent to the new address comes back', async () => {
    const email = newEmail();
    const s = await t.signUp(email);
    const target = newEmail();
    const asked = await t.put('/auth/v1/user', { email: target.toUpperCase() }, bearer(s.access_token));
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json()).toMatchObject({ email, new_email: target, email_change_sent_at: expect.any(String) });
    // Nothing changed yet: the old address still signs in, the new one does not, the profile keeps the old.
    await t.signIn(email);
    expect((await t.post('/auth/v1/token?grant_type=password', { email: target, password: PASSWORD })).statusCode).toBe(400);
    expect((await t.get('/api/v1/me', bearer(s.access_token))).json().email).toBe(email);

    const mail = lastMailTo(t.outbox, target);
    expect(mail.subject).toBe('Confirm Email Change');
    expect(readOutbox(t.outbox).some((m) => m.to.includes(email) && m.subject === 'Confirm Email Change')).toBe(false);
    const wrongAddress = await t.post('/auth/v1/verify', { type: 'email_change', email: newEmail(), token: mail.code });
    expect([wrongAddress.statusCode, wrongAddress.json().code]).toEqual([403, 'otp_expired']);
    const verified = await t.post('/auth/v1/verify', { type: 'email_change', email: target, token: mail.code });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().user).toMatchObject({ id: s.user.id, email: target });
    expect(verified.json().user).not.toHaveProperty('new_email');
    await t.signIn(target);
    expect((await t.get('/api/v1/me', bearer(s.access_token))).json().email).toBe(target);
    const twice = await t.post('/auth/v1/verify', { type: 'email_change', email: target, token: mail.code });
    expect(twice.json().code).toBe('otp_expired');
  });

  it('an email change to a taken address is 422 email_exists, before and at confirmation', async () => {
    const s = await t.signUp(newEmail());
    const taken = newEmail();
    await t.signUp(taken);
    expect((await t.put('/auth/v1/user', { email: taken }, bearer(s.access_token))).json().code).toBe('email_exists');
    const free = newEmail();
    await t.put('/auth/v1/user', { email: free }, bearer(s.access_token));
    await t.signUp(free); // someone takes it meanwhile
    const r = await t.post('/auth/v1/verify', { type: 'email_change', token_hash: lastMailTo(t.outbox, free).tokenHash });
    expect([r.statusCode, r.json().code]).toEqual([422, 'email_exists']);
  });

  it('password recovery: /recover → the code in the outbox → /verify → a fresh session that may set a password', async () => {
    const email = newEmail();
    const old = await t.signUp(email);
    await age(old);
    const unknown = await t.post('/auth/v1/recover', { email: newEmail() });
    expect([unknown.statusCode, unknown.json()]).toEqual([200, {}]);
    const r = await t.post('/auth/v1/recover', { email });
    expect([r.statusCode, r.json()]).toEqual([200, {}]);
    const mail = lastMailTo(t.outbox, email);
    expect(mail.subject).toBe('Reset Your Password');
    expect(mail.code).toMatch(/^\d{6}$/);
    expect(mail.link).toContain('/auth/v1/verify?token=');
    const wrong = await t.post('/auth/v1/verify', { type: 'recovery', email, token: mail.code === '000000' ? '111111' : '000000' });
    expect([wrong.statusCode, wrong.json()]).toEqual([403, { code: 'otp_expired', message: 'Token has expired or is invalid' }]);
    const v = await t.post('/auth/v1/verify', { type: 'recovery', email, token: mail.code });
    expect(v.statusCode, v.body).toBe(200);
    const session: Session = v.json();
    expect(decodeJwt(session.access_token).amr).toEqual([{ method: 'otp', timestamp: expect.any(Number) }]);
    const pw = await t.put('/auth/v1/user', { password: NEW_PASSWORD }, bearer(session.access_token));
    expect(pw.statusCode, pw.body).toBe(200);
    expect((await t.refresh(old.refresh_token)).statusCode).toBe(400);
    await t.signIn(email, NEW_PASSWORD);
    expect((await t.post('/auth/v1/verify', { type: 'recovery', email, token: mail.code })).json().code).toBe('otp_expired');
  });

  it('the emailed link: GET /verify redirects with the session in the fragment, or the error; only to allowed places', async () => {
    const email = newEmail();
    await t.signUp(email);
    await t.post('/auth/v1/recover?redirect_to=https%3A%2F%2Fevil.example%2Fsteal', { email });
    const mail = lastMailTo(t.outbox, email);
    const r = await t.get(new URL(mail.link!).pathname + new URL(mail.link!).search);
    expect(r.statusCode).toBe(303);
    const to = new URL(r.headers.location as string);
    expect(to.origin).not.toBe('https://evil.example');
    const fragment = new URLSearchParams(to.hash.slice(1));
    expect(fragment.get('type')).toBe('recovery');
    expect(decodeJwt(fragment.get('access_token')!).email).toBe(email);
    const again = await t.get(new URL(mail.link!).pathname + new URL(mail.link!).search);
    expect(new URLSearchParams(new URL(again.headers.location as string).hash.slice(1)).get('error_code')).toBe('otp_expired');
  });

  it('codes expire, and one kind of email goes to a user at most once per interval', async () => {
    const limited = await buildAuthApp(ctx.db, { TRIPSAGE_AUTH_EMAIL_INTERVAL: '60' });
    try {
      const email = newEmail();
      await limited.signUp(email);
      expect((await limited.post('/auth/v1/recover', { email })).statusCode).toBe(200);
      const second = await limited.post('/auth/v1/recover', { email });
      expect([second.statusCode, second.json().code]).toEqual([429, 'over_email_send_rate_limit']);
      expect(second.headers['retry-after']).toBe('60');
      expect(readOutbox(limited.outbox)).toHaveLength(1);
      const code = lastMailTo(limited.outbox, email).code;
      await ctx.db.query(`UPDATE tripsage.auth_one_time_tokens SET expires_at = now() - interval '1 second' WHERE relates_to = $1`, [email]);
      expect((await limited.post('/auth/v1/verify', { type: 'recovery', email, token: code })).json().code).toBe('otp_expired');
    } finally {
      await limited.app.close();
    }
  });

  it('only hashes of codes are stored', async () => {
    const email = newEmail();
    await t.signUp(email);
    await t.post('/auth/v1/recover', { email });
    const mail = lastMailTo(t.outbox, email);
    const { rows } = await ctx.db.query<{ token_hash: string }>(`SELECT token_hash FROM tripsage.auth_one_time_tokens WHERE relates_to = $1`, [email]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.token_hash).not.toBe(mail.tokenHash);
    expect(rows[0]!.token_hash).not.toContain(mail.code);
  });
});
