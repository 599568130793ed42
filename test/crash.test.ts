/**
 * Crash safety: kill -9 the server during a stream of writes; after a restart every write it
 * acknowledged is there. Embedded (PGlite on a worker thread of the killed process) and server
 * mode with two HTTP processes (the primary dies, its workers follow; PostgreSQL keeps what was
 * committed). The kill comes once enough writes were acknowledged — a state, not a time.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testBackends } from './harness/backends.ts';
import { TEST_JWT_SECRET } from './harness/http.ts';
import { spawnServe } from './harness/serve.ts';

const serve = (args: string[], env: Record<string, string>) => spawnServe(args, env);

/** Acknowledged writes before the kill: enough that the kill lands among writes in flight. */
const ACKED_BEFORE_KILL = 40;

async function writeUntilKilled(url: string, token: string, child: ChildProcess, exited: Promise<unknown>): Promise<number[]> {
  const acked: number[] = [];
  let killed = false;
  const writer = async (w: number) => {
    for (let i = 0; !killed; i++) {
      if (acked.length >= ACKED_BEFORE_KILL && !killed) {
        killed = true;
        child.kill('SIGKILL');
        break;
      }
      try {
        const r = await fetch(`${url}/api/v1/trips`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `w${w}-${i}`, start_date: '2026-06-01', end_date: '2026-06-02', destination: 'X', budget: 10 }),
        });
        if (r.status === 201) acked.push(((await r.json()) as { id: number }).id);
      } catch {
        break; // the connection died with the process
      }
    }
  };
  await Promise.all([writer(1), writer(2), writer(3), writer(4)]);
  await exited;
  return acked;
}

async function signUp(url: string): Promise<string> {
  const r = await fetch(`${url}/auth/v1/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `crash-${Date.now()}@example.test`, password: 'a-long-password' }),
  });
  return ((await r.json()) as { access_token: string }).access_token;
}

async function storedIds(url: string, token: string): Promise<Set<number>> {
  const r = await fetch(`${url}/api/v1/trips?limit=1000`, { headers: { authorization: `Bearer ${token}` } });
  return new Set(((await r.json()) as Array<{ id: number }>).map((t) => t.id));
}

async function crashAndCheck(args: string[], env: Record<string, string>) {
  const first = await serve(args, env);
  const token = await signUp(first.url);
  const acked = await writeUntilKilled(first.url, token, first.child, first.exited);
  expect(acked.length).toBeGreaterThanOrEqual(ACKED_BEFORE_KILL);
  const second = await serve(args, env);
  try {
    const stored = await storedIds(second.url, token);
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
  } finally {
    await second.stop();
  }
}

describe('kill -9 during writes', () => {
  it('embedded: the restarted server has every acknowledged write (and takes over the stale lock)', async () => {
    await crashAndCheck(['--data-dir', mkdtempSync(join(tmpdir(), 'tripsage-crash-'))], {});
  }, 420_000);

  const pg = testBackends().find((b) => b.name === 'postgres');
  if (pg) {
    it('server mode, two HTTP processes: the API dies, PostgreSQL keeps every acknowledged write', async () => {
      const h = await pg.clone();
      try {
        await crashAndCheck([], {
          DATABASE_URL: h.url!,
          TRIPSAGE_WORKERS: '2',
          TRIPSAGE_MEMORY: 'off',
          TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET,
          TRIPSAGE_ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 7).toString('base64')}`,
        });
      } finally {
        await h.db.close();
        await h.drop();
      }
    }, 420_000);
  }
});
