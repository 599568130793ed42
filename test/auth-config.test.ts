/**
 * The identity service's settings: anonymous sign-ins and sign-ups on or off, Supabase's `apikey`
 * (accepted, and required when configured), ES256 signing with a published JWKS, and external mode
 * (a Supabase project issues the tokens).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, describeEachBackend } from './harness/backends.ts';
import { bearer, buildAuthApp, lastMailTo, newEmail, PASSWORD, type AuthApp } from './harness/auth.ts';
import { TEST_JWT_SECRET } from './harness/http.ts';

describeEachBackend('auth settings', (ctx) => {
  const withApp = async (env: Record<string, string>, fn: (t: AuthApp) => Promise<void>) => {
    const t = await buildAuthApp(ctx.db, env);
    try {
      await fn(t);
    } finally {
      await t.app.close();
    }
  };

  it('anonymous sign-in (POST /signup {}) only when enabled; the anonymous user upgrades by confirming an email', async () => {
    await withApp({}, async (t) => {
      const off = await t.post('/auth/v1/signup', { data: {} });
      expect([off.statusCode, off.json().code]).toEqual([422, 'anonymous_provider_disabled']);
    });
    await withApp({ TRIPSAGE_AUTH_ANONYMOUS: 'on' }, async (t) => {
      expect((await t.get('/auth/v1/settings')).json().external.anonymous_users).toBe(true);
      const r = await t.post('/auth/v1/signup', { data: { theme: 'dark' }, gotrue_meta_security: {} });
      expect(r.statusCode, r.body).toBe(200);
      const s = r.json();
      expect(s.user).toMatchObject({ is_anonymous: true, email: '', identities: [], user_metadata: { theme: 'dark' }, app_metadata: {} });
      expect(decodeJwt(s.access_token)).toMatchObject({ is_anonymous: true, role: 'authenticated', amr: [{ method: 'anonymous', timestamp: expect.any(Number) }] });
      expect((await t.get('/api/v1/me', bearer(s.access_token))).statusCode).toBe(200);
      const pw = await t.put('/auth/v1/user', { password: PASSWORD }, bearer(s.access_token));
      expect([pw.statusCode, pw.json().code]).toEqual([422, 'validation_failed']);
      const email = newEmail();
      expect((await t.put('/auth/v1/user', { email }, bearer(s.access_token))).statusCode).toBe(200);
      const code = lastMailTo(t.outbox, email).code;
      const v = await t.post('/auth/v1/verify', { type: 'email_change', email, token: code });
      expect(v.json().user).toMatchObject({ email, is_anonymous: false, app_metadata: { provider: 'email' } });
      expect((await t.put('/auth/v1/user', { password: PASSWORD }, bearer(v.json().access_token))).statusCode).toBe(200);
      await t.signIn(email);
    });
  });

  it('TRIPSAGE_AUTH_SIGNUP=off: 422 signup_disabled', async () => {
    await withApp({ TRIPSAGE_AUTH_SIGNUP: 'off' }, async (t) => {
      const r = await t.post('/auth/v1/signup', { email: newEmail(), password: PASSWORD });
      expect([r.statusCode, r.json().code]).toEqual([422, 'signup_disabled']);
      expect((await t.get('/auth/v1/settings')).json().disable_signup).toBe(true);
    });
  });

  it('apikey: accepted as the bearer when there is none, refused when foreign, required on /auth/v1 and /rest/v1 when configured', async () => {
    await withApp({}, async (t) => {
      const anonKey = await t.tokens.anonKey();
      expect(decodeJwt(anonKey)).toMatchObject({ role: 'anon', iss: 'tripsage' });
      expect(await t.tokens.anonKey()).toBe(anonKey);
      expect((await t.post('/auth/v1/signup', { email: newEmail(), password: PASSWORD }, { apikey: anonKey })).statusCode).toBe(200);
      const user = await t.signUp(newEmail());
      const asUser = await t.get('/auth/v1/user', { apikey: anonKey, ...bearer(user.access_token) });
      expect(asUser.statusCode).toBe(200);
      const foreign = await t.get('/auth/v1/settings', { apikey: user.access_token });
      expect([foreign.statusCode, foreign.json().code]).toEqual([401, 'invalid_api_key']);
      expect((await t.get('/auth/v1/settings', { apikey: 'garbage' })).statusCode).toBe(401);
      expect((await t.get('/auth/v1/settings')).statusCode).toBe(200);
    });
    await withApp({ TRIPSAGE_REQUIRE_APIKEY: 'on' }, async (t) => {
      const anonKey = await t.tokens.anonKey();
      const missing = await t.get('/auth/v1/settings');
      expect([missing.statusCode, missing.json()]).toEqual([401, { code: 'no_api_key', message: 'No API key found in request' }]);
      expect((await t.app.inject({ method: 'GET', url: '/rest/v1/trips' })).statusCode).toBe(401);
      expect((await t.get('/auth/v1/settings', { apikey: anonKey })).statusCode).toBe(200);
      // The emailed link opens in a browser, and /api/v1 is TripSage's own API: no key needed.
      expect((await t.get('/auth/v1/verify?type=recovery&token=x')).statusCode).toBe(303);
      expect((await t.get('/api/v1/me')).json().code).toBe('invalid_token');
    });
  });

  it('ES256 signing: user tokens carry the kid of the key /.well-known/jwks.json publishes, and verify with it', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportPKCS8(privateKey);
    await withApp({ TRIPSAGE_JWT_ALG: 'ES256', TRIPSAGE_JWT_PRIVATE_KEY: pem }, async (t) => {
      const s = await t.signUp(newEmail());
      const header = decodeProtectedHeader(s.access_token);
      expect(header.alg).toBe('ES256');
      const jwks = (await t.get('/auth/v1/.well-known/jwks.json')).json() as { keys: JWK[] };
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid: header.kid, alg: 'ES256', use: 'sig' });
      expect(jwks.keys[0]).not.toHaveProperty('d');
      const { payload } = await jwtVerify(s.access_token, await importJWK(jwks.keys[0]!, 'ES256'));
      expect(payload.sub).toBe(s.user.id);
      expect((await t.get('/auth/v1/user', bearer(s.access_token))).statusCode).toBe(200);
      // The API keys stay HS256 tokens of the secret, as Supabase's legacy keys are.
      expect(decodeProtectedHeader(await t.tokens.anonKey()).alg).toBe('HS256');
    });
  });

  describe('external mode (a Supabase project signs with ES256, published as a JWKS)', () => {
    let server: Server;
    let t: AuthApp;
    let privateKey: CryptoKey;
    let userId: string;
    const kid = 'test-key-1';

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256');
      privateKey = pair.privateKey;
      const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
      server = createServer((req, res) => {
        if (req.url === '/jwks.json') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      t = await buildAuthApp(ctx.db, { TRIPSAGE_AUTH: 'external', TRIPSAGE_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`, TRIPSAGE_JWT_SECRET: '' });
      userId = await createUser(ctx.db, `ext-${randomUUID()}@example.test`);
    });
    afterAll(async () => {
      await t?.app.close();
      await new Promise((resolve) => server?.close(resolve));
    });

    const es256 = (claims: JWTPayload, header: { kid?: string } = { kid }) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', ...header }).setIssuedAt().setExpirationTime('10m').sign(privateKey);
    const userClaims = (): JWTPayload => ({ sub: userId, role: 'authenticated', aud: 'authenticated', email: 'ext@example.test' });

    it('accepts a token signed by the project key; GET /user answers from its claims', async () => {
      const r = await t.get('/api/v1/me', bearer(await es256(userClaims())));
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().auth_user_id).toBe(userId);
      const u = await t.get('/auth/v1/user', bearer(await es256(userClaims())));
      expect(u.statusCode, u.body).toBe(200);
      expect(u.json()).toMatchObject({ id: userId, email: 'ext@example.test', aud: 'authenticated' });
    });

    it('refuses an unknown kid, a wrong audience, a future nbf, and HS256', async () => {
      const forged = [
        await es256(userClaims(), { kid: 'unknown-key' }),
        await es256({ ...userClaims(), aud: 'other' }),
        await es256({ ...userClaims(), nbf: Math.floor(Date.now() / 1000) + 300 }),
        await new SignJWT({ ...userClaims() }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(new TextEncoder().encode(TEST_JWT_SECRET)),
      ];
      for (const token of forged) {
        const r = await t.get('/api/v1/me', bearer(token));
        expect(r.statusCode, r.body).toBe(401);
        expect(r.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
      }
    });

    it('what would issue or change tokens answers 404 local_auth_disabled', async () => {
      const token = await es256(userClaims());
      const calls = [
        t.post('/auth/v1/signup', { email: newEmail(), password: PASSWORD }),
        t.post('/auth/v1/token?grant_type=password', { email: newEmail(), password: PASSWORD }),
        t.put('/auth/v1/user', { data: {} }, bearer(token)),
        t.post('/auth/v1/logout', undefined, bearer(token)),
        t.post('/auth/v1/recover', { email: newEmail() }),
        t.get('/auth/v1/.well-known/jwks.json'),
      ];
      for (const r of await Promise.all(calls)) {
        expect(r.statusCode, r.body).toBe(404);
        expect(r.json().code).toBe('local_auth_disabled');
        expect(r.json().message).toMatch(/Supabase project/);
      }
    });
  });
});
