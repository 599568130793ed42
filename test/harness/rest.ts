/**
 * The /rest/v1 suites' server: `tripsage serve` (test/harness/supabase.ts) over a clone of the
 * migrated template — a data directory for PGlite, a database for native PostgreSQL — with the
 * suite's SQL fixture applied first, and users who sign up through supabase-js as an app's do.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import { inject } from 'vitest';
import { openDatabase } from '../../src/db/connect.ts';
import type { TestBackend } from './backends.ts';
import { startSupabaseTarget, type SupabaseTarget } from './supabase.ts';

export interface RestUser {
  id: string;
  email: string;
  token: string;
  /** supabase-js, signed in as this user. */
  db: SupabaseClient;
}

export interface RestServer extends SupabaseTarget {
  signUp(): Promise<RestUser>;
}

/** A browser app's origin, allowed by CORS (the suites check the preflight). */
export const APP_ORIGIN = 'http://app.example';

/** `env`: settings of the server beyond the suites' defaults (e.g. TRIPSAGE_REST_AGGREGATES). */
export async function startRestServer(backend: TestBackend, fixtureSql: string, extraEnv: Record<string, string> = {}): Promise<RestServer> {
  const env = { TRIPSAGE_CORS_ORIGINS: APP_ORIGIN, ...extraEnv };
  let target: SupabaseTarget;
  let cleanup: () => Promise<void>;
  if (backend.name === 'pglite') {
    // The migrated template's data directory, so the server starts without migrating.
    const dir = mkdtempSync(join(tmpdir(), 'tripsage-rest-'));
    const db = await openDatabase({ dataDir: dir, loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
    await db.withSession((s) => s.exec(fixtureSql));
    await db.close();
    target = await startSupabaseTarget('pglite', undefined, env, { dataDir: dir });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const h = await backend.clone();
    await h.db.withSession((s) => s.exec(fixtureSql));
    await h.db.close();
    target = await startSupabaseTarget('postgres', h, env);
    cleanup = () => h.drop();
  }
  return {
    ...target,
    async signUp() {
      const db = target.client();
      const email = `u-${randomUUID()}@example.test`;
      const { data, error } = await db.auth.signUp({ email, password: `pw-${randomUUID()}` });
      if (error || !data.session) throw new Error(`sign-up failed: ${JSON.stringify(error)}`);
      return { id: data.user!.id, email, token: data.session.access_token, db };
    },
    async stop() {
      try {
        await target.stop();
      } finally {
        await cleanup();
      }
    },
  };
}
