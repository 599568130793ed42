/**
 * Throwaway PostgreSQL cluster for integration tests.
 *
 * `startPgCluster()` either hands back TEST_DATABASE_URL (when set) or runs
 * initdb + pg_ctl on a temp dir, on a random free port bound to 127.0.0.1,
 * with its unix socket inside the temp dir (no clash with /var/run or a
 * system cluster). When running as root, the server runs as the `postgres`
 * system user (initdb and pg_ctl refuse root).
 *
 * Cleanup is layered: `stop()` (normal path), a synchronous best-effort stop
 * on process 'exit', and a tiny watchdog `sh` that stops the server when this
 * process dies in any way, including SIGKILL (it waits for EOF on a pipe whose
 * write end only this process holds).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface PgBinaries {
  initdb: string;
  pg_ctl: string;
  binDir: string;
}

export interface PgCluster {
  url: string;
  stop(): Promise<void>;
  /**
   * Stops the server (fast shutdown: sessions are terminated), awaits `whileDown`, and starts it
   * again on the same port and data. Only for a cluster of its own (`own: true`).
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
}

export interface StartPgClusterOptions {
  log?: (msg: string) => void;
  /** Extra server settings (name → value, quote-free), e.g. { 'cron.database_name': 'postgres' }. */
  settings?: Record<string, string>;
  /** Libraries preloaded besides pg_stat_statements. */
  preload?: string[];
  /** Start a cluster of its own even when TEST_DATABASE_URL is set. */
  own?: boolean;
}

export const PG_NOT_FOUND_MESSAGE =
  'PostgreSQL binaries not found (looked for initdb + pg_ctl on PATH and in /usr/lib/postgresql/*/bin): ' +
  'install postgresql-15 (apt-get install -y postgresql-15) or set TEST_DATABASE_URL';

function isExecutable(p: string): boolean {
  try {
    accessSync(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolve symlinks (e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb). */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function binariesIn(dir: string): PgBinaries | null {
  const initdb = path.join(dir, 'initdb');
  if (!isExecutable(initdb)) return null;
  const realInitdb = real(initdb);
  const binDir = path.dirname(realInitdb);
  // Prefer pg_ctl next to the real initdb so both come from the same version.
  for (const candidate of [path.join(binDir, 'pg_ctl'), path.join(dir, 'pg_ctl')]) {
    if (isExecutable(candidate)) return { initdb: realInitdb, pg_ctl: real(candidate), binDir };
  }
  return null;
}

function versionDirs(): string[] {
  const root = '/usr/lib/postgresql';
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries
    .filter((e) => /^\d+(\.\d+)?$/.test(e))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    .map((v) => path.join(root, v, 'bin'));
}

/**
 * Locate initdb and pg_ctl: PATH first, then /usr/lib/postgresql/<version>/bin
 * (highest version first). Paths are returned with symlinks resolved.
 */
export function findPgBinaries(): PgBinaries | null {
  const pathDirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d.length > 0);
  for (const dir of [...pathDirs, ...versionDirs()]) {
    const found = binariesIn(dir);
    if (found) return found;
  }
  return null;
}

/** Ask the kernel for a free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      const { port } = addr;
      srv.close(() => resolve(port));
    });
  });
}

interface RunAs {
  uid: number;
  gid: number;
}

async function postgresUser(): Promise<RunAs> {
  try {
    const uid = Number.parseInt((await execFileAsync('id', ['-u', 'postgres'])).stdout.trim(), 10);
    const gid = Number.parseInt((await execFileAsync('id', ['-g', 'postgres'])).stdout.trim(), 10);
    if (Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid };
  } catch {
    // fall through
  }
  throw new Error(
    'Running as root, but there is no "postgres" system user to run the test server as ' +
      '(initdb/pg_ctl refuse to run as root). Install postgresql-15 (it creates the user), ' +
      'create one (useradd --system postgres), run the tests as a non-root user, or set TEST_DATABASE_URL',
  );
}

function readLogTail(logFile: string, lines = 30): string {
  try {
    const text = readFileSync(logFile, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

function describeExecError(err: unknown): string {
  const e = err as { message?: string; stderr?: string | Buffer; stdout?: string | Buffer };
  const parts = [e.message ?? String(err)];
  const stderr = e.stderr?.toString().trim();
  if (stderr && !(e.message ?? '').includes(stderr)) parts.push(stderr);
  return parts.join('\n');
}

interface LiveCluster {
  pg_ctl: string;
  dataDir: string;
  tmpDir: string;
  runAs: RunAs | undefined;
  watchdog: ChildProcess | undefined;
}

const live = new Set<LiveCluster>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) {
      try {
        spawnSync(c.pg_ctl, ['-D', c.dataDir, '-m', 'immediate', '-w', '-t', '10', 'stop'], {
          stdio: 'ignore',
          cwd: c.tmpDir,
          timeout: 15_000,
          ...(c.runAs ?? {}),
        });
      } catch {
        // best effort
      }
      try {
        rmSync(c.tmpDir, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
    live.clear();
  });
}

// Waits for EOF on stdin (i.e. until every process holding the pipe's write
// end — only the test process — is gone), then stops the server. Paths are
// passed as positional arguments, never interpolated into the script.
const WATCHDOG_SCRIPT =
  'while read -r _; do :; done; ' +
  '"$1" -D "$2" -m immediate -w -t 10 stop >/dev/null 2>&1; ' +
  'rm -rf "$3" >/dev/null 2>&1; exit 0';

function startWatchdog(c: LiveCluster): ChildProcess | undefined {
  try {
    const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'pg-cluster-watchdog', c.pg_ctl, c.dataDir, c.tmpDir], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      cwd: c.tmpDir,
      ...(c.runAs ?? {}),
    });
    child.on('error', () => {
      /* best effort */
    });
    child.unref();
    // Keep the pipe open but don't let it keep the event loop alive.
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return child;
  } catch {
    return undefined;
  }
}

