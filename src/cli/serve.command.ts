import type { Command } from 'commander';
import { createTokenService, TokenConfigError } from '../auth/tokens.ts';
import type { Config } from '../config.ts';
import { startServer } from '../http/server.ts';
import { configOf } from './context.ts';
import { print } from './output.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('migrate the database and serve the API (HOST, PORT)')
    .option('--no-migrate', 'do not migrate at start-up')
    .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (env PORT, default 8787)')
    .action(async (opts: { migrate: boolean }, cmd: Command) => {
      const config = configOf(cmd);
      print(`database: ${config.databaseUrl ? 'PostgreSQL server' : `embedded, ${config.dataDir}`}; memory ${config.memory ? 'on' : 'off'}`);
      const server = await startServer(config, { migrate: opts.migrate, log: print });
      print(`TripSage API listening on ${server.url}`);
      if (server.webApp) print(`  app:    ${server.url}/   (open it in a browser)`);
      print(`  docs:   ${server.url}/docs   (OpenAPI: ${server.url}/openapi.json)`);
      print(`  health: ${server.url}/health, ready: ${server.url}/ready`);
      await printSupabaseKeys(config, server.url);
      const users = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.users').catch(() => undefined);
      if (users?.rows[0]?.n === 0 && config.authMode === 'local') {
        print('');
        print(server.webApp ? `No users yet. Sign up in the app at ${server.url}/, or create the first one:` : 'No users yet. Create the first one:');
        print(`  curl -s -X POST ${server.url}/auth/v1/signup -H 'content-type: application/json' \\`);
        print(`       -d '{"email":"you@example.com","password":"a-long-password"}'`);
      }
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        print(`${signal}: finishing in-flight requests and closing the database…`);
        await server.close();
        print('stopped');
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
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
