/**
 * The objects of GoTrue's API as TripSage builds them: the user (with its email identity), the
 * access token's claims, and the session a sign-in answers with.
 */
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Config } from '../config.ts';
import type { TokenService } from './tokens.ts';

/** A user as the database gives it (auth.users, plus a pending email change). */
export interface UserRecord {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  email_confirmed_at: string | null;
  last_sign_in_at: string | null;
  raw_app_meta_data: unknown;
  raw_user_meta_data: unknown;
  is_anonymous: boolean;
  created_at: string | null;
  updated_at: string | null;
  new_email?: string | null;
  email_change_sent_at?: string | null;
}

export interface Identity {
  identity_id: string;
  id: string;
  user_id: string;
  identity_data: Record<string, unknown>;
  provider: 'email';
  email: string;
  last_sign_in_at: string | null;
  created_at: string | null;
  updated_at: string | null;
}

/** GoTrue's user object; timestamps that are unset are left out, as GoTrue leaves them out. */
export interface AuthUser {
  id: string;
  aud: string;
  role: string;
  email: string;
  phone: string;
  email_confirmed_at?: string;
  confirmed_at?: string;
  new_email?: string;
  email_change_sent_at?: string;
  last_sign_in_at?: string;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  identities: Identity[];
  created_at: string;
  updated_at: string;
  is_anonymous: boolean;
}

export type SessionMethod = 'password' | 'anonymous' | 'otp';

export interface AuthSession {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: AuthUser;
}

export const asObject = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

const present = <K extends string>(key: K, value: string | null | undefined) => (value ? ({ [key]: value } as Record<K, string>) : {});

/** A stable uuid for a user's email identity (TripSage keeps no identities table: there is one). */
function identityId(userId: string): string {
  const h = createHash('sha256').update(`email-identity:${userId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function emailIdentity(r: UserRecord): Identity[] {
  if (!r.email) return [];
  return [{
    identity_id: identityId(r.id),
    id: r.id,
    user_id: r.id,
    identity_data: { email: r.email, email_verified: r.email_confirmed_at !== null, phone_verified: false, sub: r.id },
    provider: 'email',
    email: r.email,
    last_sign_in_at: r.last_sign_in_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
  }];
}

export function toAuthUser(r: UserRecord): AuthUser {
  return {
    id: r.id,
    aud: r.aud ?? 'authenticated',
    role: r.role ?? 'authenticated',
    email: r.email ?? '',
    phone: '',
    ...present('email_confirmed_at', r.email_confirmed_at),
    ...present('confirmed_at', r.email_confirmed_at),
    ...present('new_email', r.new_email),
    ...present('email_change_sent_at', r.email_change_sent_at),
    ...present('last_sign_in_at', r.last_sign_in_at),
    app_metadata: asObject(r.raw_app_meta_data),
    user_metadata: asObject(r.raw_user_meta_data),
    identities: emailIdentity(r),
    created_at: r.created_at ?? '',
    updated_at: r.updated_at ?? '',
    is_anonymous: r.is_anonymous,
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
    phone: str('phone'),
    app_metadata: asObject(claims.app_metadata),
    user_metadata: asObject(claims.user_metadata),
    identities: [],
    created_at: '',
    updated_at: '',
    is_anonymous: claims.is_anonymous === true,
  };
}

/**
 * Supabase's access-token claims (iss, iat and exp are added when signing). A token minted
 * without a session (`tripsage token`) has no `session_id`: it reads, but changes no credential.
 */
export function accessTokenClaims(user: AuthUser, session: { id: string; method: string; createdAt: number } | undefined): Record<string, unknown> {
  return {
    sub: user.id,
    role: 'authenticated',
    aud: 'authenticated',
    email: user.email,
    phone: '',
    aal: 'aal1',
    amr: session ? [{ method: session.method, timestamp: session.createdAt }] : [],
    ...(session ? { session_id: session.id } : {}),
    is_anonymous: user.is_anonymous,
    app_metadata: user.app_metadata,
    user_metadata: user.user_metadata,
  };
}

/** The session response of every sign-in, for a session row the database just wrote or refreshed. */
export async function sessionResponse(
  deps: { config: Config; tokens: TokenService },
  user: AuthUser,
  session: { id: string; method: string; created_at: string },
  refreshToken: string,
): Promise<AuthSession> {
  const createdAt = Math.floor(new Date(session.created_at).getTime() / 1000);
  const expiresIn = deps.config.jwtExpirySeconds;
  const access = await deps.tokens.sign(accessTokenClaims(user, { id: session.id, method: session.method, createdAt }), expiresIn);
  return { access_token: access, token_type: 'bearer', expires_in: expiresIn, expires_at: decodeJwt(access).exp!, refresh_token: refreshToken, user };
}
