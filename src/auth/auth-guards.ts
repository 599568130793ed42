/**
 * Who may call an /auth/v1 endpoint (GoTrue's requireAuthentication and requireAdmin, the part
 * the token tells), and the transactions an endpoint's work runs in.
 */
import type { FastifyRequest } from 'fastify';
import { inTx } from '../http/context.ts';
import { ANON, SERVICE, type RunTx } from '../db/transaction.ts';
import { badJwt, noAuthorization, notAdmin } from './auth.errors.ts';

/** A user's access token: 401 without a token, 403 for a token that names no user (an API key). */
export function requireUserToken(req: FastifyRequest): Record<string, unknown> {
  if (!req.hasToken) throw noAuthorization();
  if (req.caller.role !== 'authenticated' || typeof req.caller.claims.sub !== 'string') throw badJwt('invalid claim: missing sub claim');
  return req.caller.claims;
}

/** A service_role token (the admin API). */
export function requireAdmin(req: FastifyRequest): void {
  if (!req.hasToken) throw noAuthorization();
  if (req.caller.role !== 'service_role') throw notAdmin();
}

export interface Runners {
  /** The request's transaction as its caller (reads and writes, whatever the method). */
  asCaller: RunTx;
  /** As anon: the endpoints that act before there is a user, on a secret they are given. */
  asAnon: RunTx;
  /** As service_role: sign-up, password sign-in (docs/architecture.md lists why). */
  asService: RunTx;
}

export const runnersOf = (req: FastifyRequest): Runners => ({
  asCaller: (fn) => inTx(req, fn, { readOnly: false }),
  asAnon: (fn) => inTx(req, fn, { caller: ANON, readOnly: false }),
  asService: (fn) => inTx(req, fn, { caller: SERVICE, readOnly: false }),
});
