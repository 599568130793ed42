/**
 * The built-in identity service (Supabase Auth / GoTrue-shaped): sign-up, password and
 * refresh-token grants, the current user, updates and logout. The rules live here; the SQL is in
 * `auth.repo.ts` and runs in one transaction as `service_role` per step.
 *
 * - Passwords: 8 to 72 characters, scrypt-hashed (`passwords.ts`). Sign-up confirms the email at
 *   once (`email_confirmed_at = now()`): TripSage sends no email, like GoTrue with autoconfirm.
 * - Access tokens: HS256 JWTs with Supabase's claims, valid `config.jwtExpirySeconds`; stateless:
 *   logout or revocation does not shorten a token already issued, only its refresh.
 * - Refresh tokens: 32 random bytes, stored as SHA-256, single use. Each refresh marks the
 *   presented token used and issues the next one for the same session. Presenting a used token
 *   again is treated as theft: the whole session is revoked (`refresh_token_reuse`).
 * - Scrypt runs outside database transactions, so a sign-in never holds a connection while hashing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { isDbError } from '../db/errors.ts';
import { asCaller, SERVICE } from '../db/transaction.ts';
import { emailExists, emailNotConfirmed, invalidCredentials, invalidGrant, localAuthDisabled, samePassword, userAlreadyExists, userNotFound } from './auth.errors.ts';
import * as repo from './auth.repo.ts';
import type { AuthUserRow } from './auth.repo.ts';
import { dummyVerify, hashPassword, verifyPassword } from './passwords.ts';
import type { TokenService } from './tokens.ts';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 72;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user object of GoTrue's API. */
export interface AuthUser {
  id: string;
  aud: string;
  role: string;
  email: string;
  email_confirmed_at: string | null;
  phone: string;
  last_sign_in_at: string | null;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  identities: never[];
  created_at: string | null;
  updated_at: string | null;
  is_anonymous: boolean;
}

export interface AuthSession {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: AuthUser;
}

export interface AmrEntry {
  method: string;
  timestamp: number;
}

// ---- shapes -----------------------------------------------------------------------------------

const asObject = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function toAuthUser(row: AuthUserRow): AuthUser {
  return {
    id: row.id,
    aud: row.aud ?? 'authenticated',
    role: row.role ?? 'authenticated',
    email: row.email ?? '',
    email_confirmed_at: row.email_confirmed_at,
    phone: '',
    last_sign_in_at: row.last_sign_in_at,
    app_metadata: asObject(row.raw_app_meta_data),
    user_metadata: asObject(row.raw_user_meta_data),
    identities: [],
    created_at: row.created_at,
    updated_at: row.updated_at,
    is_anonymous: row.is_anonymous,
  };
}

/** The user object as far as a verified token's claims tell it (external mode). */
export function userFromClaims(claims: Record<string, unknown>): AuthUser {
  const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string) : '');
  return {
    id: str('sub'),
    aud: Array.isArray(claims.aud) ? String(claims.aud[0] ?? 'authenticated') : str('aud') || 'authenticated',
    role: str('role') || 'authenticated',
    email: str('email'),
    email_confirmed_at: null,
    phone: str('phone'),
    last_sign_in_at: null,
    app_metadata: asObject(claims.app_metadata),
    user_metadata: asObject(claims.user_metadata),
    identities: [],
    created_at: null,
    updated_at: null,
    is_anonymous: claims.is_anonymous === true,
  };
}

