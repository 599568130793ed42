/**
 * supabase-js 2.x itself, unchanged, against a real `tripsage serve` on each backend: the whole
 * auth life cycle with its onAuthStateChange events, GoTrue's error codes as supabase-js surfaces
 * them, password recovery and email change through the outbox, anonymous sign-in, and the admin
 * API. (The Data API's supabase-js suite is test/supabase-rest*.)
 */
import { randomUUID } from 'node:crypto';
import { AuthApiError, AuthSessionMissingError, AuthWeakPasswordError, type AuthChangeEvent, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type Handle } from './harness/backends.ts';
import { lastMailTo } from './harness/auth.ts';
import { tripsage } from './harness/cli.ts';
import { startSupabaseTarget, type SupabaseTarget } from './harness/supabase.ts';

const PASSWORD = 'correct horse battery';
const email = () => `js-${randomUUID()}@example.test`;

/** Records a client's auth events in order. */
function recordEvents(client: SupabaseClient): AuthChangeEvent[] {
  const events: AuthChangeEvent[] = [];
  client.auth.onAuthStateChange((event) => {
    events.push(event);
  });
  return events;
}

for (const backend of testBackends()) {
  describe(`supabase-js auth against tripsage serve [${backend.name}]`, () => {
    let target: SupabaseTarget;
    let handle: Handle | undefined;
    beforeAll(async () => {
      handle = backend.name === 'postgres' ? await backend.clone() : undefined;
      target = await startSupabaseTarget(backend.name, handle);
    }, 240_000);
    afterAll(async () => {
      await target?.stop();
      await handle?.db.close();
      await handle?.drop();
    });

    it('tripsage serve prints the project URL and the anon key, the key `tripsage token --role anon` prints', async () => {
      expect(target.server.output()).toContain(`createClient('${target.url}', anon key)`);
      const printed = await tripsage([...target.cli.args, 'token', '--role', 'anon'], target.cli.env);
      expect(printed.code, printed.stderr).toBe(0);
      expect(printed.stdout.trim()).toBe(target.anonKey);
      const settings = await fetch(`${target.url}/auth/v1/settings`, { headers: { apikey: target.anonKey } });
      expect(settings.status).toBe(200);
    });

    it('sign-up, sign-in, getUser, refreshSession, updateUser and signOut, with their events', async () => {
      const supabase = target.client();
      const events = recordEvents(supabase);
      const address = email();
      const up = await supabase.auth.signUp({ email: address, password: PASSWORD, options: { data: { name: 'Js' } } });
      expect(up.error).toBeNull();
      expect(up.data.user).toMatchObject({ email: address, user_metadata: { name: 'Js' }, identities: [expect.objectContaining({ provider: 'email' })] });
      expect(up.data.session?.access_token).toEqual(expect.any(String));

      const user = await supabase.auth.getUser();
      expect(user.error).toBeNull();
      expect(user.data.user?.id).toBe(up.data.user!.id);

      const refreshed = await supabase.auth.refreshSession();
      expect(refreshed.error).toBeNull();
      expect(refreshed.data.session!.refresh_token).not.toBe(up.data.session!.refresh_token);

      const updated = await supabase.auth.updateUser({ data: { theme: 'dark' } });
      expect(updated.error).toBeNull();
      expect(updated.data.user?.user_metadata).toEqual({ name: 'Js', theme: 'dark' });
      expect((await supabase.auth.updateUser({ password: 'a brand new passphrase' })).error).toBeNull();

      const out = await supabase.auth.signOut();
      expect(out.error).toBeNull();
      expect((await supabase.auth.getSession()).data.session).toBeNull();
      // The refresh token died with the session.
      const again = target.client();
      const stale = await again.auth.refreshSession({ refresh_token: refreshed.data.session!.refresh_token });
      expect(stale.error?.code).toBe('refresh_token_not_found');

      const signedIn = await supabase.auth.signInWithPassword({ email: address, password: 'a brand new passphrase' });
      expect(signedIn.error).toBeNull();
      expect(events[0]).toBe('INITIAL_SESSION');
      expect(events.slice(1)).toEqual(['SIGNED_IN', 'TOKEN_REFRESHED', 'USER_UPDATED', 'USER_UPDATED', 'SIGNED_OUT', 'SIGNED_IN']);
    });

    it("GoTrue's error codes reach error.code: invalid_credentials, weak_password, user_already_exists, bad_jwt, validation_failed", async () => {
      const supabase = target.client();
      const address = email();
      const wrong = await supabase.auth.signInWithPassword({ email: address, password: 'not the password' });
      expect(wrong.error).toBeInstanceOf(AuthApiError);
      expect([wrong.error?.status, wrong.error?.code, wrong.error?.message]).toEqual([400, 'invalid_credentials', 'Invalid login credentials']);

      const weak = await supabase.auth.signUp({ email: address, password: 'short' });
      expect(weak.error).toBeInstanceOf(AuthWeakPasswordError);
      expect([weak.error?.status, weak.error?.code, (weak.error as AuthWeakPasswordError).reasons]).toEqual([422, 'weak_password', ['length']]);

      expect((await supabase.auth.signUp({ email: address, password: PASSWORD })).error).toBeNull();
      const twice = await target.client().auth.signUp({ email: address, password: PASSWORD });
      expect([twice.error?.status, twice.error?.code]).toEqual([422, 'user_already_exists']);

      const forged = await supabase.auth.getUser('not.a.jwt');
      expect([forged.error?.status, forged.error?.code]).toEqual([403, 'bad_jwt']);
      const invalid = await supabase.auth.signUp({ email: 'not-an-email', password: PASSWORD });
      expect([invalid.error?.status, invalid.error?.code]).toEqual([400, 'validation_failed']);
      const reused = await supabase.auth.verifyOtp({ email: address, token: '123456', type: 'recovery' });
      expect([reused.error?.status, reused.error?.code]).toEqual([403, 'otp_expired']);
    });

    it('signOut scopes: global ends every session (the other client gets session_not_found and drops it), others keeps this one', async () => {
      const address = email();
      const a = target.client();
      const b = target.client();
      const c = target.client();
      await a.auth.signUp({ email: address, password: PASSWORD });
      await b.auth.signInWithPassword({ email: address, password: PASSWORD });
      await c.auth.signInWithPassword({ email: address, password: PASSWORD });
      const bEvents = recordEvents(b);

      expect((await c.auth.signOut({ scope: 'others' })).error).toBeNull();
      expect((await c.auth.getUser()).error).toBeNull();
      const dropped = await a.auth.getUser();
      expect(dropped.error).toBeInstanceOf(AuthSessionMissingError);
      expect((await a.auth.getSession()).data.session).toBeNull();

      expect((await c.auth.signOut({ scope: 'local' })).error).toBeNull();
      expect((await c.auth.getSession()).data.session).toBeNull();

      await b.auth.signInWithPassword({ email: address, password: PASSWORD });
      const d = target.client();
      await d.auth.signInWithPassword({ email: address, password: PASSWORD });
      expect((await d.auth.signOut()).error).toBeNull();
      expect((await b.auth.getUser()).error).toBeInstanceOf(AuthSessionMissingError);
      expect(bEvents.at(-1)).toBe('SIGNED_OUT');
    });

    it('password recovery: resetPasswordForEmail → the code in the outbox → verifyOtp (PASSWORD_RECOVERY) → updateUser', async () => {
      const address = email();
      await target.client().auth.signUp({ email: address, password: PASSWORD });
      const supabase = target.client();
      const events = recordEvents(supabase);
      expect((await supabase.auth.resetPasswordForEmail(address, { redirectTo: `${target.url}/welcome` })).error).toBeNull();
      const mail = lastMailTo(target.outbox, address);
      const verified = await supabase.auth.verifyOtp({ email: address, token: mail.code, type: 'recovery' });
      expect(verified.error).toBeNull();
      expect(events).toContain('PASSWORD_RECOVERY');
      expect((await supabase.auth.updateUser({ password: 'recovered passphrase' })).error).toBeNull();
      expect((await target.client().auth.signInWithPassword({ email: address, password: 'recovered passphrase' })).error).toBeNull();
    });

    it('email change waits for the code sent to the new address; reauthenticate sends a nonce', async () => {
      const address = email();
      const supabase = target.client();
      await supabase.auth.signUp({ email: address, password: PASSWORD });
      const next = email();
      const asked = await supabase.auth.updateUser({ email: next });
      expect(asked.error).toBeNull();
      expect(asked.data.user).toMatchObject({ email: address, new_email: next });
      const mail = lastMailTo(target.outbox, next);
      const confirmed = await supabase.auth.verifyOtp({ email: next, token: mail.code, type: 'email_change' });
      expect(confirmed.error).toBeNull();
      expect(confirmed.data.user?.email).toBe(next);
      expect((await supabase.auth.reauthenticate()).error).toBeNull();
      expect(lastMailTo(target.outbox, next).subject).toBe('Confirm reauthentication');
    });

    it('signInAnonymously: an anonymous user with a session', async () => {
      const supabase = target.client();
      const anon = await supabase.auth.signInAnonymously({ options: { data: { source: 'js' } } });
      expect(anon.error).toBeNull();
      expect(anon.data.user).toMatchObject({ is_anonymous: true, user_metadata: { source: 'js' } });
      expect((await supabase.auth.getUser()).data.user?.is_anonymous).toBe(true);
    });

    it('admin: createUser, listUsers with pages, getUserById, updateUserById, deleteUser', async () => {
      const admin = target.client(target.serviceKey).auth.admin;
      const tag = `adm-${randomUUID().slice(0, 8)}`;
      const created = await Promise.all([0, 1, 2].map((i) => admin.createUser({ email: `${tag}-${i}@example.test`, password: PASSWORD, email_confirm: true })));
      for (const c of created) expect(c.error).toBeNull();
      const page = await admin.listUsers({ page: 1, perPage: 2 });
      expect(page.error).toBeNull();
      expect(page.data.users).toHaveLength(2);
      expect(page.data).toMatchObject({ nextPage: 2, total: expect.any(Number) });
      expect((page.data as { total: number }).total).toBeGreaterThanOrEqual(3);
      const id = created[0]!.data.user!.id;
      expect((await admin.getUserById(id)).data.user?.email).toBe(`${tag}-0@example.test`);
      const updated = await admin.updateUserById(id, { user_metadata: { role: 'editor' } });
      expect(updated.data.user?.user_metadata).toEqual({ role: 'editor' });
      expect((await admin.deleteUser(id)).error).toBeNull();
      const gone = await admin.getUserById(id);
      expect([gone.error?.status, gone.error?.code]).toEqual([404, 'user_not_found']);
      const notAdmin = await target.client().auth.admin.listUsers();
      expect([notAdmin.error?.status, notAdmin.error?.code]).toEqual([403, 'not_admin']);
    });
  });
}
