/**
 * What a route needs from its request: who calls, and the one transaction that becomes them.
 */
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { asCaller, type Caller, type Tx } from '../db/transaction.ts';
import { forbidden, invalidToken } from '../domain/errors.ts';
import { HttpError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
    /** Whether the request carried a (valid) bearer token. */
    hasToken: boolean;
  }
  interface FastifyInstance {
    db: Database;
    txGate: TxGate;
  }
}

/**
 * A request's access to the database: the number of requests waiting for or holding a
 * transaction is bounded (beyond it, 503 instead of an unbounded queue), and so is each statement.
 */
export interface TxGate {
  pending: number;
  readonly limit: number;
  /** 0: no limit. */
  readonly statementTimeoutMs: number;
}

const READ_ONLY = new Set(['GET', 'HEAD']);

/**
 * Runs `fn` in the request's transaction, as the caller (READ ONLY for GET/HEAD). `opts.caller`
 * runs it as another role instead (the identity endpoints that act before there is a user);
 * `opts.readOnly` overrides the method's default (GoTrue's GET /reauthenticate writes; an
 * assistant turn is a POST whose tool calls may only read).
 */
export async function inTx<T>(req: FastifyRequest, fn: (trx: Tx) => Promise<T>, opts: { caller?: Caller; readOnly?: boolean; oneStatement?: boolean } = {}): Promise<T> {
  const gate = req.server.txGate;
  if (gate.pending >= gate.limit) {
    throw new HttpError(503, 'overloaded', 'the server is busy: too many requests are waiting for the database', { pending: gate.pending }, 'retry after the delay in Retry-After', { 'retry-after': '1' });
  }
  gate.pending++;
  try {
    return await asCaller(req.server.db, opts.caller ?? req.caller, fn, { readOnly: opts.readOnly ?? READ_ONLY.has(req.method), statementTimeoutMs: gate.statementTimeoutMs || undefined, oneStatement: opts.oneStatement });
  } finally {
    gate.pending--;
  }
}

/** The caller's user id (a verified `sub`); only for routes that require a signed-in user. */
export function userIdOf(req: FastifyRequest): string {
  return req.caller.claims.sub as string;
}

/**
 * The verified claims of a signed-in user: 401 without a token, 403 for a non-user token. For
 * routes whose meaning is "mine" beyond what RLS decides (auth endpoints, memories).
 */
export function requireUserClaims(req: FastifyRequest): Record<string, unknown> {
  if (!req.hasToken || req.caller.role === 'anon') throw invalidToken('sign in first');
  if (req.caller.role !== 'authenticated' || typeof req.caller.claims.sub !== 'string') {
    throw forbidden('bad_jwt', `this endpoint needs a user access token, not a ${req.caller.role} token`, { hint: 'sign in as a user' });
  }
  return req.caller.claims;
}

/**
 * Routes for trusted back-end jobs only (price ingestion, admin): 401 without a token, 403 for
 * any other role. The route then runs as service_role through `inTx`, so the database still has
 * the final word.
 */
export function requireServiceRole(req: FastifyRequest, code = 'forbidden'): void {
  if (req.caller.role === 'service_role') return;
  if (!req.hasToken) throw invalidToken('this route needs a service_role token');
  throw forbidden(code, 'this route is for service_role only', { hint: 'call it from a trusted back end with a service_role token (`tripsage token --role service_role`)' });
}
