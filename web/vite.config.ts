/**
 * The web app's build (`npm run build:web`, part of `npm install`'s prepare step) and dev server
 * (`npm run dev:web`). The build goes to dist/web/, which `tripsage serve` serves at `/`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// The dev server forwards the API's paths to a running `tripsage serve` (npm start).
const api = process.env.TRIPSAGE_API_URL ?? 'http://127.0.0.1:8787';
const apiPaths = ['/api', '/auth', '/rest', '/docs', '/openapi.json', '/health', '/ready', '/mcp'];

/**
 * Writes .br and .gz next to each text file of the build, so the server sends them compressed
 * without compressing on every request (@fastify/static's preCompressed).
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'tripsage-precompress',
    apply: 'build',
    configResolved: (c) => { outDir = c.build.outDir; },
    writeBundle(_opts, bundle) {
      for (const name of Object.keys(bundle).filter((n) => /\.(js|css|html|svg)$/.test(n))) {
        const file = join(outDir, name);
        const body = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
        writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }));
      }
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline data: URLs for assets: the page's CSP allows only same-origin files.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    // The pre-compression above is the slow step, and expected to be.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.TRIPSAGE_WEB_PORT ?? 5173),
    proxy: Object.fromEntries(apiPaths.map((p) => [p, { target: api, changeOrigin: false }])),
  },
});
