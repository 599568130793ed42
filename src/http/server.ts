/**
 * The server's life: open the database, migrate, listen, and shut down gracefully (stop
 * accepting, finish in-flight requests, close the database so the embedded lock is released).
 */
import type { Config } from '../config.ts';
import { createTokenService } from '../auth/tokens.ts';
import { openDatabase } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { loadKeyRing } from '../keys/crypto.ts';
import { startJobScheduler } from '../ops/scheduler.ts';
import { buildApp, type App } from './app.ts';
import { webAppBuilt } from './static.ts';

export interface RunningServer {
  app: App;
  db: Database;
  url: string;
  /** Whether the web app is built and served at `/`. */
  webApp: boolean;
  close(): Promise<void>;
}

export interface StartOptions {
  migrate?: boolean;
  log?: (line: string) => void;
}

async function migrateAtStart(config: Config, db: Database, log: (l: string) => void): Promise<void> {
  const features = { memory: config.memory };
  if (config.migrationDatabaseUrl) {
    // The serving role (authenticator) cannot own schemas: migrate over the owner's connection.
    const owner = await openDatabase({ databaseUrl: config.migrationDatabaseUrl, poolSize: 1 });
    try {
      await migrate(owner, { features, log });
    } finally {
      await owner.close();
    }
  } else {
    await migrate(db, { features, log });
  }
}

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? (() => {});
  const tokens = createTokenService(config);
  loadKeyRing(config); // fail at start-up, not at the first key request
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (opts.migrate !== false) await migrateAtStart(config, db, (l) => log(`  ${l}`));
    const app = await buildApp({
      config,
      db,
      tokens,
      logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    });
    const address = await app.listen({ host: config.host, port: config.port });
    const jobs = config.jobs ? await startJobScheduler(db, { log, firstCheckAfterMs: config.jobsFirstCheckMs }) : undefined;
    let closing: Promise<void> | undefined;
    return {
      app,
      db,
      url: address,
      webApp: webAppBuilt(),
      close: () =>
        (closing ??= (async () => {
          await app.close();
          await jobs?.stop();
          await db.close();
        })()),
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
