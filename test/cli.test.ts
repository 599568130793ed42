/**
 * The command line as a user runs it: a separate process, exit codes and messages.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tripsage } from './harness/cli.ts';
import { openDatabase } from '../src/db/connect.ts';
import { testBackends } from './harness/backends.ts';

describe('tripsage db (embedded)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tripsage-cli-'));
  const dd = ['--data-dir', dataDir];

  it('migrate, then status lists every file as applied and nothing pending', async () => {
    const m = await tripsage([...dd, 'db', 'migrate']);
    expect(m.stderr).not.toMatch(/Error/);
    expect(m.code).toBe(0);
    expect(m.stdout).toMatch(/applied 000001_supabase_compat\.sql/);
    const s = await tripsage([...dd, 'db', 'status', '--json']);
    expect(s.code).toBe(0);
    const status = JSON.parse(s.stdout);
    expect(status.pending).toEqual([]);
    expect(status.drift).toEqual([]);
    expect(status.applied.length).toBeGreaterThanOrEqual(6);
  });

  it('verify finds no ERROR and exits 0', async () => {
    const v = await tripsage([...dd, 'db', 'verify']);
    expect(v.code, v.stderr).toBe(0);
  });

  it('a second process on the same data directory gets a clear error', async () => {
    const holder = await openDatabase({ dataDir });
    try {
      const r = await tripsage([...dd, 'db', 'status']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/is in use by process \d+/);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    } finally {
      await holder.close();
    }
  });

  it('reset refuses without --yes and leaves the data alone', async () => {
    const r = await tripsage([...dd, 'db', 'reset']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--yes/);
    const s = JSON.parse((await tripsage([...dd, 'db', 'status', '--json'])).stdout);
    expect(s.applied.length).toBeGreaterThanOrEqual(6);
  });

  it('reset --yes drops everything and migrates afresh', async () => {
    const db = await openDatabase({ dataDir });
    await db.query(`INSERT INTO auth.users (email) VALUES ('gone@example.test')`);
    await db.close();
    const r = await tripsage([...dd, 'db', 'reset', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const after = await openDatabase({ dataDir });
    try {
      expect((await after.query(`SELECT count(*)::int AS n FROM auth.users`)).rows).toEqual([{ n: 0 }]);
    } finally {
      await after.close();
    }
  });

  it('bad configuration is reported, not thrown', async () => {
    const r = await tripsage([...dd, 'db', 'status'], { DATABASE_URL: 'not a url' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/invalid configuration[\s\S]*databaseUrl/);
  });
});

const pgBackend = testBackends().find((b) => b.name === 'postgres');
if (pgBackend) {
  describe('tripsage db (PostgreSQL server)', () => {
    it('migrate stops without pgvector, and works with TRIPSAGE_MEMORY=off', async () => {
      const h = await pgBackend.empty();
      try {
        const fail = await tripsage(['db', 'migrate'], { DATABASE_URL: h.url! });
        expect(fail.code).toBe(1);
        expect(fail.stderr).toMatch(/TRIPSAGE_MEMORY=off/);
        const ok = await tripsage(['db', 'migrate'], { DATABASE_URL: h.url!, TRIPSAGE_MEMORY: 'off' });
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stdout).toMatch(/skipped 000006_memory_embeddings\.sql/);
        const v = await tripsage(['db', 'verify'], { DATABASE_URL: h.url! });
        expect(v.code, v.stdout + v.stderr).toBe(0);
      } finally {
        await h.db.close();
        await h.drop();
      }
    });
  });
}
