/**
 * Migrates each backend once into a template; test files then clone it (CREATE DATABASE …
 * TEMPLATE on the server, a dumped data directory for PGlite) instead of sharing state.
 *
 * Native PostgreSQL: a throwaway cluster from the machine's binaries, or TEST_DATABASE_URL. It
 * has no pgvector here, so it is migrated with TRIPSAGE_MEMORY=off. Under CI=true a missing
 * server fails the run; elsewhere the native suite is skipped with a warning.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { sourceHash } from '../../bin/source-hash.js';
import { openDatabase } from '../../src/db/connect.ts';
import { migrate } from '../../src/db/migrate.ts';
import { findPgBinaries, PG_NOT_FOUND_MESSAGE, startPgCluster, type PgCluster } from './pg-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplateUrl: string | null;
    pgAdminUrl: string | null;
  }
}

export const TEMPLATE_DB = 'tripsage_template';

async function pgliteTemplate(): Promise<string> {
  const db = await openDatabase({});
  try {
    await migrate(db);
    const pglite = (db as unknown as { pglite: { dumpDataDir(c: 'none'): Promise<Blob> } }).pglite;
    const blob = await pglite.dumpDataDir('none');
    const file = join(mkdtempSync(join(tmpdir(), 'tripsage-template-')), 'pgdata.tar');
    writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
    return file;
  } finally {
    await db.close();
  }
}

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function pgTemplate(adminUrl: string): Promise<string> {
  const admin = await openDatabase({ databaseUrl: adminUrl, poolSize: 1 });
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.close();
  }
  const url = withDatabaseName(adminUrl, TEMPLATE_DB);
  const db = await openDatabase({ databaseUrl: url, poolSize: 1 });
  try {
    await migrate(db, { features: { memory: false } });
  } finally {
    await db.close();
  }
  return url;
}

/**
 * Process-level tests run the installed command (bin/tripsage.js), which runs only the build made
 * from the current sources: build first when src/ changed since (a type error stops the run here).
 */
async function freshBuild(): Promise<void> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const stamp = (() => {
    try {
      return JSON.parse(readFileSync(join(root, 'dist/.build-stamp'), 'utf8')) as { sources?: string };
    } catch {
      return {};
    }
  })();
  if (stamp.sources === sourceHash(join(root, 'src'))) return;
  try {
    await promisify(execFile)(process.execPath, [join(root, 'scripts/build.js')], { cwd: root });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed, so the command-line tests cannot run:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

export default async function setup(project: TestProject) {
  const ci = process.env.CI === 'true';
  let cluster: PgCluster | undefined;
  const [pgliteFile, , pg] = await Promise.all([
    pgliteTemplate(),
    freshBuild(),
    (async () => {
      if (!process.env.TEST_DATABASE_URL && !findPgBinaries()) {
        if (ci) throw new Error(`CI=true requires the native PostgreSQL suite: ${PG_NOT_FOUND_MESSAGE}`);
        console.warn(`\n[tripsage] native PostgreSQL suite SKIPPED: ${PG_NOT_FOUND_MESSAGE}\n`);
        return null;
      }
      cluster = await startPgCluster();
      return { admin: cluster.url, template: await pgTemplate(cluster.url) };
    })(),
  ]);
  project.provide('pgliteTemplate', pgliteFile);
  project.provide('pgTemplateUrl', pg?.template ?? null);
  project.provide('pgAdminUrl', pg?.admin ?? null);
  return async () => {
    await cluster?.stop();
  };
}
