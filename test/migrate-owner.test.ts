/**
 * An operator on their own PostgreSQL, migrating as the database owner who is not a superuser
 * (what managed platforms give): the roles need a superuser once — the error says exactly what
 * to run, and running exactly that is enough; pg_stat_statements is optional (its monitoring view
 * is simply absent); an extension only a superuser may create is refused before anything is
 * applied, with the statements to run. A cluster of its own: roles are cluster-wide.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import type { Database } from '../src/db/database.ts';
import { migrate, migrationStatus } from '../src/db/migrate.ts';
import { asCaller, userCaller } from '../src/db/transaction.ts';
import { findPgBinaries, startPgCluster, type PgCluster } from './harness/pg-cluster.ts';
import { withDatabaseName } from './harness/global-setup.ts';

const SLOW = 600_000; // a cluster of its own on a busy machine: a cap, not an expectation

function as(url: string, user: string, password: string, database?: string): string {
  const u = new URL(database ? withDatabaseName(url, database) : url);
  u.username = user;
  u.password = password;
  return u.toString();
}

async function run<T>(url: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ databaseUrl: url, poolSize: 1 });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describe.runIf(!!findPgBinaries() || !!process.env.TEST_DATABASE_URL)('migrating as a database owner who is not a superuser [postgres]', () => {
  let cluster: PgCluster;
  let owner: string;
  beforeAll(async () => {
    cluster = await startPgCluster({ own: true });
    // What docs/operations.md has the superuser run first: the owner and its database.
    await run(cluster.url, async (su) => {
      await su.query(`CREATE ROLE tripsage_owner LOGIN PASSWORD 'owner-pw'`);
      await su.query(`CREATE DATABASE tripsage OWNER tripsage_owner`);
    });
    owner = as(cluster.url, 'tripsage_owner', 'owner-pw', 'tripsage');
  }, SLOW);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('says exactly what a superuser must run once; after exactly that, migrate succeeds without pg_stat_statements', async () => {
    const err = await run(owner, (db) => migrate(db, { features: { memory: false } })).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const m = /Run once, as a superuser: (.*) then migrate again/.exec((err as Error).message);
    expect(m, (err as Error).message).not.toBeNull();
    expect(m![1]).toContain('CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;');
    expect(m![1]).toContain('GRANT service_role TO authenticator;');
    // Nothing was applied.
    expect((await run(owner, (db) => migrationStatus(db))).applied).toEqual([]);

    await run(cluster.url, (su) => su.query(m![1]!));
    await run(cluster.url, (su) => su.query(`ALTER ROLE authenticator PASSWORD 'auth-pw'`));
    const r = await run(owner, (db) => migrate(db, { features: { memory: false } }));
    expect(r.applied.length).toBeGreaterThan(5);
    await run(owner, async (db) => {
      const v = await db.query<{ sizes: string | null; slow: string | null; ext: boolean }>(
        `SELECT to_regclass('public.table_sizes')::text AS sizes, to_regclass('public.slow_queries')::text AS slow,
                EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS ext`);
      expect(v.rows[0]).toEqual({ sizes: 'table_sizes', slow: null, ext: false }); // monitoring degrades, nothing fails
      expect((await migrationStatus(db)).pending).toEqual([]);
    });

    // The API's login role serves a user's request through the per-request role switch.
    await run(as(cluster.url, 'authenticator', 'auth-pw', 'tripsage'), async (api) => {
      const uid = await run(owner, async (db) => (await db.query<{ id: string }>(`INSERT INTO auth.users (email) VALUES ('o@example.test') RETURNING id`)).rows[0]!.id);
      const trips = await asCaller(api, userCaller(uid), (trx) =>
        trx.insertInto('trips').values({ user_id: uid, name: 'Owned', start_date: '2026-05-01', end_date: '2026-05-02', destination: 'X', budget: '1' }).returning('id').execute());
      expect(trips).toHaveLength(1);
    });
  }, SLOW);

  it('a file needing an extension only a superuser may create is refused before anything is applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tripsage-migrations-'));
    writeFileSync(join(dir, '000001_first.sql'), 'CREATE TABLE public.before_extension (id int);\n');
    writeFileSync(join(dir, '000002_needs_stats.sql'), '-- tripsage:requires-extension pg_stat_statements\nSELECT 1;\n');
    await run(cluster.url, (su) => su.query(`CREATE DATABASE extcheck OWNER tripsage_owner`));
    const target = as(cluster.url, 'tripsage_owner', 'owner-pw', 'extcheck');
    const err = await run(target, (db) => migrate(db, { dir })).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /000002_needs_stats\.sql needs the PostgreSQL extension "pg_stat_statements", and only a superuser may create it \(tripsage_owner is not one\)\. Run once, as a superuser, in database extcheck: CREATE SCHEMA IF NOT EXISTS extensions AUTHORIZATION tripsage_owner; CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA extensions;/,
    );
    expect(await run(target, async (db) => (await db.query<{ t: string | null }>(`SELECT to_regclass('public.before_extension')::text AS t`)).rows[0]!.t)).toBeNull();
  }, SLOW);
});
