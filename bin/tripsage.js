#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (built by `npm install` through the `prepare` script)
// when it is at least as new as every file in src/; otherwise the TypeScript sources through
// tsx. Either way `npx tripsage` works right after `npm install`, and an edited source is never
// shadowed by a stale build. (The compiled path starts about twice as fast: tsx's loader hooks
// see every module import, node_modules included.)
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const stamp = fileURLToPath(new URL('../dist/.build-stamp', import.meta.url));

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function builtIsFresh() {
  try {
    return statSync(stamp).mtimeMs >= newest(src);
  } catch {
    return false;
  }
}

if (builtIsFresh()) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
