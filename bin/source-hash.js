/**
 * The identity of a source tree: a SHA-256 over every file under src/ (relative path and
 * contents, in path order). scripts/build.js writes it into dist/.build-stamp; bin/tripsage.js
 * compares it, so the installed command runs exactly the build made from these sources.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

export function sourceHash(srcDir) {
  const h = createHash('sha256');
  for (const f of files(srcDir)) h.update(`${relative(srcDir, f)}\0`).update(readFileSync(f)).update('\0');
  return h.digest('hex');
}
