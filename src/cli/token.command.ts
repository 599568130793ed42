/**
 * `tripsage token`: prints an access token signed with the server's own secret (TRIPSAGE_JWT_SECRET,
 * or in embedded mode the `jwt-secret` file in the data directory), for scripts and curl:
 *
 *   tripsage token --role service_role
 *   tripsage token --role authenticated --email alice@example.com [--expires-in 3600]
 *
 * With --email the user id is read from auth.users. With --server URL, or when the embedded
 * database is held by a running server (DataDirLockedError, then the server on HOST:PORT), that
 * server is asked instead: GET /auth/v1/admin/users?email=… with a short-lived service token; the
 * command says on stderr which server it asked. A minted user token belongs to no session (no
 * `session_id`): it cannot be refreshed, and cannot change the user's email or password.
 *
 *   tripsage token --role anon        Supabase's anon key for this secret (the one `serve` prints)
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Config } from '../config.ts';
import { accessTokenClaims, toAuthUser, type AuthUser } from '../auth/gotrue-objects.ts';
import { findUserByEmail } from '../auth/auth.repo.ts';
import { createTokenService, TokenConfigError, type TokenService } from '../auth/tokens.ts';
import { DataDirLockedError } from '../db/data-dir.ts';
import { isDbError } from '../db/errors.ts';
import { asCaller, SERVICE } from '../db/transaction.ts';
import { configOf, serverUrl, withDatabase } from './context.ts';
import { CliError } from './errors.ts';
import { note, print } from './output.ts';

const MAX_EXPIRES_IN = 365 * 86_400;

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > MAX_EXPIRES_IN) {
    throw new InvalidArgumentError(`a whole number of seconds from 1 to ${MAX_EXPIRES_IN}`);
  }
  return n;
}

async function userFromDatabase(config: Config, email: string): Promise<AuthUser | undefined> {
  try {
    return await withDatabase(config, async (db) => {
      const row = await asCaller(db, SERVICE, (trx) => findUserByEmail(trx, email), { readOnly: true });
      return row && toAuthUser(row);
    });
  } catch (e) {
    if (isDbError(e, 'undefined_object')) {
      throw new CliError(`the database has no auth.users table yet: run \`tripsage db migrate\` first`);
    }
    throw e;
  }
}

/** An http(s) URL without a trailing slash. */
function serverOption(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new InvalidArgumentError('a URL such as http://127.0.0.1:8787');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidArgumentError('an http:// or https:// URL');
  return u.toString().replace(/\/+$/, '');
}

async function userFromServer(base: string, tokens: TokenService, email: string, why: string): Promise<AuthUser | undefined> {
  note(`looking ${email} up on the server at ${base} (${why})`);
  const service = await tokens.sign({ role: 'service_role' }, 60);
  let res: Response;
  try {
    res = await fetch(`${base}/auth/v1/admin/users?email=${encodeURIComponent(email)}`, {
      headers: { authorization: `Bearer ${service}` },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new CliError(`no server answered at ${base} (${(e as Error).message}): name the server with --server URL`);
  }
  if (!res.ok) {
    const body = await res.text();
    // GoTrue's admin API answers a token it cannot verify with 403 bad_jwt.
    const badToken = res.status === 401 || (res.status === 403 && body.includes('"bad_jwt"'));
    const secret = badToken ? ' (it does not accept tokens signed with this secret: set TRIPSAGE_JWT_SECRET to the server\'s)' : '';
    throw new CliError(`the server at ${base} refused the user lookup${secret}: HTTP ${res.status} ${body.slice(0, 300)}`);
  }
  const body = (await res.json()) as { users?: AuthUser[] };
  return body.users?.[0];
}

export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description("print an access token signed with the server's secret (for curl and scripts)")
    .addOption(new Option('--role <role>', 'the database role of the token').choices(['anon', 'service_role', 'authenticated']).makeOptionMandatory())
    .option('--email <email>', 'the user (required with --role authenticated)')
    .option('--expires-in <seconds>', 'lifetime in seconds', seconds, 3600)
    .option('--server <url>', 'with --email: look the user up on this running server (default: the database, or the server on HOST:PORT when a server holds the data directory)', serverOption)
    .action(async (opts: { role: 'anon' | 'service_role' | 'authenticated'; email?: string; expiresIn: number; server?: string }, cmd: Command) => {
      const config = configOf(cmd);
      let tokens: TokenService;
      try {
        tokens = createTokenService(config);
        if (config.authMode === 'external' && !config.jwtSecret) throw new TokenConfigError('no HS256 secret');
      } catch (e) {
        if (!(e instanceof TokenConfigError)) throw e;
        throw new CliError(
          config.authMode === 'external'
            ? 'external mode with a JWKS: tokens come from the Supabase project (sign in there, or use its service_role key)'
            : e.message,
        );
      }

      if (opts.role === 'anon') {
        if (opts.email || opts.server) throw new CliError('--email and --server apply to --role authenticated only');
        print(await tokens.anonKey());
        return;
      }
      if (opts.role === 'service_role') {
        if (opts.email || opts.server) throw new CliError('--email and --server apply to --role authenticated only');
        print(await tokens.sign({ role: 'service_role' }, opts.expiresIn));
        return;
      }

      const email = opts.email?.trim().toLowerCase();
      if (!email) throw new CliError('--role authenticated needs --email <email> (the user the token is for)');
      let user: AuthUser | undefined;
      if (opts.server) user = await userFromServer(opts.server, tokens, email, '--server');
      else {
        try {
          user = await userFromDatabase(config, email);
        } catch (e) {
          if (!(e instanceof DataDirLockedError)) throw e;
          user = await userFromServer(serverUrl(config), tokens, email, `it holds ${e.dataDir}; another server: --server URL`);
        }
      }
      if (!user) {
        throw new CliError(
          `no user with email ${email}; sign up first: POST /auth/v1/signup {"email": "${email}", "password": "…"}`,
        );
      }
      const claims = accessTokenClaims(user, undefined);
      print(await tokens.sign(claims, opts.expiresIn));
    });
}
