/**
 * Routes for trusted back-end jobs only (price ingestion, admin): the caller must be service_role.
 * The route then runs as service_role through `inTx`, so the database still has the final word.
 */
import type { FastifyRequest } from 'fastify';
import { HttpError, unauthorized } from '../http/errors.ts';

export function requireServiceRole(req: FastifyRequest): void {
  if (req.caller.role === 'service_role') return;
  if (!req.hasToken) throw unauthorized('this route needs a service_role token', 'invalid_token');
  throw new HttpError(403, 'forbidden', 'this route is for service_role only', null, 'call it from a trusted back end with a service_role token');
}
