/**
 * The /rest/v1 suites' server: a real `tripsage serve` child process over a clone of the migrated
 * template (a data directory for PGlite, a database for native PostgreSQL), with the suite's own
 * SQL fixture applied first, and users signed up through /auth/v1 as an app would.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { createTokenService } from '../../src/auth/tokens.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/connect.ts';
import type { Backend } from '../../src/db/database.ts';
import type { TestBackend } from './backends.ts';
import { TEST_JWT_SECRET } from './http.ts';
import { spawnServe, type ServeProcess } from './serve.ts';

export interface RestUser {
  id: string;
  email: string;
  token: string;
}

export interface RestServer {
  backend: Backend;
  url: string;
  /** The project's anon key, as Supabase hands it out (a JWT with role anon). */
  anonKey: string;
  serviceKey: string;
  signUp(): Promise<RestUser>;
  stop(): Promise<void>;
}

const ENV = {
  TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET,
  TRIPSAGE_AUTH_RATE_LIMIT: '100000',
  TRIPSAGE_CORS_ORIGINS: 'http://app.example',
  TRIPSAGE_JOBS: 'off',
  TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS: '0',
};

export async function startRestServer(backend: TestBackend, fixtureSql: string, env: Record<string, string> = {}): Promise<RestServer> {
  let serve: ServeProcess;
  let cleanup: () => Promise<void>;
  if (backend.name === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'tripsage-rest-'));
    const db = await openDatabase({ dataDir: dir, loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
    await db.withSession((s) => s.exec(fixtureSql));
    await db.close();
    serve = await spawnServe(['--data-dir', dir], { ...ENV, ...env });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const h = await backend.clone();
    await h.db.withSession((s) => s.exec(fixtureSql));
    await h.db.close();
    const keys = `1:${randomBytes(32).toString('base64')}`;
    serve = await spawnServe(['--database-url', h.url!], { ...ENV, TRIPSAGE_MEMORY: 'off', TRIPSAGE_ENCRYPTION_KEYS: keys, ...env });
    cleanup = () => h.drop();
  }
  const tokens = createTokenService(loadConfig({}, { TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET }));
  const url = serve.url;
  return {
    backend: backend.name,
    url,
    anonKey: await tokens.sign({ role: 'anon' }, 3600),
    serviceKey: await tokens.sign({ role: 'service_role' }, 3600),
    async signUp() {
      const email = `u-${randomUUID()}@example.test`;
      const res = await fetch(`${url}/auth/v1/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: `pw-${randomUUID()}` }),
      });
      const body = (await res.json()) as { access_token: string; user: { id: string } };
      if (!res.ok) throw new Error(`signup failed: ${res.status} ${JSON.stringify(body)}`);
      return { id: body.user.id, email, token: body.access_token };
    },
    async stop() {
      try {
        await serve.stop();
      } finally {
        serve.child.kill('SIGKILL');
        await cleanup();
      }
    },
  };
}

/**
 * supabase-js as an app creates it (the anon key), signed in as `user` when given. Node 20 has no
 * WebSocket of its own, which realtime-js needs at creation: `ws` is its documented transport.
 */
export function supabaseClient(server: RestServer, user?: RestUser | { token: string }): SupabaseClient {
  return createClient(server.url, server.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
    global: user ? { headers: { Authorization: `Bearer ${user.token}` } } : {},
  });
}
