/**
 * Access tokens: HS256 JWTs with Supabase's claims, issued by the local identity service, or —
 * in external mode — issued by a Supabase project and verified here with its HS256 secret or its
 * JWKS (ES256/RS256, chosen by `kid`). `exp`, `nbf` and `iat` are checked with 30 s of clock
 * skew, as PostgREST does; `alg: none` and any algorithm not configured are refused.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.ts';
import type { Caller, DbRole } from '../db/transaction.ts';
import { invalidToken as unauthorized } from '../domain/errors.ts';
import { loadOrCreateSecretFile } from './secrets.ts';

export const CLOCK_SKEW_SECONDS = 30;
const ROLES: readonly DbRole[] = ['anon', 'authenticated', 'service_role'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenService {
  readonly mode: Config['authMode'];
  /** Verifies a bearer token and returns who the request runs as; throws an `unauthenticated` DomainError. */
  callerFromToken(token: string): Promise<Caller>;
  /** Signs claims (local mode, or external with a shared HS256 secret). */
  sign(claims: JWTPayload, expiresInSeconds: number): Promise<string>;
  readonly issuer: string;
}

export class TokenConfigError extends Error {}

/** Where the signing secret comes from: configuration, or generated into the data directory. */
export function resolveJwtSecret(config: Config): string | undefined {
  if (config.jwtSecret) return config.jwtSecret;
  if (config.authMode === 'external') return undefined;
  if (config.databaseUrl) {
    throw new TokenConfigError(
      'TRIPSAGE_JWT_SECRET (or TRIPSAGE_JWT_SECRET_FILE) is required with DATABASE_URL: every server ' +
        'instance must sign and verify with the same secret (at least 32 characters, e.g. `openssl rand -base64 48`)',
    );
  }
  return loadOrCreateSecretFile(config.dataDir, 'jwt-secret');
}

export function createTokenService(config: Config, secretText = resolveJwtSecret(config)): TokenService {
  const secret = secretText ? new TextEncoder().encode(secretText) : undefined;
  const jwks: JWTVerifyGetKey | undefined = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  const issuer = config.jwtIssuer ?? `${config.publicUrl ?? `http://${config.host}:${config.port}`}/auth/v1`;
  const algorithms = [...(secret ? ['HS256'] : []), ...(jwks ? ['ES256', 'RS256'] : [])];

  async function verify(token: string): Promise<JWTPayload> {
    const opts = { algorithms, clockTolerance: CLOCK_SKEW_SECONDS, ...(config.authMode === 'external' && config.jwtIssuer ? { issuer: config.jwtIssuer } : {}) };
    const header = decodeHeaderAlg(token);
    if (header === 'HS256' && secret) return (await jwtVerify(token, secret, opts)).payload;
    if (jwks && header !== 'HS256') return (await jwtVerify(token, jwks, opts)).payload;
    throw unauthorized(`tokens signed with ${header ?? 'no algorithm'} are not accepted`);
  }

  const cache = new VerifiedTokenCache();
  return {
    mode: config.authMode,
    issuer,
    async callerFromToken(token) {
      const hit = cache.get(token);
      if (hit) return hit;
      let claims: JWTPayload;
      try {
        claims = await verify(token);
      } catch (e) {
        if (e instanceof joseErrors.JWTExpired) throw unauthorized('token expired');
        if (e instanceof joseErrors.JOSEError) throw unauthorized(`invalid token: ${e.message}`);
        throw e;
      }
      const caller = callerFromClaims(claims, config.jwtAudience);
      cache.set(token, caller, claims.exp);
      return caller;
    },
    async sign(claims, expiresInSeconds) {
      if (!secret) throw new TokenConfigError('no HS256 secret configured: tokens cannot be signed here');
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + expiresInSeconds)
        .sign(secret);
    },
  };
}

function decodeHeaderAlg(token: string): string | undefined {
  const part = token.split('.')[0] ?? '';
  try {
    const h = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof h.alg === 'string' ? h.alg : undefined;
  } catch {
    throw unauthorized('malformed token');
  }
}

/** Audience is required of user tokens; a service token may omit it (Supabase's service key does). */
export function callerFromClaims(claims: JWTPayload, audience: string): Caller {
  const role = claims.role;
  if (typeof role !== 'string' || !ROLES.includes(role as DbRole)) {
    throw unauthorized(`token role ${JSON.stringify(role)} is not one of ${ROLES.join(', ')}`);
  }
  const aud = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if ((role === 'authenticated' || aud.length > 0) && !aud.includes(audience)) {
    throw unauthorized(`token audience must be "${audience}"`);
  }
  if (role === 'authenticated' && (typeof claims.sub !== 'string' || !UUID.test(claims.sub))) {
    throw unauthorized('a user token needs a uuid `sub`');
  }
  return { role: role as DbRole, claims: claims as Record<string, unknown> };
}

/**
 * Verified tokens, so a client's repeated requests skip the signature check (the profile showed
 * it as the largest cost of a request outside the database). Keyed by the whole token, signature
 * included, so a tampered token never hits; an entry lives until the token's `exp` but at most
 * five minutes, and the oldest entries go first beyond 10,000.
 */
class VerifiedTokenCache {
  private readonly entries = new Map<string, { caller: Caller; until: number }>();
  constructor(private readonly max = 10_000, private readonly ttlMs = 300_000) {}

  get(token: string): Caller | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    if (Date.now() >= e.until) {
      this.entries.delete(token);
      return undefined;
    }
    return e.caller;
  }

  set(token: string, caller: Caller, exp: number | undefined): void {
    const until = Math.min(Date.now() + this.ttlMs, exp === undefined ? Infinity : exp * 1000);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { caller, until });
  }
}
