import { describe, it, expect } from 'vitest';
import net from 'node:net';
import pg from 'pg';
import { findPgBinaries, startPgCluster } from './pg-cluster.ts';

const external = Boolean(process.env.TEST_DATABASE_URL);
const isCI = process.env.CI === 'true';
const bins = findPgBinaries();
const skip = !external && bins === null && !isCI;
const skipReason =
  'skipped: PostgreSQL binaries not found and TEST_DATABASE_URL unset (apt-get install -y postgresql-15; under CI=true this fails)';

if (skip) console.warn(`[pg-cluster.test] ${skipReason}`);

/** Resolves true if something accepts TCP connections on 127.0.0.1:port. */
function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.setTimeout(2_000);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(false));
  });
}

describe('pg-cluster harness', () => {
  it.skipIf(skip)(
    skip ? `starts a throwaway PostgreSQL cluster (${skipReason})` : 'starts a throwaway PostgreSQL cluster',
    async () => {
      const logs: string[] = [];
      const cluster = await startPgCluster({ log: (m) => logs.push(m) });
      const port = Number(new URL(cluster.url).port || 5432);
      let stopped = false;
      try {
        const client = new pg.Client({ connectionString: cluster.url });
        await client.connect();
        try {
          const { rows } = await client.query<{ version: string }>('select version()');
          const version = rows[0]?.version ?? '';
          const major = Number(/^PostgreSQL (\d+)/.exec(version)?.[1] ?? 0);
          expect(version).toMatch(/^PostgreSQL \d+/);
          expect(major).toBeGreaterThanOrEqual(15);

          const ext = await client.query<{ name: string }>(
            `select name from pg_available_extensions
              where name in ('citext', 'uuid-ossp', 'pg_stat_statements') order by name`,
          );
          expect(ext.rows.map((r) => r.name)).toEqual(['citext', 'pg_stat_statements', 'uuid-ossp']);

          if (!external) {
            const spl = await client.query<{ shared_preload_libraries: string }>('show shared_preload_libraries');
            expect(spl.rows[0]?.shared_preload_libraries).toContain('pg_stat_statements');
            const mc = await client.query<{ max_connections: string }>('show max_connections');
            expect(mc.rows[0]?.max_connections).toBe('200');
          }
        } finally {
          await client.end();
        }

        await cluster.stop();
        stopped = true;
        await cluster.stop(); // idempotent

        if (!external) {
          expect(await portAccepts(port)).toBe(false);
          const after = new pg.Client({ connectionString: cluster.url, connectionTimeoutMillis: 3_000 });
          await expect(after.connect()).rejects.toThrow();
        }
      } finally {
        if (!stopped) await cluster.stop();
        if (logs.length > 0) console.log(`[pg-cluster] ${logs.join('; ')}`);
      }
    },
    60_000,
  );
});
