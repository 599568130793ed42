/**
 * Every database suite runs over every backend (kysely's style):
 *
 *   describeEachBackend('trips', (ctx) => { it('…', async () => { ctx.db … }) });
 *
 * Each describe block gets a fresh clone of the migrated template, closed afterwards.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { openDatabase } from '../../src/db/connect.ts';
import type { Backend, Database } from '../../src/db/database.ts';
import { withDatabaseName } from './global-setup.ts';

export interface BackendContext {
  readonly backend: Backend;
  /** Whether the memory feature (pgvector) is migrated on this backend. */
  readonly memory: boolean;
  readonly db: Database;
  /** URL of this clone (postgres only), for tests that open more connections or processes. */
  readonly url: string | null;
}

export interface Handle {
  db: Database;
  url: string | null;
  drop(): Promise<void>;
}

export interface TestBackend {
  name: Backend;
  memory: boolean;
  /** A clone of the migrated template. */
  clone(): Promise<Handle>;
  /** A new, empty, unmigrated database. */
  empty(): Promise<Handle>;
}

let templateBlob: Blob | undefined;

function pgliteBackend(): TestBackend {
  return {
    name: 'pglite',
    memory: true,
    async clone() {
      templateBlob ??= new Blob([readFileSync(inject('pgliteTemplate'))]);
      const db = await openDatabase({ loadDataDir: templateBlob });
      return { db, url: null, drop: async () => {} };
    },
    async empty() {
      return { db: await openDatabase({}), url: null, drop: async () => {} };
    },
  };
}

async function withAdmin<T>(adminUrl: string, fn: (admin: Database) => Promise<T>): Promise<T> {
  const admin = await openDatabase({ databaseUrl: adminUrl, poolSize: 1 });
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

async function createFrom(adminUrl: string, template: string): Promise<Handle> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, async (admin) => {
    // A just-closed connection to the template lingers a moment server-side (55006).
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (e) {
        if (attempt >= 50 || (e as { sqlstate?: string }).sqlstate !== '55006') throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  const url = withDatabaseName(adminUrl, name);
  const db = await openDatabase({ databaseUrl: url, poolSize: 5 });
  return {
    db,
    url,
    drop: () => withAdmin(adminUrl, async (a) => void (await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

function postgresBackend(templateUrl: string, adminUrl: string): TestBackend {
  const template = new URL(templateUrl).pathname.slice(1);
  return {
    name: 'postgres',
    memory: false,
    clone: () => createFrom(adminUrl, template),
    empty: () => createFrom(adminUrl, 'template1'),
  };
}

export function testBackends(): TestBackend[] {
  const list = [pgliteBackend()];
  const pgTemplate = inject('pgTemplateUrl');
  const pgAdmin = inject('pgAdminUrl');
  if (pgTemplate && pgAdmin) list.push(postgresBackend(pgTemplate, pgAdmin));
  return list;
}

/** `only`: a suite about something one backend alone has (e.g. a real login role on a server). */
export function describeEachBackend(title: string, fn: (ctx: BackendContext) => void, opts: { only?: Backend } = {}): void {
  for (const backend of testBackends().filter((b) => !opts.only || b.name === opts.only)) {
    describe(`${title} [${backend.name}]`, () => {
      const ctx = { backend: backend.name, memory: backend.memory } as {
        -readonly [K in keyof BackendContext]: BackendContext[K];
      };
      let drop: () => Promise<void> = async () => {};
      beforeAll(async () => {
        const c = await backend.clone();
        ctx.db = c.db;
        ctx.url = c.url;
        drop = c.drop;
      });
      afterAll(async () => {
        await ctx.db?.close();
        await drop();
      });
      fn(ctx);
    });
  }
}

/** A new identity (and, by trigger, its profile). Returns its auth.users id. */
export async function createUser(db: Database, email = `u-${randomUUID()}@example.test`): Promise<string> {
  const r = await db.query<{ id: string }>(`INSERT INTO auth.users (email) VALUES ($1) RETURNING id`, [email]);
  return r.rows[0]!.id;
}
