/**
 * What every CLI command shares: the global flags, the validated config, an open database.
 */
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import type { Database } from '../db/database.ts';

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
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** A failure the user can act on: printed without a stack trace, exit code 1 (or as given). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}
