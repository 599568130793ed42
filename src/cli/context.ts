/**
 * What every CLI command shares: the global flags, the validated config, an open database.
 */
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { note, plural } from './output.ts';

export interface GlobalFlags {
  dataDir?: string;
  databaseUrl?: string;
  host?: string;
  port?: string;
}

export function configOf(cmd: Command): Config {
  return loadConfig(cmd.optsWithGlobals<GlobalFlags>());
}

export async function withDatabase<T>(config: Config, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, preparedStatements: config.pgPreparedStatements });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Opens the database with every pending migration applied (progress on stderr: stdout may be data). */
export async function withMigratedDatabase<T>(config: Config, fn: (db: Database) => Promise<T>): Promise<T> {
  return withDatabase(config, async (db) => {
    const r = await migrate(db, { features: { memory: config.memory } });
    if (r.applied.length) note(`applied ${plural(r.applied.length, 'pending migration')}`);
    return fn(db);
  });
}

/** Where a server started with this configuration listens, as this machine reaches it. */
export function serverUrl(config: Config): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}
