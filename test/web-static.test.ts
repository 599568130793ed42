/**
 * The web app as the server serves it (src/http/static.ts), on a small stand-in build: caching
 * headers, the app's own CSP, the SPA fallback, the API's JSON 404s kept, pre-compressed files.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../src/auth/tokens.ts';
import { loadConfig } from '../src/config.ts';
import { buildApp, type App } from '../src/http/app.ts';
import { APP_CSP, isServerPath } from '../src/http/static.ts';
import { testBackends, type Handle } from './harness/backends.ts';
import { TEST_JWT_SECRET } from './harness/http.ts';

const INDEX = '<!doctype html><title>TripSage</title><script type="module" src="/assets/app-1a2b3c.js"></script>';
const SCRIPT = 'console.log("tripsage");'.repeat(50);

function standInBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tripsage-webdir-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, 'assets/app-1a2b3c.js'), SCRIPT);
  writeFileSync(join(dir, 'assets/app-1a2b3c.js.gz'), gzipSync(SCRIPT));
  return dir;
}

describe('serving the web app', () => {
  let h: Handle;
  let app: App;
  beforeAll(async () => {
    h = await testBackends()[0]!.clone();
    // No event-loop guard (as buildTestApp): a busy machine must not answer 503 here.
    const config = loadConfig({}, { TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET, TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS: '0' });
    app = await buildApp({ config, db: h.db, tokens: createTokenService(config), logger: false, webDir: standInBuild() });
  });
  afterAll(async () => {
    await app?.close();
    await h?.db.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  it('index.html at / and at any app path: no-cache, with the app\'s own CSP', async () => {
    for (const url of ['/', '/trips', '/trips/12/days?x=1', '/sign-in']) {
      const r = await get(url, { accept: 'text/html' });
      expect(r.statusCode, url).toBe(200);
      expect(r.body).toBe(INDEX);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.headers['content-security-policy']).toBe(APP_CSP);
    }
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });

  it('hashed assets are immutable for a year; other files an hour; gzip when accepted', async () => {
    const plain = await get('/assets/app-1a2b3c.js');
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const gz = await get('/assets/app-1a2b3c.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(String(gz.headers.vary)).toContain('accept-encoding');
    expect(gz.headers['content-type']).toMatch(/javascript/);
    expect((await get('/favicon.svg')).headers['cache-control']).toBe('public, max-age=3600');
  });

  it('the server\'s own paths keep their JSON 404, and so does a missing asset', async () => {
    for (const url of ['/api/v1/nope', '/docs/nope', '/mcp/x', '/health/x', '/assets/gone-123.js']) {
      const r = await get(url, { accept: 'text/html' });
      expect(r.statusCode, url).toBe(404);
      expect(r.json()).toMatchObject({ code: 'not_found' });
    }
    // /mcp takes POST only (Streamable HTTP without sessions): a browser's GET is the API's 405.
    const mcp = await get('/mcp', { accept: 'text/html' });
    expect([mcp.statusCode, mcp.headers['content-type']]).toEqual([405, expect.stringContaining('application/json')]);
    // GoTrue's and PostgREST's own error shapes on their prefixes (docs/supabase.md).
    const auth = await get('/auth/v1/nope', { accept: 'text/html' });
    expect([auth.statusCode, auth.json()]).toMatchObject([404, { code: 404, error_code: 'not_found' }]);
    const rest = await get('/rest/v1/x', { accept: 'text/html' });
    expect([rest.statusCode, rest.headers['content-type']]).toEqual([406, expect.stringContaining('application/json')]);
    expect((await get('/health')).json()).toEqual({ status: 'ok' });
    expect((await get('/openapi.json')).json()).toHaveProperty('openapi');
    // The API keeps its strict CSP.
    expect((await get('/health')).headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('only GET and HEAD fall back to the app', async () => {
    expect((await app.inject({ method: 'HEAD', url: '/trips' })).statusCode).toBe(200);
    const post = await app.inject({ method: 'POST', url: '/trips', payload: {} });
    expect(post.statusCode).toBe(404);
    expect(post.json()).toMatchObject({ code: 'not_found' });
  });

  it('knows which paths are the server\'s', () => {
    expect(isServerPath('/api')).toBe(true);
    expect(isServerPath('/api/v1/trips')).toBe(true);
    expect(isServerPath('/openapi.json')).toBe(true);
    expect(isServerPath('/apiary')).toBe(false);
    expect(isServerPath('/trips')).toBe(false);
  });
});
