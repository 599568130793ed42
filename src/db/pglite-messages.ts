/**
 * What crosses between the HTTP thread and the database worker (pglite-engine.ts ⇄
 * pglite-worker.ts). Everything here is structured-clone data: no functions, no classes.
 */

/** A bound parameter as the wire carries it (pg's prepareValue, applied before sending). */
export type Param = string | Uint8Array | null;

export type Op =
  /** `pre`: a simple query run first in the same engine call (BEGIN + settings). */
  | { kind: 'query'; sql: string; params: Param[]; pre?: string }
  /** A caller's script (migrations): several statements, no parameters. */
  | { kind: 'exec'; sql: string }
  /** COMMIT or ROLLBACK of the session's transaction. */
  | { kind: 'end'; commit: boolean }
  /** Ends a session that held the connection without a transaction of ours. */
  | { kind: 'release' }
  | { kind: 'dump'; compression: 'gzip' | 'none' };

/**
 * One operation of a session. The worker runs sessions one at a time, in the order their first
 * operation arrived (first come, first served), and a session's operations in order; `last`
 * hands the connection to the next session.
 */
export interface Request {
  id: number;
  session: number;
  last: boolean;
  /** Statement timeout: the watchdog on the HTTP thread stops the worker past it. */
  timeoutMs?: number;
  op: Op;
}

export type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WireError };

export type WorkerEvent = { ready: true } | { failed: WireError } | { closed: true };

/** PostgreSQL's error fields (or a JavaScript error's message), as plain data. */
export interface WireError {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  dataType?: string;
  severity?: string;
  position?: string;
  where?: string;
  routine?: string;
}

export interface WorkerData {
  dataDir?: string;
  loadDataDir?: ArrayBuffer;
  /** Float64Array[2]: the running request's deadline (epoch ms, 0 = none) and its id. */
  watchdog: SharedArrayBuffer;
}

export const WATCH_DEADLINE = 0;
export const WATCH_REQUEST = 1;
