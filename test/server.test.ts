/**
 * The server as operators run it: the real process (start-up, first-user hint, SIGTERM), and
 * server mode connecting as the `authenticator` login role that switches per request.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import { testBackends } from './harness/backends.ts';
import { buildTestApp, makeUser } from './harness/http.ts';
import { spawnServe } from './harness/serve.ts';

describe('tripsage serve (embedded)', () => {
  it('starts, prints the docs URL and how to create a first user, serves, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tripsage-serve-'));
    const server = await spawnServe(['--data-dir', dataDir], {}, /-d '\{"email"/);
    const { url } = server;
    const out = () => server.output();
    try {
      expect(out()).toMatch(/docs:\s+http:\/\/\S+\/docs/);
      expect(out()).toMatch(/curl -s -X POST \S+\/auth\/v1\/signup/);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const ready = await fetch(`${url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', pending_migrations: [] });
      expect(existsSync(join(dataDir, 'tripsage.lock'))).toBe(true);
      expect(await server.stop()).toBe(0);
      expect(out()).toMatch(/stopped/);
      expect(existsSync(join(dataDir, 'tripsage.lock'))).toBe(false);
    } finally {
      server.child.kill('SIGKILL'); // a no-op once it has exited; never leave it running
    }
  }, 120_000);
});

const pg = testBackends().find((b) => b.name === 'postgres');
if (pg) {
  describe('server mode as the authenticator role [postgres]', () => {
    it('a non-superuser login role serves users and service jobs through the per-request role switch', async () => {
      const h = await pg.clone();
      const url = new URL(h.url!);
      url.username = 'authenticator';
      const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
      try {
        const who = await db.query<{ u: string; su: boolean }>(`SELECT current_user AS u, usesuper AS su FROM pg_user WHERE usename = current_user`);
        expect(who.rows[0]).toEqual({ u: 'authenticator', su: false });
        // Outside a request the connection role itself can read nothing.
        await expect(db.query('SELECT * FROM public.trips')).rejects.toMatchObject({ sqlstate: '42501' });

        const t = await buildTestApp(db);
        const a = await makeUser(t, h.db);
        const ready = await t.app.inject({ method: 'GET', url: '/ready' });
        expect(ready.statusCode).toBe(200);
        const created = await t.app.inject({
          method: 'POST', url: '/api/v1/trips', headers: a.headers,
          payload: { name: 'Lisbon', start_date: '2026-05-01', end_date: '2026-05-05', destination: 'Lisbon', budget: '1000.10' },
        });
        expect(created.statusCode, created.body).toBe(201);
        expect(created.json()).toMatchObject({ user_id: a.id, budget: '1000.10' });
        const list = await t.app.inject({ method: 'GET', url: '/api/v1/trips', headers: a.headers });
        expect(list.json()).toHaveLength(1);
        const b = await makeUser(t, h.db);
        const other = await t.app.inject({ method: 'GET', url: '/api/v1/trips', headers: b.headers });
        expect(other.json()).toEqual([]);
        await t.app.close();
      } finally {
        await db.close();
        await h.db.close();
        await h.drop();
      }
    });
  });
}
