/**
 * HTTP tests: the real app over a backend clone, driven in-process with `app.inject`.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import { buildApp, type App, type AppDeps } from '../../src/http/app.ts';
import { createTokenService, type TokenService } from '../../src/auth/tokens.ts';
import { createUser } from './backends.ts';
import { expect } from 'vitest';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface TestApp {
  app: App;
  tokens: TokenService;
  config: Config;
}

/**
 * The event-loop guard is off unless a test sets it (test/overload.test.ts): on a busy test
 * machine a lag spike would otherwise answer an unrelated test's request with 503.
 */
export async function buildTestApp(db: Database, env: Record<string, string> = {}, extra: Pick<AppDeps, 'languageModel'> = {}): Promise<TestApp> {
  const config = loadConfig({}, {
    TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET, TRIPSAGE_AUTH_RATE_LIMIT: '100000', TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS: '0', ...env,
  });
  const tokens = createTokenService(config);
  const app = await buildApp({ config, db, tokens, logger: false, ...extra });
  await app.ready();
  return { app, tokens, config };
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
  headers: { authorization: string };
}

/** A user created directly in the database, with a token signed like the server's own. */
export async function makeUser(t: TestApp, db: Database): Promise<TestUser> {
  const email = `u-${randomUUID()}@example.test`;
  const id = await createUser(db, email);
  const token = await t.tokens.sign({ sub: id, role: 'authenticated', aud: 'authenticated', email, session_id: randomUUID() }, 3600);
  return { id, email, token, headers: { authorization: `Bearer ${token}` } };
}

export async function serviceHeaders(t: TestApp): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await t.tokens.sign({ role: 'service_role' }, 3600)}` };
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * `/api/v1` calls as a user, for suites that talk to the API a lot: `req` answers as is, `ok`
 * expects a 2xx and returns the body (null for 204). `t` is read at call time (built in beforeAll).
 */
export function apiAs(app: () => TestApp) {
  const req = (u: TestUser, method: Method, url: string, payload?: unknown) =>
    app().app.inject({ method, url: `/api/v1${url}`, headers: u.headers, payload: payload as object });
  const ok = async (u: TestUser, method: Method, url: string, payload?: unknown) => {
    const r = await req(u, method, url, payload);
    expect(r.statusCode, r.body).toBeLessThan(300);
    return r.statusCode === 204 ? null : r.json();
  };
  return { req, ok };
}
