/**
 * Before the browser suites: the web app's build must match its sources (rebuilt here when any
 * file under web/ is newer than dist/web/index.html, as bin/tripsage.js does for the server),
 * and Chromium must exist — under CI=true its absence fails the run; elsewhere the browser
 * suites are skipped with the reason.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_NOT_FOUND, findChromium } from './browser.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: string | null;
  }
}

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/web/index.html', import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'test') continue;
    const p = `${dir}/${e.name}`;
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function builtAt(): number {
  try {
    return statSync(BUILT).mtimeMs;
  } catch {
    return 0;
  }
}

export default async function setup(project: TestProject) {
  const chromium = findChromium();
  if (!chromium) {
    if (process.env.CI === 'true') throw new Error(`CI=true requires the browser suite: ${CHROMIUM_NOT_FOUND}`);
    console.warn(`\n[tripsage] browser suite SKIPPED: ${CHROMIUM_NOT_FOUND}\n`);
  }
  if (chromium && builtAt() < newest(WEB)) {
    // A child process: vitest sets NODE_ENV=test, which would bundle React's development build.
    const r = spawnSync('npm', ['run', 'build:web', '--silent'], { env: { ...process.env, NODE_ENV: 'production' }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run build:web failed:\n${r.stdout}${r.stderr}`);
  }
  project.provide('chromium', chromium);
}
