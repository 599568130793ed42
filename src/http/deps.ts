/**
 * What the app and every feature's routes are built from. Its own file, so feature routes need not
 * import the app that imports them.
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { LanguageModel } from 'ai';
import type { TokenService } from '../auth/tokens.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';

export interface AppDeps {
  config: Config;
  db: Database;
  tokens: TokenService;
  /** The process's pino logger, pino options, or false for none (tests). */
  logger?: FastifyServerOptions['logger'] | FastifyBaseLogger;
  /** The built web app served at `/` (default dist/web; none when it has not been built). */
  webDir?: string;
  /** The assistant's model instead of the configured provider (tests: the AI SDK's mock model). */
  languageModel?: LanguageModel;
}
