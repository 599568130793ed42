/**
 * The embedded database as the HTTP thread sees it: a worker thread owning PGlite
 * (pglite-worker.ts), reached through sessions. The thread keeps answering /health, auth and
 * validation errors while the database works.
 *
 * Statement timeout: PGlite cannot interrupt a running statement (it has no signals, and its
 * WebAssembly runs to completion), so a watchdog here stops the worker once a statement passes its
 * deadline and starts a new one on the same data directory — PostgreSQL's crash recovery rolls
 * back the unfinished transaction, exactly as after a kill -9. The statement gets 57014, the
 * other in-flight work 57P01 (both 503 to a client). An in-memory database cannot be reopened:
 * it stays stopped (in-memory databases are for tests).
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../util/module-worker.ts';
import type { Op, Reply, Request, WireError, WorkerData, WorkerEvent } from './pglite-messages.ts';
import { WATCH_DEADLINE, WATCH_REQUEST } from './pglite-messages.ts';

export interface EngineOptions {
  dataDir?: string;
  loadDataDir?: Blob;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timed: boolean;
}

/** A database error as the drivers raise it (translateDbError reads its fields). */
export function engineError(e: WireError): Error {
  return Object.assign(new Error(e.message), e);
}

const stopped = (why: string): WireError => ({ code: '57P01', message: `the embedded database ${why}` });
const TIMED_OUT: WireError = { code: '57014', message: 'canceling statement due to statement timeout' };

export class PGliteEngine {
  private worker!: Worker;
  private readonly watch = new Float64Array(new SharedArrayBuffer(16));
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextSession = 1;
  /** Bumped at each worker start: sessions of an older worker are gone. */
  generation = 0;
  private timed = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private failed: WireError | undefined;

  private constructor(private readonly opts: EngineOptions) {}

  static async start(opts: EngineOptions): Promise<PGliteEngine> {
    const engine = new PGliteEngine(opts);
    await engine.boot(opts.loadDataDir ? await opts.loadDataDir.arrayBuffer() : undefined);
    return engine;
  }

  private boot(load?: ArrayBuffer): Promise<void> {
    this.generation++;
    const workerData: WorkerData = { dataDir: this.opts.dataDir, loadDataDir: load, watchdog: this.watch.buffer as SharedArrayBuffer };
    const worker = startModuleWorker(import.meta.url, 'pglite-worker', { workerData, transferList: load ? [load] : [] });
    this.worker = worker;
    worker.unref();
    return new Promise((ready, fail) => {
      worker.on('message', (m: Reply | WorkerEvent) => {
        if ('id' in m) this.settle(m);
        else if ('ready' in m) ready();
        else if ('failed' in m) fail(engineError(m.failed));
      });
      worker.on('error', (e) => {
        fail(e);
        this.lost(worker, stopped(`failed: ${e.message}`));
      });
      worker.on('exit', () => {
        fail(new Error('the database worker exited while starting'));
        this.lost(worker, stopped('stopped'));
      });
    });
  }

  private settle(m: Reply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.forget(m.id, p);
    if (m.ok) p.resolve(m.result);
    else p.reject(engineError(m.error));
  }

  private forget(id: number, p: Pending): void {
    this.pending.delete(id);
    if (p.timed && --this.timed === 0) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
    if (this.pending.size === 0) this.worker.unref();
  }

  /** The worker is gone (watchdog, crash): fail what it held, and reopen the data directory. */
  private lost(worker: Worker, why: WireError, culprit?: number): void {
    if (worker !== this.worker) return;
    for (const [id, p] of [...this.pending]) {
      this.forget(id, p);
      p.reject(engineError(id === culprit ? TIMED_OUT : why));
    }
    if (this.closing) return;
    if (!this.opts.dataDir) {
      this.failed = stopped('was stopped and, being in memory, cannot be reopened');
      return;
    }
    this.boot().catch((e: Error) => {
      this.failed = stopped(`could not be reopened: ${e.message}`);
    });
  }

  private check = (): void => {
    const deadline = this.watch[WATCH_DEADLINE]!;
    if (deadline === 0 || Date.now() <= deadline) return;
    this.watch[WATCH_DEADLINE] = 0;
    const worker = this.worker;
    this.lost(worker, stopped('was restarted after a statement passed its timeout'), this.watch[WATCH_REQUEST]);
    void worker.terminate();
  };

  /** Sends one operation of a session; resolves with the worker's answer. */
  post(session: number, op: Op, last: boolean, timeoutMs?: number): Promise<unknown> {
    if (this.failed) return Promise.reject(engineError(this.failed));
    if (this.closing) return Promise.reject(engineError(stopped('is closing')));
    const id = this.nextId++;
    const timed = timeoutMs !== undefined && timeoutMs > 0;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject, timed });
      if (timed && this.timed++ === 0) {
        this.watchdog = setInterval(this.check, Math.min(100, Math.max(10, timeoutMs / 4)));
        this.watchdog.unref();
      }
      this.worker.postMessage({ id, session, last, timeoutMs: timed ? timeoutMs : undefined, op } satisfies Request);
    });
  }

  session(): EngineSession {
    return new EngineSession(this, this.nextSession++);
  }

  async dumpDataDir(compression: 'gzip' | 'none' = 'gzip'): Promise<Blob> {
    const buffer = (await this.session().send({ kind: 'dump', compression }, true)) as ArrayBuffer;
    return new Blob([buffer]);
  }

  /** Waits for queued work, then closes PGlite (a clean shutdown: no recovery at the next start). */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((done) => {
      const worker = this.worker;
      if (this.failed || worker.threadId === -1) return done();
      worker.ref();
      worker.once('exit', () => done());
      worker.postMessage({ close: true });
    });
    return this.closing;
  }
}

/**
 * One session: the connection from its first operation to its `last`. A session begun on a worker
 * that has since been replaced is dead — its transaction was rolled back by recovery — so its
 * further statements fail (they must not run outside the transaction they belonged to), and
 * ending it is a no-op.
 */
export class EngineSession {
  private generation: number | undefined;
  private ended = false;

  constructor(
    private readonly engine: PGliteEngine,
    private readonly id: number,
  ) {}

  /** Whether an operation was sent and the session not yet ended. */
  get open(): boolean {
    return this.generation !== undefined && !this.ended;
  }

  send(op: Op, last: boolean, timeoutMs?: number): Promise<unknown> {
    if (this.ended) return Promise.reject(new Error('this database session has ended'));
    this.generation ??= this.engine.generation;
    if (last) this.ended = true;
    if (this.generation !== this.engine.generation) {
      if (op.kind === 'release' || (op.kind === 'end' && !op.commit)) return Promise.resolve(undefined);
      return Promise.reject(engineError(stopped('was restarted during this transaction; it was rolled back')));
    }
    return this.engine.post(this.id, op, last, timeoutMs);
  }
}