function stopWatchdog(c: LiveCluster): void {
  const w = c.watchdog;
  if (!w || w.exitCode !== null || w.pid === undefined) return;
  try {
    process.kill(w.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  w.stdin?.destroy();
}

/**
 * Start a throwaway PostgreSQL server (or use TEST_DATABASE_URL when set).
 */
export async function startPgCluster(opts: StartPgClusterOptions = {}): Promise<PgCluster> {
  const log = opts.log ?? (() => {});

  const external = process.env.TEST_DATABASE_URL;
  if (external && !opts.own) {
    log('using TEST_DATABASE_URL');
    return {
      url: external,
      stop: async () => {},
      restart: async () => {
        throw new Error('cannot restart TEST_DATABASE_URL: start a cluster of its own ({ own: true })');
      },
    };
  }

  const bins = findPgBinaries();
  if (!bins) throw new Error(PG_NOT_FOUND_MESSAGE);

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const runAs = isRoot ? await postgresUser() : undefined;

  const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'tripsage-pg-'));
  const dataDir = path.join(tmpDir, 'data');
  const logFile = path.join(tmpDir, 'log');
  const cleanupTmp = async () => {
    await rm(tmpDir, { recursive: true, force: true }).catch(() => {});
  };
  if (tmpDir.includes("'")) {
    await cleanupTmp();
    throw new Error(`temp dir path contains a quote, which pg_ctl -o cannot pass safely: ${tmpDir} (set TMPDIR)`);
  }
  // Unix socket paths are limited to ~107 bytes (dir + "/.s.PGSQL.<port>").
  if (Buffer.byteLength(tmpDir) > 90) {
    await cleanupTmp();
    throw new Error(`temp dir path too long for a unix socket: ${tmpDir} (set TMPDIR to a shorter directory)`);
  }

  const execOpts = { cwd: tmpDir, maxBuffer: 16 * 1024 * 1024, ...(runAs ?? {}) };
  if (runAs) await chown(tmpDir, runAs.uid, runAs.gid);

  const t0 = Date.now();
  try {
    await execFileAsync(
      bins.initdb,
      ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
      { ...execOpts, timeout: 180_000 },
    );
  } catch (err) {
    await cleanupTmp();
    throw new Error(`initdb failed (${bins.initdb}):\n${describeExecError(err)}`);
  }
  log(`initdb done in ${Date.now() - t0} ms (${bins.binDir})`);

  // The port is picked, released, then bound by postgres: another process can
  // grab it in between, so retry a few times on a bind failure.
  let lastError = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    // pg_ctl passes -o through /bin/sh, hence the single quotes around the
    // socket dir (a quote-free path, checked above).
    const serverOptions = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories='${tmpDir}'`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
      `-c shared_preload_libraries=${['pg_stat_statements', ...(opts.preload ?? [])].join(',')}`,
      ...Object.entries(opts.settings ?? {}).map(([k, v]) => `-c ${k}=${v}`),
    ].join(' ');
    const t1 = Date.now();
    try {
      await execFileAsync(
        bins.pg_ctl,
        ['-D', dataDir, '-l', logFile, '-w', '-t', '120', '-o', serverOptions, 'start'],
        { ...execOpts, timeout: 150_000 },
      );
    } catch (err) {
      const tail = readLogTail(logFile);
      lastError =
        `pg_ctl start failed (${bins.pg_ctl}, port ${port}):\n${describeExecError(err)}\n` +
        `--- tail of server log (${logFile}, removed with the temp dir) ---\n${tail}`;
      if (/could not load library/i.test(tail)) {
        lastError +=
          '\nHint: pg_stat_statements must be available (Debian: postgresql-15 ships it; ' +
          'other distributions: install postgresql-contrib).';
      }
      // Make sure a half-started server is not left behind before retrying.
      await execFileAsync(bins.pg_ctl, ['-D', dataDir, '-m', 'immediate', 'stop'], execOpts).catch(() => {});
      if (attempt < 3 && /could not bind|Address already in use/i.test(tail)) {
        log(`port ${port} was taken, retrying`);
        continue;
      }
      await cleanupTmp();
      throw new Error(lastError);
    }
    log(`server started on 127.0.0.1:${port} in ${Date.now() - t1} ms`);

    const cluster: LiveCluster = { pg_ctl: bins.pg_ctl, dataDir, tmpDir, runAs, watchdog: undefined };
    cluster.watchdog = startWatchdog(cluster);
    live.add(cluster);
    installExitHook();

    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        const t2 = Date.now();
        try {
          await execFileAsync(bins.pg_ctl, ['-D', dataDir, '-m', 'immediate', '-w', '-t', '60', 'stop'], {
            ...execOpts,
            timeout: 90_000,
          });
        } catch (err) {
          // Still remove the temp dir; report the failure.
          live.delete(cluster);
          stopWatchdog(cluster);
          const tail = readLogTail(logFile);
          await cleanupTmp();
          throw new Error(`pg_ctl stop failed:\n${describeExecError(err)}\n--- tail of server log ---\n${tail}`);
        }
        live.delete(cluster);
        stopWatchdog(cluster);
        await cleanupTmp();
        log(`server stopped and ${tmpDir} removed in ${Date.now() - t2} ms`);
      })();
      return stopped;
    };

    const restart = async (whileDown?: () => Promise<void>): Promise<void> => {
      await execFileAsync(bins.pg_ctl, ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'], { ...execOpts, timeout: 90_000 });
      try {
        await whileDown?.();
      } finally {
        await execFileAsync(bins.pg_ctl, ['-D', dataDir, '-l', logFile, '-w', '-t', '120', '-o', serverOptions, 'start'], { ...execOpts, timeout: 150_000 });
      }
    };

    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, restart };
  }
  // Unreachable in practice (the loop either returns or throws).
  await cleanupTmp();
  throw new Error(lastError || 'pg_ctl start failed');
}
