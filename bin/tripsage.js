#!/usr/bin/env node
// The installed command: runs the compiled build in dist/ (made by `npm install`'s prepare step,
// or `npm run build`) and only the build made from the sources beside it — never a stale one,
// never the TypeScript sources (development runs those explicitly: `npm run dev -- <command>`).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sourceHash } from './source-hash.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const HOW = 'run `npm run build` (it needs the dev dependencies: `npm ci`), or run the sources with `npm run dev -- <command>`';

function fail(why) {
  process.stderr.write(`tripsage: ${why}: ${HOW}\n`);
  process.exit(1);
}

let stamp;
try {
  stamp = JSON.parse(readFileSync(`${root}dist/.build-stamp`, 'utf8'));
} catch {
  fail('there is no complete build in dist/ (never built, or the last build had type errors)');
}
// A package shipped without src/ runs its dist/ as built.
if (existsSync(`${root}src`) && stamp.sources !== sourceHash(`${root}src`)) {
  fail('dist/ was built from other sources than those in src/ (edited or updated since)');
}
await import('../dist/cli/main.js');
