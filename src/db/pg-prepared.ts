/**
 * Server-side prepared statements for a request's statements on PostgreSQL, per connection and
 * bounded. Parsing and planning a statement under RLS was half of PostgreSQL's time for a GET of
 * one trip (measured: 1,600 → 3,100 transactions/s for the same statement once prepared; see
 * docs/benchmarks.md). Statements are keyed by their text, which Kysely builds with parameters,
 * so a connection sees a bounded set of shapes in practice; /rest/v1 lets a client build new
 * shapes at will, so each connection keeps at most `max` and deallocates the least recently used.
 *
 * Off (`max` 0) for a transaction-mode connection pooler that does not keep prepared statements
 * across transactions (PgBouncer before 1.21 or without max_prepared_statements, Supabase's
 * transaction pooler on port 6543): TRIPSAGE_PG_PREPARED_STATEMENTS=0.
 */
import type pg from 'pg';

interface Parsed {
  connection: { parsedStatements: Record<string, string> };
}

const caches = new WeakMap<pg.ClientBase, Map<string, string>>();
let counter = 0;

export interface Prepared {
  /** The statement's name on this connection. */
  name: string;
  /** A statement to send first: DEALLOCATE of the statement this one displaced. */
  evict?: string;
}

/** The name to run `text` under on `client`; undefined when preparing is off. */
export function prepare(client: pg.ClientBase, text: string, max: number): Prepared | undefined {
  if (max <= 0) return undefined;
  let names = caches.get(client);
  if (!names) caches.set(client, (names = new Map()));
  const known = names.get(text);
  if (known) {
    // Most recently used last: a Map iterates in insertion order.
    names.delete(text);
    names.set(text, known);
    return { name: known };
  }
  const name = `tripsage_${(counter++).toString(36)}`;
  names.set(text, name);
  if (names.size <= max) return { name };
  const [oldText, oldName] = names.entries().next().value as [string, string];
  names.delete(oldText);
  const parsed = (client as unknown as Parsed).connection.parsedStatements;
  // Only a statement the server confirmed: a DEALLOCATE of an unknown name would abort the
  // transaction it is sent in (a Parse that failed never made one).
  if (parsed[oldName] === undefined) return { name };
  delete parsed[oldName];
  return { name, evict: `DEALLOCATE ${oldName}` };
}
