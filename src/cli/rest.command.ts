/**
 * `tripsage rest reload`: asks the running server to read the catalog again for /rest/v1 (after
 * a schema change made outside it, e.g. migrations run against the same PostgreSQL), with a
 * short-lived service_role token signed with the server's secret.
 */
import type { Command } from 'commander';
import { createTokenService, TokenConfigError } from '../auth/tokens.ts';
import { configOf, serverUrl } from './context.ts';
import { CliError } from './errors.ts';
import { print } from './output.ts';

export function registerRestCommands(program: Command): void {
  const rest = program.command('rest').description('the PostgREST-compatible data API (/rest/v1)');
  rest
    .command('reload')
    .description('reload the running server\'s /rest/v1 schema cache (tables, columns, keys, functions)')
    .option('--url <url>', 'the server (default: http://HOST:PORT)')
    .action(async (opts: { url?: string }, cmd: Command) => {
      const config = configOf(cmd);
      let token: string;
      try {
        token = await createTokenService(config).sign({ role: 'service_role' }, 60);
      } catch (e) {
        if (e instanceof TokenConfigError) throw new CliError(e.message);
        throw e;
      }
      const base = opts.url ?? serverUrl(config);
      let res: Response;
      try {
        res = await fetch(`${base}/api/v1/admin/rest/reload`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(30_000),
        });
      } catch (e) {
        throw new CliError(`no server answered at ${base} (${(e as Error).message}); pass --url, or the server's HOST/PORT`);
      }
      const body = await res.text();
      if (!res.ok) throw new CliError(`the server at ${base} refused the reload: HTTP ${res.status} ${body.slice(0, 300)}`);
      const r = JSON.parse(body) as { tables: number; functions: number; schemas: string[] };
      print(`schema cache reloaded: ${r.tables} tables and views, ${r.functions} functions in ${r.schemas.join(', ')}`);
    });
}
