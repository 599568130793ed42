/**
 * supabase-js against a real `tripsage serve` child process, on either backend: the process, its
 * anon key as it prints it, a service_role key, and clients as a Node app creates them.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { loadConfig } from '../../src/config.ts';
import { createTokenService } from '../../src/auth/tokens.ts';
import type { Backend } from '../../src/db/database.ts';
import type { Handle } from './backends.ts';
import { TEST_JWT_SECRET } from './http.ts';
import { spawnServe, type ServeProcess } from './serve.ts';

export interface SupabaseTarget {
  server: ServeProcess;
  url: string;
  anonKey: string;
  serviceKey: string;
  outbox: string;
  /** The global flags and environment that point the CLI at this server's data and secret. */
  cli: { args: string[]; env: Record<string, string> };
  client(key?: string): SupabaseClient;
  stop(): Promise<void>;
}

/** Node 20 has no global WebSocket; these suites never open realtime, so a stand-in satisfies createClient. */
class NoWebSocket {
  constructor() {
    throw new Error('realtime is not used by these tests');
  }
}

/**
 * `tripsage serve` on a fresh embedded data directory (or `opts.dataDir`, one already prepared),
 * or on a clone of the migrated PostgreSQL template (`handle`), with anonymous sign-ins on and an
 * outbox of its own.
 */
export async function startSupabaseTarget(backend: Backend, handle?: Handle, env: Record<string, string> = {}, opts: { dataDir?: string } = {}): Promise<SupabaseTarget> {
  const outbox = mkdtempSync(join(tmpdir(), 'tripsage-supabase-outbox-'));
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tripsage-supabase-'));
  const common = {
    TRIPSAGE_MAIL_OUTBOX: outbox,
    TRIPSAGE_AUTH_ANONYMOUS: 'on',
    TRIPSAGE_AUTH_EMAIL_INTERVAL: '0',
    TRIPSAGE_AUTH_RATE_LIMIT: '100000',
    TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS: '0',
    TRIPSAGE_JOBS: 'off',
    ...env,
  };
  const server =
    backend === 'postgres'
      ? await spawnServe(['--database-url', handle!.url!], {
          ...common,
          TRIPSAGE_MEMORY: 'off',
          TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET,
          TRIPSAGE_ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 5).toString('base64')}`,
        }, /anon key: \S+/)
      : await spawnServe(['--data-dir', dataDir], common, /anon key: \S+/);
  const anonKey = /anon key: (\S+)/.exec(server.output())![1]!;
  const secret = backend === 'postgres' ? TEST_JWT_SECRET : readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
  const tokens = createTokenService(loadConfig({}, { TRIPSAGE_JWT_SECRET: secret }));
  const serviceKey = await tokens.sign({ role: 'service_role' }, 3600);
  return {
    server,
    url: server.url,
    anonKey,
    serviceKey,
    outbox,
    cli: backend === 'postgres' ? { args: ['--database-url', handle!.url!], env: { TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET } } : { args: ['--data-dir', dataDir], env: {} },
    client: (key = anonKey) =>
      createClient(server.url, key, {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        realtime: { transport: NoWebSocket as never },
      }),
    stop: async () => {
      try {
        await server.stop();
      } finally {
        server.child.kill('SIGKILL');
      }
    },
  };
}
