/**
 * The database worker: a worker thread that owns the embedded PGlite, so its WebAssembly never
 * runs on the HTTP thread. Started by pglite-engine.ts; speaks pglite-messages.ts.
 *
 * PGlite is one connection. Sessions (a request's transaction, a migration run) get it one at a
 * time, first come first served: a session keeps it from its first operation to its `last`, and
 * operations of other sessions wait in arrival order. Queueing here, rather than on the HTTP
 * thread, means the next transaction's first statement is already waiting when the previous one
 * commits: the engine never idles for a thread hop between transactions.
 */
import { parentPort, workerData as rawWorkerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_stat_statements } from '@electric-sql/pglite/contrib/pg_stat_statements';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { vector } from '@electric-sql/pglite-pgvector';
import { WATCH_DEADLINE, WATCH_REQUEST, type Reply, type Request, type WorkerData, type WorkerEvent } from './pglite-messages.ts';
import { Wire, wireError } from './pglite-wire.ts';
import { typeParsers } from './types.ts';

const port = parentPort!;
const data = rawWorkerData as WorkerData;
const watch = new Float64Array(data.watchdog);

const post = (m: Reply | WorkerEvent) => port.postMessage(m);

let pg: PGlite;
let wire: Wire;
try {
  pg = await PGlite.create({
    dataDir: data.dataDir,
    loadDataDir: data.loadDataDir ? new Blob([data.loadDataDir]) : undefined,
    extensions: { vector, citext, uuid_ossp, pg_stat_statements },
    parsers: typeParsers,
  });
  await pg.exec(`SET TIME ZONE 'UTC'`);
  wire = new Wire(pg);
  post({ ready: true });
} catch (e) {
  post({ failed: wireError(e) });
  process.exit(1);
}

/** Sessions in arrival order (a Map iterates in insertion order), each with its queued operations. */
const sessions = new Map<number, Request[]>();
let active: number | undefined;
let pumping = false;
let closeRequested = false;

async function perform(r: Request): Promise<unknown> {
  const op = r.op;
  switch (op.kind) {
    case 'query':
      return wire.query(op.sql, op.params, op.pre);
    case 'exec':
      return wire.exec(op.sql);
    case 'end':
      return wire.exec(op.commit ? 'COMMIT' : 'ROLLBACK', { keepStatements: true });
    case 'release':
      return undefined;
    case 'dump': {
      const blob = await pg.dumpDataDir(op.compression);
      return blob.arrayBuffer();
    }
  }
}

async function run(r: Request): Promise<void> {
  watch[WATCH_REQUEST] = r.id;
  watch[WATCH_DEADLINE] = r.timeoutMs ? Date.now() + r.timeoutMs : 0;
  try {
    const result = await perform(r);
    watch[WATCH_DEADLINE] = 0;
    if (result instanceof ArrayBuffer) port.postMessage({ id: r.id, ok: true, result } satisfies Reply, [result]);
    else post({ id: r.id, ok: true, result });
  } catch (e) {
    watch[WATCH_DEADLINE] = 0;
    post({ id: r.id, ok: false, error: wireError(e) });
  }
}

async function pump(): Promise<void> {
  if (pumping) return;
  pumping = true;
  try {
    for (;;) {
      active ??= sessions.keys().next().value;
      if (active === undefined) break;
      const r = sessions.get(active)!.shift();
      if (!r) break; // the active session's next operation has not arrived yet
      await run(r);
      if (r.last) {
        sessions.delete(active);
        active = undefined;
      }
    }
  } finally {
    pumping = false;
  }
  if (closeRequested && active === undefined && sessions.size === 0) await shutDown();
}

async function shutDown(): Promise<void> {
  if (!pg.closed) await pg.close();
  post({ closed: true });
  // Ends this thread only, in order (a profiler's output is written; nothing is cut short).
  process.exit(0);
}

port.on('message', (m: Request | { close: true }) => {
  if ('close' in m) closeRequested = true;
  else {
    const queue = sessions.get(m.session);
    if (queue) queue.push(m);
    else sessions.set(m.session, [m]);
  }
  void pump();
});
