/**
 * What a route needs from its request: who calls, and the one transaction that becomes them.
 */
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { asCaller, type Caller, type Tx } from '../db/transaction.ts';
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

/** Bounds the requests queued on the database, so overload sheds load instead of queueing forever. */
export interface TxGate {
  pending: number;
  readonly limit: number;
}

const READ_ONLY = new Set(['GET', 'HEAD']);

/** Runs `fn` in the request's transaction, as the caller (READ ONLY for GET/HEAD). */
export async function inTx<T>(req: FastifyRequest, fn: (trx: Tx) => Promise<T>): Promise<T> {
  const gate = req.server.txGate;
  if (gate.pending >= gate.limit) {
    throw new HttpError(503, 'overloaded', 'the server is busy: too many requests are waiting for the database', { pending: gate.pending }, 'retry after the delay in Retry-After', { 'retry-after': '1' });
  }
  gate.pending++;
  try {
    return await asCaller(req.server.db, req.caller, fn, { readOnly: READ_ONLY.has(req.method) });
  } finally {
    gate.pending--;
  }
}

/** The caller's user id (a verified `sub`); only for routes that require a signed-in user. */
export function userIdOf(req: FastifyRequest): string {
  return req.caller.claims.sub as string;
}
