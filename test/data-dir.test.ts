/**
 * The embedded data directory as real processes see it: everything in it owner-only (also what
 * PGlite creates while it runs), a directory others may enter refused with the chmod to run, and
 * a lock that dies with its process — even when that process is a zombie nobody reaps.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tripsage } from './harness/cli.ts';
import { TEST_JWT_SECRET } from './harness/http.ts';
import { CLI, spawnServe } from './harness/serve.ts';

/** Whole programs start here, several times per test: generous on a busy machine. */
const SLOW = 600_000;
const scratch = () => mkdtempSync(join(tmpdir(), 'tripsage-datadir-'));

/** Every path under `dir` (itself included) that group or others have any permission on. */
function loose(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (st.mode & 0o077) out.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  walk(dir);
  return out;
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('the data directory', () => {
  it('a directory made with a permissive mkdir is tightened, and everything the server creates is owner-only', async () => {
    const dataDir = join(scratch(), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const server = await spawnServe(['--data-dir', dataDir], { TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET, TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS: '0' });
    try {
      expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
      // Writes make PGlite create files while it runs (WAL, relation files).
      const r = await fetch(`${server.url}/auth/v1/signup`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'perm@example.test', password: 'a-long-password' }),
      });
      expect(r.status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(readdirSync(join(dataDir, 'pgdata')).length).toBeGreaterThan(5);
    expect(loose(dataDir)).toEqual([]);
  }, SLOW);

  it('a directory with data that others may enter is refused, with the chmod that fixes it; after it, the server starts', async () => {
    const dataDir = join(scratch(), 'shared data');
    expect((await tripsage(['--data-dir', dataDir, 'db', 'migrate'])).code).toBe(0);
    chmodSync(dataDir, 0o755);
    for (const args of [['db', 'status'], ['serve', '--port', '0']]) {
      const r = await tripsage(['--data-dir', dataDir, ...args], { TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`can be read or entered by other users (mode 755)`);
      expect(r.stderr.trim().endsWith(`Run: chmod -R go-rwx '${dataDir}'`)).toBe(true);
    }
    chmodSync(dataDir, 0o700);
    const ok = await tripsage(['--data-dir', dataDir, 'db', 'status']);
    expect(ok.code, ok.stderr).toBe(0);
  }, SLOW);

  it('a lock held by a zombie (killed, never reaped by its parent) does not keep the directory locked', async () => {
    const dataDir = join(scratch(), 'data');
    // sh starts the server, prints its pid, then becomes `sleep`, which never reaps it.
    const parent = spawn('sh', ['-c', '"$@" >/dev/null 2>&1 & echo $!; exec sleep 600', 'sh', process.execPath, ...CLI, '--data-dir', dataDir, 'serve', '--port', '0'], {
      env: { ...process.env, LOG_LEVEL: 'silent', TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const pid = Number(await new Promise<string>((ok) => parent.stdout!.once('data', (d: Buffer) => ok(d.toString().trim()))));
      const lock = join(dataDir, 'tripsage.lock');
      await until('the server to take the lock', () => existsSync(lock) && readFileSync(lock, 'utf8').includes(`"pid":${pid}`));
      process.kill(pid, 'SIGKILL');
      await until('the server to become a zombie', () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z'));
      expect(existsSync(lock)).toBe(true);
      const r = await tripsage(['--data-dir', dataDir, 'db', 'status']);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      parent.kill('SIGKILL'); // the zombie goes with its parent
    }
  }, SLOW);
});
