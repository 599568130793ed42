/**
 * Sign-up, anonymous sign-in, password sign-in and refresh: the identity service's ways into a
 * session (Supabase Auth / GoTrue-shaped). The SQL is in auth.repo.ts (service_role) and the
 * tripsage_auth functions (refresh).
 *
 * - Passwords: GoTrue's policy (passwords.ts), scrypt-hashed. Sign-up confirms the email at once,
 *   like GoTrue with autoconfirm (TRIPSAGE_AUTH_SIGNUP=off turns sign-ups off).
 * - Refresh tokens: 32 random bytes, stored as SHA-256, single use, rotated on every refresh;
 *   reuse of a spent one revokes the session (see tripsage_auth.refresh).
 * - Scrypt runs outside database transactions, so a sign-in never holds a connection while it
 *   hashes: sign-in reads as service_role, verifies, then writes in a second transaction that
 *   re-checks the verified hash (docs/architecture.md lists this exception).
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { isDbError } from '../db/errors.ts';
import type { RunTx } from '../db/transaction.ts';
import {
  anonymousDisabled,
  emailNotConfirmed,
  invalidCredentials,
  localAuthDisabled,
  signupDisabled,
  userAlreadyExists,
  validationFailed,
} from './auth.errors.ts';
import * as fns from './auth-functions.repo.ts';
import { failFor } from './auth-status.ts';
import * as repo from './auth.repo.ts';
import { sessionResponse, toAuthUser, type AuthSession } from './gotrue-objects.ts';
import { checkPasswordStrength, dummyVerify, hashPassword, verifyPassword } from './passwords.ts';
import type { TokenService } from './tokens.ts';

/** A spent refresh token presented again this soon is a race between two tabs, not theft. */
export const REFRESH_REUSE_SECONDS = 10;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
export const newRefreshToken = () => randomBytes(32).toString('base64url');

const emailFormat = z.email();
/** GoTrue's validateEmail (plus trimming): required, at most 255 characters, lower-cased. */
export function normalizeEmail(raw: string | undefined): string {
  const email = (raw ?? '').trim().toLowerCase();
  if (!email) throw validationFailed('An email address is required');
  if (email.length > 255) throw validationFailed('An email address is too long');
  if (!emailFormat.safeParse(email).success) throw validationFailed('Unable to validate email address: invalid format');
  return email;
}

export interface AuthServiceDeps {
  config: Config;
  tokens: TokenService;
}

export interface SignUpInput {
  email?: string;
  password?: string;
  data?: Record<string, unknown>;
}

export function createAuthService(deps: AuthServiceDeps) {
  const { config, tokens } = deps;
  const requireLocal = () => {
    if (tokens.mode !== 'local') throw localAuthDisabled();
  };
  // Derive the throwaway hash now, so the first unknown-email sign-in costs what later ones do.
  if (tokens.mode === 'local') void dummyVerify('warm-up').catch(() => {});

  /** A session for a verified password, if the identity still has the hash that was verified. */
  async function openPasswordSession(asService: RunTx, userId: string, verifiedHash: string): Promise<AuthSession | undefined> {
    const refresh = newRefreshToken();
    const started = await asService(async (trx) => {
      const session = await repo.startPasswordSession(trx, userId, verifiedHash, sha256(refresh));
      return session && { session, row: (await repo.findUserById(trx, userId))! };
    });
    return started && sessionResponse(deps, toAuthUser(started.row), started.session, refresh);
  }

  return {
    /** POST /signup with an email: a confirmed identity and its first session. */
    async signUp(asService: RunTx, input: SignUpInput): Promise<AuthSession> {
      requireLocal();
      if (!config.authSignup) throw signupDisabled();
      if (!input.password) throw validationFailed('Signup requires a valid password');
      checkPasswordStrength(input.password);
      const email = normalizeEmail(input.email);
      const encryptedPassword = await hashPassword(input.password);
      const refresh = newRefreshToken();
      try {
        const { row, session } = await asService(async (trx) => {
          if (await repo.findUserByEmail(trx, email)) throw userAlreadyExists();
          const created = await repo.insertUser(trx, {
            email,
            encryptedPassword,
            appMetadata: { provider: 'email', providers: ['email'] },
            userMetadata: input.data ?? {},
          });
          const session = await repo.startSession(trx, created.id, 'password', sha256(refresh));
          return { row: (await repo.findUserById(trx, created.id))!, session };
        });
        return await sessionResponse(deps, toAuthUser(row), session, refresh);
      } catch (e) {
        // Two sign-ups racing for one email: the unique index decides.
        if (isDbError(e, 'unique')) throw userAlreadyExists();
        throw e;
      }
    },

    /** POST /signup without email or phone: an anonymous identity (GoTrue's signInAnonymously). */
    async signUpAnonymously(asService: RunTx, data: Record<string, unknown> | undefined): Promise<AuthSession> {
      requireLocal();
      if (!config.authAnonymous) throw anonymousDisabled();
      if (!config.authSignup) throw signupDisabled();
      const refresh = newRefreshToken();
      const { row, session } = await asService(async (trx) => {
        const created = await repo.insertUser(trx, { email: null, encryptedPassword: null, appMetadata: {}, userMetadata: data ?? {} });
        const session = await repo.startSession(trx, created.id, 'anonymous', sha256(refresh));
        return { row: (await repo.findUserById(trx, created.id))!, session };
      });
      return sessionResponse(deps, toAuthUser(row), session, refresh);
    },

    async signInWithPassword(asService: RunTx, rawEmail: string | undefined, password: string | undefined): Promise<AuthSession> {
      requireLocal();
      if (!rawEmail) throw validationFailed('missing email or phone');
      const email = rawEmail.trim().toLowerCase();
      const found = await asService((trx) => repo.findUserByEmail(trx, email));
      const hash = found?.encrypted_password;
      const ok = hash && password ? await verifyPassword(password, hash) : await dummyVerify(password ?? '');
      if (!found || !hash || !ok) throw invalidCredentials();
      if (!found.email_confirmed_at) throw emailNotConfirmed();
      const session = await openPasswordSession(asService, found.id, hash);
      if (!session) throw invalidCredentials();
      return session;
    },

    /** POST /token?grant_type=refresh_token: as anon; the token itself is the credential. */
    async refresh(asAnon: RunTx, refreshToken: string | undefined): Promise<AuthSession> {
      requireLocal();
      if (!refreshToken || refreshToken.length < 12) throw validationFailed('Refresh token is not valid');
      const next = newRefreshToken();
      const r = await asAnon((trx) => fns.refresh(trx, sha256(refreshToken), sha256(next), REFRESH_REUSE_SECONDS));
      if (r.status !== 'ok') failFor(r.status, config);
      return sessionResponse(deps, toAuthUser(r), { id: r.session_id!, method: r.session_method!, created_at: r.session_created_at! }, next);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
