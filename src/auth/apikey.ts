/**
 * Supabase's API gateway in front of /auth/v1 and /rest/v1: clients send the project's API key in
 * an `apikey` header (supabase-js always does). Here the header is accepted — a key that is sent
 * must be one of this server's (the anon or the service_role key) — and stands in for a missing
 * `Authorization`, as the gateway lets a bare key through as its role. With
 * TRIPSAGE_REQUIRE_APIKEY=on it is required on those paths, except the emailed link
 * (GET /auth/v1/verify), which a browser opens without headers. /api/v1 is TripSage's own API
 * and takes bearer tokens only.
 */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { unauthenticated } from '../domain/errors.ts';
import type { TokenService } from './tokens.ts';

const GATEWAY = /^\/(auth|rest)\/v1(\/|$|\?)/;
const OPEN = /^\/auth\/v1\/verify(\?|$)/;

const noApiKey = () => unauthenticated('no_api_key', 'No API key found in request', { hint: 'send the anon key in an `apikey` header (`tripsage token --role anon`)' });
const invalidApiKey = () => unauthenticated('invalid_api_key', 'Invalid API key', { hint: 'send this server\'s anon or service_role key (`tripsage token --role anon`)' });

/**
 * Checks the request's `apikey`; returns the Authorization value it stands in for, when the
 * request has none.
 */
export async function checkApiKey(req: FastifyRequest, tokens: TokenService, config: Config): Promise<string | undefined> {
  const header = req.headers.apikey;
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined || key === '') {
    if (config.requireApikey && req.method !== 'OPTIONS' && GATEWAY.test(req.url) && !(req.method === 'GET' && OPEN.test(req.url))) throw noApiKey();
    return undefined;
  }
  let role: string;
  try {
    role = (await tokens.callerFromToken(key)).role;
  } catch {
    throw invalidApiKey();
  }
  if (role !== 'anon' && role !== 'service_role') throw invalidApiKey();
  return req.headers.authorization === undefined ? `Bearer ${key}` : undefined;
}