/** Supabase's access-token claims for a user (iss, iat and exp are added when signing). */
export function accessTokenClaims(user: AuthUser, sessionId: string, amr: AmrEntry[]): Record<string, unknown> {
  return {
    sub: user.id,
    role: 'authenticated',
    aud: 'authenticated',
    email: user.email,
    phone: '',
    aal: 'aal1',
    amr,
    session_id: sessionId,
    is_anonymous: false,
    app_metadata: user.app_metadata,
    user_metadata: user.user_metadata,
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const newRefreshToken = () => randomBytes(32).toString('base64url');
const epoch = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

// ---- the service ------------------------------------------------------------------------------

export interface AuthServiceDeps {
  config: Config;
  db: Database;
  tokens: TokenService;
}

export interface SignUpInput {
  email: string;
  password: string;
  data?: Record<string, unknown>;
}

export interface UpdateUserInput {
  email?: string;
  password?: string;
  data?: Record<string, unknown>;
}

export type LogoutScope = 'local' | 'global' | 'others';

export function createAuthService({ config, db, tokens }: AuthServiceDeps) {
  const local = tokens.mode === 'local';
  const requireLocal = () => {
    if (!local) throw localAuthDisabled();
  };
  // Derive the throwaway hash now, so the first unknown-email sign-in costs what later ones do.
  if (local) void dummyVerify('warm-up').catch(() => {});

  async function issue(row: AuthUserRow, session: repo.SessionRow, refreshToken: string): Promise<AuthSession> {
    const user = toAuthUser(row);
    const amr: AmrEntry[] = [{ method: 'password', timestamp: epoch(session.created_at) }];
    const access = await tokens.sign(accessTokenClaims(user, session.id, amr), config.jwtExpirySeconds);
    const exp = decodeJwt(access).exp!;
    return {
      access_token: access,
      token_type: 'bearer',
      expires_in: config.jwtExpirySeconds,
      expires_at: exp,
      refresh_token: refreshToken,
      user,
    };
  }

  /** A new session with its first refresh token, in the caller's transaction. */
  async function startSession(trx: Parameters<typeof repo.createSession>[0], userId: string) {
    const session = await repo.createSession(trx, userId);
    const refresh = newRefreshToken();
    await repo.insertRefreshToken(trx, sha256(refresh), session.id);
    return { session, refresh };
  }

  return {
    async signUp(input: SignUpInput): Promise<AuthSession> {
      requireLocal();
      const encryptedPassword = await hashPassword(input.password);
      try {
        const { row, session, refresh } = await asCaller(db, SERVICE, async (trx) => {
          if (await repo.findUserByEmail(trx, input.email)) throw userAlreadyExists();
          const created = await repo.insertUser(trx, {
            email: input.email,
            encryptedPassword,
            appMetadata: { provider: 'email', providers: ['email'] },
            userMetadata: input.data ?? {},
          });
          const row = (await repo.touchLastSignIn(trx, created.id))!;
          return { row, ...(await startSession(trx, row.id)) };
        });
        return await issue(row, session, refresh);
      } catch (e) {
        // Two sign-ups racing for one email: the unique index decides.
        if (isDbError(e, 'unique')) throw userAlreadyExists();
        throw e;
      }
    },

    async signInWithPassword(email: string, password: string): Promise<AuthSession> {
      requireLocal();
      const found = await asCaller(db, SERVICE, (trx) => repo.findUserByEmail(trx, email), { readOnly: true });
      const ok = found?.encrypted_password ? await verifyPassword(password, found.encrypted_password) : await dummyVerify(password);
      if (!found || !ok) throw invalidCredentials();
      if (!found.email_confirmed_at) throw emailNotConfirmed();
      const result = await asCaller(db, SERVICE, async (trx) => {
        const row = await repo.touchLastSignIn(trx, found.id);
        return row ? { row, ...(await startSession(trx, row.id)) } : undefined;
      });
      if (!result) throw invalidCredentials();
      return issue(result.row, result.session, result.refresh);
    },

    async refresh(refreshToken: string): Promise<AuthSession> {
      requireLocal();
      const hash = sha256(refreshToken);
      // The reuse verdict must be committed before answering, so the transaction returns an
      // outcome and the error is thrown only after it commits.
      const outcome = await asCaller(db, SERVICE, async (trx) => {
        const claimed = await repo.claimRefreshToken(trx, hash);
        if (claimed) {
          const row = await repo.findUserById(trx, claimed.user_id);
          if (!row) return { kind: 'not_found' as const };
          const next = newRefreshToken();
          await repo.insertRefreshToken(trx, sha256(next), claimed.session_id);
          await repo.markSessionRefreshed(trx, claimed.session_id);
          const session = (await repo.findSession(trx, claimed.session_id))!;
          return { kind: 'ok' as const, row, session, next };
        }
        const state = await repo.inspectRefreshToken(trx, hash);
        if (!state) return { kind: 'not_found' as const };
        if (state.revoked_at) return { kind: 'revoked' as const };
        await repo.revokeSession(trx, state.session_id, 'refresh_token_reuse');
        return { kind: 'reuse' as const };
      });
      switch (outcome.kind) {
        case 'ok':
          return issue(outcome.row, outcome.session, outcome.next);
        case 'not_found':
          throw invalidGrant('Invalid Refresh Token: Refresh Token Not Found', 'sign in again');
        case 'revoked':
          throw invalidGrant('Invalid Refresh Token: session revoked', 'sign in again');
        case 'reuse':
          throw invalidGrant('refresh token already used: session revoked', 'each refresh token works once; sign in again');
      }
    },

    /** The current user (local mode: from the database; external mode: from the token's claims). */
    async getUser(claims: Record<string, unknown>): Promise<AuthUser> {
      if (!local) return userFromClaims(claims);
      const row = await asCaller(db, SERVICE, (trx) => repo.findUserById(trx, String(claims.sub)), { readOnly: true });
      if (!row) throw userNotFound();
      return toAuthUser(row);
    },

    async updateUser(claims: Record<string, unknown>, input: UpdateUserInput): Promise<AuthUser> {
      requireLocal();
      const userId = String(claims.sub);
      const sessionId = typeof claims.session_id === 'string' && UUID.test(claims.session_id) ? claims.session_id : undefined;
      const current = await asCaller(db, SERVICE, (trx) => repo.findUserById(trx, userId), { readOnly: true });
      if (!current) throw userNotFound();
      let encryptedPassword: string | undefined;
      if (input.password !== undefined) {
        if (current.encrypted_password && (await verifyPassword(input.password, current.encrypted_password))) {
          throw samePassword();
        }
        encryptedPassword = await hashPassword(input.password);
      }
      try {
        const row = await asCaller(db, SERVICE, async (trx) => {
          const user = await repo.findUserById(trx, userId, { forUpdate: true });
          if (!user) throw userNotFound();
          const email = input.email !== undefined && input.email !== user.email?.toLowerCase() ? input.email : undefined;
          if (email !== undefined) {
            const other = await repo.findUserByEmail(trx, email);
            if (other && other.id !== userId) throw emailExists();
          }
          let userMetadata: Record<string, unknown> | undefined;
          if (input.data !== undefined) {
            // GoTrue's merge: keys are set, a null value removes the key.
            userMetadata = { ...asObject(user.raw_user_meta_data) };
            for (const [k, v] of Object.entries(input.data)) {
              if (v === null) delete userMetadata[k];
              else userMetadata[k] = v;
            }
          }
          if (email === undefined && encryptedPassword === undefined && userMetadata === undefined) return user;
          const updated = await repo.updateUser(trx, userId, { email, encryptedPassword, userMetadata });
          if (encryptedPassword !== undefined) await repo.revokeUserSessions(trx, userId, 'password_change', sessionId);
          return updated!;
        });
        return toAuthUser(row);
      } catch (e) {
        if (isDbError(e, 'unique')) throw emailExists();
        throw e;
      }
    },

    /** Revokes the token's session (`local`), all the user's sessions (`global`) or all but it (`others`). */
    async logout(claims: Record<string, unknown>, scope: LogoutScope = 'local'): Promise<void> {
      requireLocal();
      const userId = String(claims.sub);
      const sessionId = typeof claims.session_id === 'string' && UUID.test(claims.session_id) ? claims.session_id : undefined;
      await asCaller(db, SERVICE, async (trx) => {
        if (scope === 'global') await repo.revokeUserSessions(trx, userId, 'logout');
        else if (scope === 'others') await repo.revokeUserSessions(trx, userId, 'logout', sessionId ?? '00000000-0000-0000-0000-000000000000');
        else if (sessionId) await repo.revokeSession(trx, sessionId, 'logout', userId);
      });
    },

    async adminListUsers(p: { email?: string; page: number; perPage: number }): Promise<AuthUser[]> {
      const rows = await asCaller(db, SERVICE, (trx) => repo.listUsers(trx, { email: p.email, limit: p.perPage, offset: (p.page - 1) * p.perPage }), {
        readOnly: true,
      });
      return rows.map(toAuthUser);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
