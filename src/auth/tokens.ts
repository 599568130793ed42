/**
 * Access tokens: JWTs with Supabase's claims, issued by the local identity service — HS256 with the
 * secret, or ES256 with a key published as a JWKS (TRIPSAGE_JWT_ALG) — or, in external mode,
 * issued by a Supabase project and verified here with its HS256 secret or its JWKS (ES256/RS256,
 * chosen by `kid`). Every token must carry `exp`; `exp`, `nbf` and `iat` are checked with 30 s of
 * clock skew, as PostgREST does; `alg: none` and any algorithm not configured are refused.
 *
 * The API keys (Supabase's `anon` key, printed by `tripsage serve` and `tripsage token --role
 * anon`) are HS256 tokens of the secret, as Supabase's legacy keys are, and deterministic: the same
 * secret always gives the same key (rotate the secret to rotate the key).
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.ts';
import type { Caller, DbRole } from '../db/transaction.ts';
import { invalidToken as unauthorized } from '../domain/errors.ts';
import { loadOrCreateSecretFile } from './secrets.ts';
import { loadSigningKey, SigningKeyError, type SigningKey } from './signing-keys.ts';

export const CLOCK_SKEW_SECONDS = 30;
const ROLES: readonly DbRole[] = ['anon', 'authenticated', 'service_role'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The API keys' fixed issue time (2025-01-01) and lifetime (20 years), so a secret gives one key. */
const API_KEY_IAT = 1_735_689_600;
const API_KEY_LIFETIME = 20 * 365 * 86_400;

export interface TokenService {
  readonly mode: Config['authMode'];
  /** Verifies a bearer token and returns who the request runs as; throws an `unauthenticated` DomainError. */
  callerFromToken(token: string): Promise<Caller>;
  /** Signs claims (local mode, or external with a shared HS256 secret), with the configured algorithm. */
  sign(claims: JWTPayload, expiresInSeconds: number): Promise<string>;
  /** Supabase's `anon` API key for this secret (HS256, deterministic). */
  anonKey(): Promise<string>;
  /** The public signing keys (JWKS): the ES256 key in local ES256 mode, none with HS256. */
  jwks(): { keys: JWK[] };
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
  const own = config.authMode === 'local' && config.jwtAlgorithm === 'ES256' ? ownSigningKey(config) : undefined;
  const issuer = config.jwtIssuer ?? `${config.publicUrl ?? `http://${config.host}:${config.port}`}/auth/v1`;
  const algorithms = [...(secret ? ['HS256'] : []), ...(jwks ? ['ES256', 'RS256'] : []), ...(own ? ['ES256'] : [])];

  async function verify(token: string): Promise<JWTPayload> {
    const opts = {
      algorithms,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['exp'],
      ...(config.authMode === 'external' && config.jwtIssuer ? { issuer: config.jwtIssuer } : {}),
    };
    const { alg, kid } = decodeHeader(token);
    if (alg === 'HS256' && secret) return (await jwtVerify(token, secret, opts)).payload;
    if (own && alg === 'ES256' && kid === own.kid) return (await jwtVerify(token, own.publicKey, opts)).payload;
    if (jwks && alg !== 'HS256') return (await jwtVerify(token, jwks, opts)).payload;
    throw unauthorized(`tokens signed with ${alg ?? 'no algorithm'}${kid ? ` (kid ${kid})` : ''} are not accepted`);
  }

  async function signWith(claims: JWTPayload, iat: number, exp: number, asymmetric: boolean): Promise<string> {
    const jwt = new SignJWT({ ...claims }).setIssuedAt(iat).setExpirationTime(exp);
    if (asymmetric && own) return jwt.setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: own.kid }).sign(own.privateKey);
    if (!secret) throw new TokenConfigError('no HS256 secret configured: tokens cannot be signed here');
    return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
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
        if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'exp') throw unauthorized('token has no expiry (exp claim)');
        if (e instanceof joseErrors.JOSEError) throw unauthorized(`invalid token: ${e.message}`);
        throw e;
      }
      const caller = callerFromClaims(claims, config.jwtAudience);
      cache.set(token, caller, claims.exp);
      return caller;
    },
    async sign(claims, expiresInSeconds) {
      const now = Math.floor(Date.now() / 1000);
      return signWith({ iss: issuer, ...claims }, now, now + expiresInSeconds, true);
    },
    anonKey: () => signWith({ iss: 'tripsage', role: 'anon' }, API_KEY_IAT, API_KEY_IAT + API_KEY_LIFETIME, false),
    jwks: () => ({ keys: own ? [own.publicJwk] : [] }),
  };
}

function ownSigningKey(config: Config): SigningKey {
  try {
    return loadSigningKey(config);
  } catch (e) {
    if (e instanceof SigningKeyError) throw new TokenConfigError(e.message);
    throw e;
  }
}

function decodeHeader(token: string): { alg?: string; kid?: string } {
  const part = token.split('.')[0] ?? '';
  try {
    const h = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown };
    return { alg: typeof h.alg === 'string' ? h.alg : undefined, kid: typeof h.kid === 'string' ? h.kid : undefined };
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
