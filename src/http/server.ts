/**
 * The server's life: open the database, migrate, listen, and shut down gracefully (stop
 * accepting, finish in-flight requests, close the database so the embedded lock is released).
 * Everything it has to say goes through the process's one pino logger.
 */
import pino, { type Logger } from 'pino';
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
  /** The process's logger (Fastify's, the migrations', the jobs', the pool's); none by default. */
  logger?: Logger;
}

/** The one logger of a server process. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel });
}

/** Start-up migration, over the schema owner's connection when the server connects as `authenticator`. */
export async function migrateAtStart(config: Config, db: Database | undefined, logger: Logger): Promise<void> {
  const features = { memory: config.memory };
  const log = (line: string) => logger.info({ phase: 'migrate' }, line);
  const url = config.migrationDatabaseUrl ?? (db ? undefined : config.databaseUrl);
  if (!url) return void (await migrate(db!, { features, log }));
  const owner = await openDatabase({ databaseUrl: url, poolSize: 1, logger });
  try {
    await migrate(owner, { features, log });
  } finally {
    await owner.close();
  }
}

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const tokens = createTokenService(config);
  loadKeyRing(config); // fail at start-up, not at the first key request
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, preparedStatements: config.pgPreparedStatements, logger });
  try {
    if (opts.migrate !== false) await migrateAtStart(config, db, logger);
    const app = await buildApp({ config, db, tokens, logger: opts.logger ?? false });
    const address = await app.listen({ host: config.host, port: config.port });
    const jobs = config.jobs
      ? await startJobScheduler(db, { log: (line) => logger.info({ phase: 'jobs' }, line), firstCheckAfterMs: config.jobsFirstCheckMs })
      : undefined;
    let closing: Promise<void> | undefined;
    return {
      app,
      db,
      url: address,
      webApp: webAppBuilt(),
      close: () =>
        (closing ??= (async () => {
          logger.info('shutting down: finishing in-flight requests, then closing the database');
          await app.close();
          await jobs?.stop();
          await db.close();
          logger.info('stopped');
        })()),
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
