/**
 * The statement that opens a transaction — BEGIN, its modes, and transaction-local settings (the
 * caller's role and claims, the statement timeout) — as ONE simple-query message, so a request
 * pays one round trip for all of it (PostgREST does the same). A simple query cannot carry bound
 * parameters, so the values are inlined as literals, quoted strictly by `literal`.
 */
import pg from 'pg';

export type IsolationLevel = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable';

export interface BeginOptions {
  readOnly?: boolean;
  isolationLevel?: IsolationLevel;
  /** Transaction-local settings: set_config(name, value, true), in this order. */
  settings?: Record<string, string>;
}

const ISOLATION: Record<IsolationLevel, string> = {
  'read uncommitted': 'ISOLATION LEVEL READ UNCOMMITTED',
  'read committed': 'ISOLATION LEVEL READ COMMITTED',
  'repeatable read': 'ISOLATION LEVEL REPEATABLE READ',
  serializable: 'ISOLATION LEVEL SERIALIZABLE',
};

/**
 * A string as an SQL literal: pg's escapeLiteral doubles quotes and, when the text holds a
 * backslash, writes an E'' literal with the backslashes doubled — read the same whether or not
 * standard_conforming_strings is on. Both engines speak UTF-8 to us, where no multi-byte
 * character hides a quote or a backslash. NUL cannot travel in a simple query (it ends the
 * string) and PostgreSQL text cannot hold it: refused.
 */
export function literal(value: string): string {
  if (value.includes('\u0000')) throw new TypeError('an SQL literal cannot contain NUL');
  return pg.escapeLiteral(value);
}

export function beginStatement(o: BeginOptions = {}): string {
  const modes = [o.isolationLevel ? ISOLATION[o.isolationLevel] : '', o.readOnly ? 'READ ONLY' : ''].filter(Boolean);
  const begin = modes.length ? `BEGIN ${modes.join(', ')}` : 'BEGIN';
  const settings = Object.entries(o.settings ?? {});
  if (!settings.length) return begin;
  return `${begin}; SELECT ${settings.map(([k, v]) => `set_config(${literal(k)}, ${literal(v)}, true)`).join(', ')}`;
}
