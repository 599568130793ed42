/**
 * The web app (web/, built by `npm run build:web` into dist/web/) served at `/` by the same
 * server as the API:
 *
 * - hashed files under /assets/ are cached for a year as immutable; index.html is `no-cache`
 *   (always revalidated, so a new build is picked up at once); other files (favicon) for an hour;
 * - pre-compressed .br/.gz variants (written by the build) are served when the client accepts them;
 * - any other GET that is not an API path answers index.html (the app routes in the browser);
 *   the API's prefixes keep their JSON 404s, and a missing /assets/ file is a 404, never HTML;
 * - the HTML carries its own CSP: same-origin scripts, styles, images and API calls only. The
 *   API's strict `default-src 'none'` (helmet) stays on everything else.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function webAppBuilt(dir = WEB_DIR): boolean {
  return existsSync(join(dir, 'index.html'));
}

/** Paths that belong to the server, never to the app. */
export const SERVER_PATHS = ['/api', '/auth', '/rest', '/docs', '/openapi.json', '/health', '/ready', '/mcp', '/assets'];

export function isServerPath(path: string): boolean {
  return SERVER_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
}

const YEAR = 'public, max-age=31536000, immutable';

function htmlHeaders(reply: FastifyReply): void {
  reply.header('cache-control', 'no-cache');
  reply.header('content-security-policy', APP_CSP);
}

export type SpaFallback = (req: FastifyRequest, reply: FastifyReply) => FastifyReply | null;

/**
 * Serves the built app from `dir` if it has been built. Returns the not-found fallback that
 * answers index.html for the app's own paths (null when there is no build).
 */
export async function registerWebApp(app: FastifyInstance, dir = WEB_DIR): Promise<SpaFallback | null> {
  if (!webAppBuilt(dir)) return null;
  await app.register(fastifyStatic, {
    root: dir,
    // One route per built file (a fixed set), so every other path reaches the not-found handler.
    wildcard: false,
    index: 'index.html',
    preCompressed: true,
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders: (reply, path) => {
      if (path.endsWith('.html')) htmlHeaders(reply);
      else reply.header('cache-control', path.includes('/assets/') ? YEAR : 'public, max-age=3600');
    },
  });
  return (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return null;
    if (isServerPath(req.url.split('?')[0]!)) return null;
    htmlHeaders(reply);
    return reply.code(200).sendFile('index.html', { cacheControl: false });
  };
}
