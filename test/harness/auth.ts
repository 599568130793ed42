/**
 * Helpers of the /auth/v1 suites: requests as supabase-js makes them (GoTrue's API-version header),
 * sessions, and the mail outbox the identity service writes to.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { buildTestApp, type TestApp } from './http.ts';

export const PASSWORD = 'correct horse battery';
export const V2024 = { 'x-supabase-api-version': '2024-01-01' };
export const newEmail = () => `user-${randomUUID()}@example.test`;
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface Session {
  access_token: string;
  token_type: string;
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: Record<string, unknown> & { id: string; email: string };
}

type Response = Awaited<ReturnType<TestApp['app']['inject']>>;

export interface AuthApp extends TestApp {
  outbox: string;
  post(url: string, payload?: unknown, headers?: Record<string, string>): Promise<Response>;
  put(url: string, payload: unknown, headers?: Record<string, string>): Promise<Response>;
  get(url: string, headers?: Record<string, string>): Promise<Response>;
  signUp(email: string, password?: string, data?: Record<string, unknown>): Promise<Session>;
  signIn(email: string, password?: string): Promise<Session>;
  refresh(refreshToken: string): Promise<Response>;
}

/** The app with an outbox of its own, every request speaking GoTrue's 2024-01-01 API version. */
export async function buildAuthApp(db: Database, env: Record<string, string> = {}): Promise<AuthApp> {
  const outbox = mkdtempSync(join(tmpdir(), 'tripsage-outbox-'));
  const t = await buildTestApp(db, { TRIPSAGE_MAIL_OUTBOX: outbox, TRIPSAGE_AUTH_EMAIL_INTERVAL: '0', ...env });
  const inject = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url, payload: payload as object, headers: { ...V2024, ...headers } }) as Promise<Response>;
  const ok = async (r: Response): Promise<Session> => {
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };
  return {
    ...t,
    outbox,
    post: (url, payload, headers) => inject('POST', url, payload, headers),
    put: (url, payload, headers) => inject('PUT', url, payload, headers),
    get: (url, headers) => inject('GET', url, undefined, headers),
    signUp: async (email, password = PASSWORD, data) => ok(await inject('POST', '/auth/v1/signup', { email, password, ...(data ? { data } : {}) })),
    signIn: async (email, password = PASSWORD) => ok(await inject('POST', '/auth/v1/token?grant_type=password', { email, password })),
    refresh: (refresh_token) => inject('POST', '/auth/v1/token?grant_type=refresh_token', { refresh_token }),
  };
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
  code: string;
  /** The token hash of the link to /auth/v1/verify. */
  tokenHash: string | undefined;
  link: string | undefined;
}

function parseMail(raw: string): Mail {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).trim();
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1]?.trim() ?? '';
  const text = body.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const link = /(http\S+\/auth\/v1\/verify\?\S+)/.exec(text)?.[1];
  return {
    to: header('To'),
    subject: header('Subject'),
    text,
    code: /code: (\d{6})/.exec(text)?.[1] ?? '',
    link,
    tokenHash: link ? new URL(link).searchParams.get('token') ?? undefined : undefined,
  };
}

/** Every message in an outbox, oldest first. */
export function readOutbox(dir: string): Mail[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return files.map((f) => parseMail(readFileSync(join(dir, f), 'utf8')));
}

/** The newest message to an address. */
export function lastMailTo(dir: string, to: string): Mail {
  const mail = readOutbox(dir).filter((m) => m.to.toLowerCase().includes(to.toLowerCase())).at(-1);
  expect(mail, `a message to ${to} in ${dir}`).toBeDefined();
  return mail!;
}
