/**
 * Statements on a PGlite instance through PostgreSQL's wire protocol, in as few engine calls as
 * the protocol allows (runs inside the database worker, see pglite-worker.ts).
 *
 * PGlite's own `query()` makes six engine calls per statement (parse, describe, bind, describe,
 * execute, sync) and re-plans it every time. Here one call carries everything a statement needs —
 * and, for the first statement of a transaction, the simple-query BEGIN + settings before it —
 * and repeated SQL runs as a named prepared statement (PostgreSQL then reuses its plan; RLS
 * policies still apply: a plan made under another role is re-planned by PostgreSQL itself).
 * Measured on this machine: the transaction of an authenticated GET went from ≈1,900/s (three
 * PGlite calls) to ≈8,000/s (two calls, prepared).
 */
import { parse, protocol, type PGlite } from '@electric-sql/pglite';
import type { WireError } from './pglite-messages.ts';

const { serialize } = protocol;

type Message = Awaited<ReturnType<PGlite['execProtocol']>>['messages'][number];
type Param = string | Uint8Array | null;

export interface WireResult {
  rows: unknown[];
  affectedRows?: number;
}

/** PostgreSQL's error as a plain object (it crosses the thread boundary). */
export function wireError(e: unknown): WireError {
  const err = e as Record<string, unknown> & { message?: string };
  const out: WireError = { message: String(err?.message ?? e) };
  for (const k of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'dataType', 'severity', 'position', 'where', 'routine'] as const) {
    if (typeof err?.[k] === 'string') out[k] = err[k] as string;
  }
  return out;
}

class WireFailure extends Error {
  constructor(readonly error: WireError) {
    super(error.message);
  }
}

const CACHED_PLAN_CHANGED = '0A000';
/** DDL makes cached plans stale: after it, the statement cache starts afresh. */
const DDL = /^\s*(create|alter|drop|comment|grant|revoke|truncate|reindex|cluster|do|security|import)\b/i;

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export class Wire {
  /** SQL text → prepared statement name, oldest first (a Map keeps insertion order: LRU). */
  private readonly statements = new Map<string, string>();
  private counter = 0;
  /** Whether the last call left the session outside any transaction. */
  private idle = true;
  /** Close messages for evicted statements, sent with the next call. */
  private closing: Uint8Array[] = [];

  constructor(
    private readonly pg: PGlite,
    private readonly maxStatements = 500,
  ) {}

  /** `pre` (a simple query, e.g. BEGIN + settings), then the parameterised `sql`, in one call. */
  async query(sql: string, params: Param[], pre?: string): Promise<WireResult> {
    try {
      try {
        return await this.run(sql, params, pre);
      } catch (e) {
        // A plan cached before DDL sent through query() (a test's ALTER, say) may no longer fit:
        // run() forgot that statement; outside a transaction it is safe to run it once more.
        if (e instanceof WireFailure && e.error.code === CACHED_PLAN_CHANGED && !pre && this.idle) return await this.run(sql, params);
        throw e;
      }
    } catch (e) {
      throw e instanceof WireFailure ? e.error : e;
    } finally {
      if (DDL.test(sql)) this.forgetAll();
    }
  }

  /** A script of one or more statements (simple query); its DDL makes every cached plan stale. */
  async exec(sql: string, { keepStatements = false } = {}): Promise<void> {
    const messages = await this.call([serialize.query(sql)]);
    if (!keepStatements) this.forgetAll();
    const error = messages.find((m) => m.name === 'error');
    if (error) throw wireError(error);
  }

  private async run(sql: string, params: Param[], pre?: string): Promise<WireResult> {
    const parts: Uint8Array[] = [];
    if (pre) parts.push(serialize.query(pre));
    let name = this.statements.get(sql);
    const fresh = name === undefined;
    if (name === undefined) {
      name = `t${++this.counter}`;
      parts.push(serialize.parse({ name, text: sql, types: [] }));
    } else {
      // Most recently used goes to the end.
      this.statements.delete(sql);
      this.statements.set(sql, name);
    }
    parts.push(serialize.bind({ statement: name, values: params }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync());
    const messages = await this.call(parts);

    let start = 0;
    if (pre) {
      start = messages.findIndex((m) => m.name === 'readyForQuery') + 1;
      const preError = messages.slice(0, start).find((m) => m.name === 'error');
      if (preError) throw new WireFailure(wireError(preError));
    }
    const own = messages.slice(start);
    if (fresh && own.some((m) => m.name === 'parseComplete')) this.remember(sql, name);
    const error = own.find((m) => m.name === 'error');
    if (error) {
      const e = wireError(error);
      if (e.code === CACHED_PLAN_CHANGED) this.forget(sql);
      throw new WireFailure(e);
    }
    const result = parse.parseResults(own, this.pg.parsers, { rowMode: 'object' })[0]!;
    return { rows: result.rows, affectedRows: result.affectedRows };
  }

  private async call(parts: Uint8Array[]): Promise<Message[]> {
    // Evicted statements are closed after this call's own messages (their answers come last).
    if (this.closing.length) {
      parts.push(...this.closing, serialize.sync());
      this.closing = [];
    }
    // The data directory lives on NODEFS (files written directly) or in memory: no sync step.
    const { messages } = await this.pg.execProtocol(concat(parts), { throwOnError: false, syncToFs: false });
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i] as Message & { status?: string };
      if (m.name !== 'readyForQuery') continue;
      this.idle = m.status === 'I';
      break;
    }
    return messages;
  }

  private remember(sql: string, name: string): void {
    this.statements.set(sql, name);
    if (this.statements.size <= this.maxStatements) return;
    const [oldest, oldName] = this.statements.entries().next().value as [string, string];
    this.statements.delete(oldest);
    this.closing.push(serialize.close({ type: 'S', name: oldName }));
  }

  private forget(sql: string): void {
    const name = this.statements.get(sql);
    if (name === undefined) return;
    this.statements.delete(sql);
    this.closing.push(serialize.close({ type: 'S', name }));
  }

  private forgetAll(): void {
    for (const name of this.statements.values()) this.closing.push(serialize.close({ type: 'S', name }));
    this.statements.clear();
  }
}
