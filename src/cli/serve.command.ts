import cluster from 'node:cluster';
import type { Command } from 'commander';
import { createTokenService, TokenConfigError } from '../auth/tokens.ts';
import type { Config } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import { createLogger, migrateAtStart, startServer } from '../http/server.ts';
import { webAppBuilt } from '../http/static.ts';
import { configOf } from './context.ts';
import { print } from './output.ts';
import { onStopSignal, serveAsWorker, startWorkers, workerCount } from './serve-cluster.ts';

/** What a person starting the server reads (log lines go to the logger). */
async function banner(url: string, config: Config, db: Database): Promise<void> {
  const webApp = webAppBuilt();
  print(`TripSage API listening on ${url}`);
  if (webApp) print(`  app:    ${url}/   (open it in a browser)`);
  print(`  docs:   ${url}/docs   (OpenAPI: ${url}/openapi.json)`);
  print(`  health: ${url}/health, ready: ${url}/ready`);
  await printSupabaseKeys(config, url);
  const users = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.users').catch(() => undefined);
  if (users?.rows[0]?.n === 0 && config.authMode === 'local') {
    print('');
    print(webApp ? `No users yet. Sign up in the app at ${url}/, or create the first one:` : 'No users yet. Create the first one:');
    print(`  curl -s -X POST ${url}/auth/v1/signup -H 'content-type: application/json' \\`);
    print(`       -d '{"email":"you@example.com","password":"a-long-password"}'`);
  }
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('migrate the database and serve the API (HOST, PORT)')
    .option('--no-migrate', 'do not migrate at start-up')
    .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (env PORT, default 8787)')
    .option('--workers <n>', 'HTTP processes sharing the port, each with its own pool (server mode; default: one per CPU core)')
    .action(async (opts: { migrate: boolean; workers?: string }, cmd: Command) => {
      const config = configOf(cmd);
      const logger = createLogger(config);
      if (cluster.isWorker) return serveAsWorker(config, logger);
      const workers = workerCount(opts.workers, config, logger);
      print(`database: ${config.databaseUrl ? 'PostgreSQL server' : `embedded, ${config.dataDir}`}; memory ${config.memory ? 'on' : 'off'}${workers > 1 ? `; ${workers} HTTP processes` : ''}`);
      if (workers === 1) {
        const server = await startServer(config, { migrate: opts.migrate, logger });
        await banner(server.url, config, server.db);
        onStopSignal(async () => {
          await server.close();
          print('stopped');
        });
        return;
      }
      if (opts.migrate) await migrateAtStart(config, undefined, logger);
      const url = await startWorkers(workers, logger);
      const db = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: 1, logger });
      try {
        await banner(url, config, db);
      } finally {
        await db.close();
      }
    });
}

/** What a supabase-js app needs (createClient(url, anonKey)), as Supabase's own CLI prints it. */
async function printSupabaseKeys(config: Config, url: string): Promise<void> {
  try {
    const anonKey = await createTokenService(config).anonKey();
    print(`  supabase-js: createClient('${url}', anon key)   (docs/supabase.md)`);
    print(`  anon key: ${anonKey}`);
  } catch (e) {
    // External mode with a JWKS only: the Supabase project's own anon key applies.
    if (!(e instanceof TokenConfigError)) throw e;
  }
}
