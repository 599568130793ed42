/**
 * Supabase's clients send `Content-Type: application/json` with no body at all — auth-js on
 * signOut (POST /auth/v1/logout), postgrest-js on delete() — and GoTrue and PostgREST take that as
 * "no body". Fastify would run its JSON parser on nothing and answer 400. A request that declares
 * JSON but carries no bytes (Content-Length 0, or neither Content-Length nor Transfer-Encoding) is
 * therefore treated as the bodiless request it is: its content type is dropped before parsing, so
 * whatever JSON parser the app installs never sees it, and the route gets `body === undefined`.
 */
import type { FastifyInstance } from 'fastify';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    const h = req.raw.headers;
    const contentType = h['content-type'];
    if (contentType === undefined || h['transfer-encoding'] !== undefined) return;
    if ((h['content-length'] === undefined || h['content-length'] === '0') && JSON_TYPE.test(contentType)) delete h['content-type'];
  });
}
