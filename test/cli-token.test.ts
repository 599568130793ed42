/**
 * `tripsage token` as a user runs it: a separate process signing with the data directory's secret,
 * resolving --email from the database, or from the running server when it holds the directory.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { tripsage } from './harness/cli.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { createUser, testBackends } from './harness/backends.ts';
import { buildTestApp, TEST_JWT_SECRET } from './harness/http.ts';

/** Whole programs per case on a busy machine: a cap, not an expectation. */
const SLOW = 600_000;

/** A data directory of the case's own (no case depends on another's). */
function fresh() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tripsage-token-'));
  return {
    dataDir,
    dd: ['--data-dir', dataDir],
    secret: () => new TextEncoder().encode(readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim()),
  };
}

describe('tripsage token (embedded)', () => {

  it('--role service_role prints a token that verifies with the secret in the data directory', async () => {
    const { dd, secret } = fresh();
    const r = await tripsage([...dd, 'token', '--role', 'service_role', '--expires-in', '120']);
    expect(r.code, r.stderr).toBe(0);
    const { payload, protectedHeader } = await jwtVerify(r.stdout.trim(), secret(), { algorithms: ['HS256'] });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.role).toBe('service_role');
    expect(payload.exp! - payload.iat!).toBe(120);
  }, SLOW);

  it('--role anon prints the anon key: HS256 of the secret, the same every time', async () => {
    const { dd, secret } = fresh();
    const a = await tripsage([...dd, 'token', '--role', 'anon']);
    expect(a.code, a.stderr).toBe(0);
    const { payload } = await jwtVerify(a.stdout.trim(), secret(), { algorithms: ['HS256'] });
    expect(payload).toMatchObject({ role: 'anon', iss: 'tripsage' });
    expect(payload.exp).toBeGreaterThan(Date.now() / 1000 + 10 * 365 * 86_400);
    expect((await tripsage([...dd, 'token', '--role', 'anon'])).stdout).toBe(a.stdout);
  }, SLOW);

  it('refuses bad arguments with a message and no stack trace', async () => {
    const { dd } = fresh();
    const noEmail = await tripsage([...dd, 'token', '--role', 'authenticated']);
    expect(noEmail.code).toBe(1);
    expect(noEmail.stderr).toMatch(/needs --email/);
    const badRole = await tripsage([...dd, 'token', '--role', 'admin']);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/Allowed choices are anon, service_role, authenticated/);
    const badTtl = await tripsage([...dd, 'token', '--role', 'service_role', '--expires-in', '-5']);
    expect(badTtl.code).not.toBe(0);
    for (const r of [noEmail, badRole, badTtl]) expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  }, SLOW);

  it('--email: reads the user from the database; unknown emails get a hint to sign up', async () => {
    const { dataDir, dd, secret } = fresh();
    expect((await tripsage([...dd, 'db', 'migrate'])).code).toBe(0);
    const db = await openDatabase({ dataDir });
    const email = 'cli-user@example.test';
    let id: string;
    try {
      id = await createUser(db, email);
    } finally {
      await db.close();
    }
    const r = await tripsage([...dd, 'token', '--role', 'authenticated', '--email', 'CLI-User@example.test']);
    expect(r.code, r.stderr).toBe(0);
    const { payload } = await jwtVerify(r.stdout.trim(), secret());
    expect(payload).toMatchObject({ sub: id, role: 'authenticated', aud: 'authenticated', email, aal: 'aal1' });
    // It belongs to no session: it reads, but changes no credential (test/auth.test.ts).
    expect(payload).not.toHaveProperty('session_id');

    const unknown = await tripsage([...dd, 'token', '--role', 'authenticated', '--email', 'nobody@example.test']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no user with email nobody@example\.test; sign up first/);
  }, SLOW);

  it('--email while a server holds the data directory: asks the server', async () => {
    const { dataDir, dd } = fresh();
    const db = await openDatabase({ dataDir });
    await migrate(db);
    const t = await buildTestApp(db, { TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET });
    try {
      const id = await createUser(db, 'held@example.test');
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = t.app.server.address() as AddressInfo;
      const env = { HOST: '127.0.0.1', PORT: String(port), TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET };
      const r = await tripsage([...dd, 'token', '--role', 'authenticated', '--email', 'held@example.test'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`looking held@example.test up on the server at http://127.0.0.1:${port} (it holds `);
      const { payload } = await jwtVerify(r.stdout.trim(), new TextEncoder().encode(TEST_JWT_SECRET));
      expect(payload).toMatchObject({ sub: id, email: 'held@example.test' });
      // The token works on that server.
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${r.stdout.trim()}` } });
      expect(me.statusCode, me.body).toBe(200);
      expect(me.json().auth_user_id).toBe(id);

      const none = await tripsage([...dd, 'token', '--role', 'authenticated', '--email', 'ghost@example.test'], env);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/sign up first/);
    } finally {
      await t.app.close();
      await db.close();
    }
    // No server listening: a clear message.
    const holder = await openDatabase({ dataDir });
    try {
      const r = await tripsage([...dd, 'token', '--role', 'authenticated', '--email', 'held@example.test'], { PORT: '1' });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/no server answered at http:\/\/127\.0\.0\.1:1 .*: name the server with --server URL/);
    } finally {
      await holder.close();
    }
  }, SLOW);

  it('--server URL: asks that server (not the database, not the default port) and says so', async () => {
    const clone = await testBackends()[0]!.clone();
    const t = await buildTestApp(clone.db);
    const unused = join(mkdtempSync(join(tmpdir(), 'tripsage-token-')), 'data');
    try {
      const id = await createUser(clone.db, 'remote@example.test');
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const server = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      const args = ['--data-dir', unused, 'token', '--role', 'authenticated', '--email', 'remote@example.test', '--server', `${server}/`];
      const r = await tripsage(args, { TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`looking remote@example.test up on the server at ${server} (--server)`);
      const { payload } = await jwtVerify(r.stdout.trim(), new TextEncoder().encode(TEST_JWT_SECRET));
      expect(payload).toMatchObject({ sub: id, email: 'remote@example.test' });
      expect(existsSync(join(unused, 'pgdata'))).toBe(false); // the local database was never opened

      const other = await tripsage(args, { TRIPSAGE_JWT_SECRET: 'another-secret-another-secret-0123456789' });
      expect(other.code).toBe(1);
      expect(other.stderr).toMatch(new RegExp(`the server at ${server} refused the user lookup \\(it does not accept tokens signed with this secret`));
    } finally {
      await t.app.close();
      await clone.db.close();
    }
  }, SLOW);
});

