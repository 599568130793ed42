/**
 * The embedded data directory: PGlite's cluster in `pgdata/`, TripSage's generated secrets beside
 * it, and a lock file so that a second process cannot open (and corrupt) the same cluster.
 *
 * Everything in it is owner-only. The directory itself is what keeps other local users out (they
 * cannot enter a 0700 directory whatever the modes inside), so a directory that already holds
 * something and that others may enter is refused, with the command that fixes it; an empty one
 * (just made with `mkdir`) is simply tightened. PGlite sets its own file modes (0666 for the
 * cluster it unpacks, 0644 for relcache files it rewrites), which a umask does not cover, so
 * `tightenTree` puts every file back to owner-only when the database opens and closes.
 */
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isAlive, processStartTime } from '../util/process.ts';

export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(
      `The data directory ${dataDir} is in use by process ${pid}. PGlite is a single-process ` +
        `database: stop that process first, or point this one at another directory ` +
        `(--data-dir or TRIPSAGE_DATA_DIR), or use a PostgreSQL server (DATABASE_URL) to share data.`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** The data directory cannot be used as it is (others may enter it, or it is not a directory). */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

export function pgDataPath(dataDir: string): string {
  return join(resolve(dataDir), 'pgdata');
}

/** Shell-quoted for the one-line hint (paths with spaces or quotes). */
const shellQuote = (p: string) => (/^[\w./@%+=:,-]+$/.test(p) ? p : `'${p.replaceAll("'", "'\\''")}'`);

/**
 * Creates the data directory owner-only, or checks an existing one: an empty directory is
 * tightened to 0700; one with contents that group or others may enter is refused.
 */
export function prepareDataDir(dataDir: string): string {
  const dir = resolve(dataDir);
  const notADirectory = () =>
    new DataDirError(`the data directory ${dir} is not a directory: point --data-dir (TRIPSAGE_DATA_DIR) at a directory`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw notADirectory(); // it, or a parent, is a file
    throw e;
  }
  const st = statSync(dir);
  if (!st.isDirectory()) throw notADirectory();
  if ((st.mode & 0o077) === 0) return dir;
  if (readdirSync(dir).length === 0) {
    chmodSync(dir, 0o700); // nothing in it yet: made by `mkdir` with the default umask
    return dir;
  }
  throw new DataDirError(
    `the data directory ${dir} can be read or entered by other users (mode ${(st.mode & 0o777).toString(8)}), and it holds ` +
      `password hashes and keys: refusing to use it. Run: chmod -R go-rwx ${shellQuote(dir)}`,
  );
}

/** chmod go-rwx on `path` and everything under it (symbolic links are left alone). */
export function tightenTree(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return; // removed meanwhile (a temporary file of PGlite's)
  }
  if (st.isSymbolicLink()) return;
  if (st.mode & 0o077) chmodSync(path, st.mode & 0o700);
  if (st.isDirectory()) for (const e of readdirSync(path)) tightenTree(join(path, e));
}

interface LockOwner {
  pid: number;
  /** The owner's start time (Linux), so a reused pid is not mistaken for the owner. */
  started?: string;
}

function readLock(lockPath: string): LockOwner | undefined {
  try {
    const text = readFileSync(lockPath, 'utf8').trim();
    // Older locks hold the pid alone.
    const owner = (text.startsWith('{') ? JSON.parse(text) : { pid: Number(text) }) as LockOwner;
    return Number.isInteger(owner.pid) && owner.pid > 0 ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock's owner still runs: alive, not a zombie, and not a later process with its pid. */
function ownerRuns(owner: LockOwner): boolean {
  if (owner.pid === process.pid || !isAlive(owner.pid)) return false;
  const started = processStartTime(owner.pid);
  return !owner.started || !started || started === owner.started;
}

/** Takes the directory's lock (after prepareDataDir); returns the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  const dir = prepareDataDir(dataDir);
  const lockPath = join(dir, 'tripsage.lock');
  const me: LockOwner = { pid: process.pid, started: processStartTime(process.pid) };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(lockPath, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readLock(lockPath);
      if (owner && ownerRuns(owner)) throw new DataDirLockedError(dir, owner.pid);
      // A lock left by a process that is gone (kill -9, power loss) or a zombie nobody reaped.
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock ${lockPath}`);
}
