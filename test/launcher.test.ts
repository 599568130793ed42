/**
 * The installed command runs exactly one known build: bin/tripsage.js runs dist/ only when its
 * stamp names the sources beside it, and scripts/build.js writes that stamp only when tsc
 * succeeds. Each case runs the real scripts in a scratch copy of the package layout.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceHash } from '../bin/source-hash.js';

const repo = resolve(import.meta.dirname, '..');
/** tsc and whole programs per case on a busy machine: a cap, not an expectation. */
const SLOW = 600_000;
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A package with the real bin/ and scripts/build.js, a tiny src/ and (optionally) node_modules. */
function scratchPackage(opts: { nodeModules: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tripsage-launcher-'));
  dirs.push(dir);
  for (const f of ['bin/tripsage.js', 'bin/source-hash.js', 'scripts/build.js']) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    copyFileSync(join(repo, f), join(dir, f));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', rootDir: 'src', outDir: 'dist', types: [] },
    include: ['src'],
  }));
  mkdirSync(join(dir, 'src/cli'), { recursive: true });
  writeFileSync(join(dir, 'src/cli/main.ts'), `const n: number = 1;\nconsole.log('the build from these sources', n);\n`);
  if (opts.nodeModules) symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

async function run(dir: string, script: string, env: Record<string, string> = {}) {
  try {
    const r = await promisify(execFile)(process.execPath, [join(dir, script)], { cwd: dir, env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('build and launcher', () => {
  it('a successful build is stamped with its sources, and the command runs it', async () => {
    const dir = scratchPackage({ nodeModules: true });
    const build = await run(dir, 'scripts/build.js');
    expect(build.code, build.stderr).toBe(0);
    const r = await run(dir, 'bin/tripsage.js');
    expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('the build from these sources') });
  }, SLOW);

  it('a type error fails the build and writes no stamp; the command then refuses with what to do', async () => {
    const dir = scratchPackage({ nodeModules: true });
    writeFileSync(join(dir, 'src/cli/main.ts'), `const n: number = 'one';\nconsole.log(n);\n`);
    const build = await run(dir, 'scripts/build.js');
    expect(build.code).not.toBe(0);
    expect(build.stderr).toMatch(/type errors: no build stamp written/);
    expect(existsSync(join(dir, 'dist/.build-stamp'))).toBe(false);
    const r = await run(dir, 'bin/tripsage.js');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tripsage: there is no complete build in dist\/.*npm run build.*npm run dev/)]);
  }, SLOW);

  it('sources edited after the build: the command refuses rather than run the stale build', async () => {
    const dir = scratchPackage({ nodeModules: true });
    expect((await run(dir, 'scripts/build.js')).code).toBe(0);
    writeFileSync(join(dir, 'src/cli/main.ts'), `console.log('edited');\n`);
    const r = await run(dir, 'bin/tripsage.js');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tripsage: dist\/ was built from other sources than those in src\/.*npm run build/);
  }, SLOW);

  it('without TypeScript (npm ci --omit=dev) the prepare step explains and passes; the command says what to do', async () => {
    const dir = scratchPackage({ nodeModules: false });
    const prepare = await run(dir, 'scripts/build.js', { npm_lifecycle_event: 'prepare' });
    expect(prepare.code).toBe(0);
    expect(prepare.stderr).toMatch(/TypeScript is not installed/);
    expect((await run(dir, 'scripts/build.js', { npm_lifecycle_event: 'build' })).code).toBe(1);
    const r = await run(dir, 'bin/tripsage.js');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no complete build in dist\//);
  }, SLOW);

  it('the stamp identifies the sources by content', () => {
    const dir = scratchPackage({ nodeModules: false });
    const before = sourceHash(join(dir, 'src'));
    writeFileSync(join(dir, 'src/cli/main.ts'), `const n: number = 1;\nconsole.log('the build from these sources', n);\n`);
    expect(sourceHash(join(dir, 'src'))).toBe(before); // touched, same content
    writeFileSync(join(dir, 'src/cli/extra.ts'), '');
    expect(sourceHash(join(dir, 'src'))).not.toBe(before);
  }, SLOW);
});
