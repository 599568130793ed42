/**
 * Issue 11, the request path: a one-statement transaction (TransactionOptions.oneStatement) and,
 * on PostgreSQL, what rides together on the wire — BEGIN + settings with the first statement,
 * COMMIT too for one statement — and the per-connection prepared statements (src/db/pg-prepared.ts).
 * Writes are counted on the client's own socket; prepared statements are read from the server.
 */
import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import type { Database } from '../src/db/database.ts';
import { describeEachBackend } from './harness/backends.ts';

const user = { role: 'authenticated', 'request.jwt.claims': JSON.stringify({ sub: '00000000-0000-4000-8000-000000000001', role: 'authenticated' }) };
const one = (db: Database, fn: Parameters<Database['transaction']>[1]) => db.transaction({ readOnly: true, oneStatement: true, settings: user }, fn);

describeEachBackend('one-statement transactions', (ctx) => {
  it('answer their statement as the caller', async () => {
    const r = await one(ctx.db, async (trx) => (await sql<{ who: string }>`SELECT current_user AS who`.execute(trx)).rows[0]);
    expect(r).toEqual({ who: 'authenticated' });
  });

  it('refuse a second statement, which never runs outside the transaction', async () => {
    let second = false;
    await expect(one(ctx.db, async (trx) => {
      await sql`SELECT 1`.execute(trx);
      await sql`SELECT 2`.execute(trx);
      second = true;
    })).rejects.toThrow(/oneStatement/);
    expect(second).toBe(false);
  });

  it("report their statement's error, and leave the connection clean", async () => {
    await expect(one(ctx.db, async (trx) => sql`SELECT 1 / 0`.execute(trx))).rejects.toMatchObject({ sqlstate: '22012' });
    // The next transaction is a new one: not read-only, not aborted.
    const r = await ctx.db.transaction({ settings: user }, async (trx) =>
      (await sql<{ ro: string }>`SELECT current_setting('transaction_read_only') AS ro`.execute(trx)).rows[0]);
    expect(r).toEqual({ ro: 'off' });
  });
});

/** Socket writes to the database server while `fn` runs. */
async function writesDuring(port: number, fn: () => Promise<unknown>): Promise<number> {
  const proto = net.Socket.prototype as unknown as Record<'_write' | '_writev', (...a: unknown[]) => unknown>;
  const original = { _write: proto._write, _writev: proto._writev };
  let writes = 0;
  for (const k of ['_write', '_writev'] as const) {
    proto[k] = function (this: net.Socket, ...a: unknown[]) {
      if (this.remotePort === port) writes++;
      return original[k].apply(this, a);
    };
  }
  try {
    await fn();
  } finally {
    Object.assign(proto, original);
  }
  return writes;
}

describeEachBackend('the request path on the wire', (ctx) => {
  let db: Database;
  let port: number;
  beforeAll(async () => {
    db = await openDatabase({ databaseUrl: ctx.url!, poolSize: 1, preparedStatements: 2 });
    port = Number(new URL(ctx.url!).port);
  });
  afterAll(async () => db?.close());

  const statements = async () =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'tripsage\\_%'`)).rows[0]!.n;

  it('one statement: BEGIN, it and COMMIT in one write; two statements: the second and COMMIT after it', async () => {
    const select = (trx: Parameters<Parameters<Database['transaction']>[1]>[0]) => sql`SELECT current_user`.execute(trx);
    await one(db, select); // connected and prepared
    expect(await writesDuring(port, () => one(db, select))).toBe(1);
    expect(await writesDuring(port, () => db.transaction({ settings: user }, async (trx) => {
      await select(trx);
      await select(trx);
    }))).toBe(3);
  });

  it('keeps at most the configured number of prepared statements per connection, the least recently used going first', async () => {
    for (const n of [1, 2, 3, 4]) await one(db, (trx) => sql`SELECT ${sql.lit(n)} AS n`.execute(trx));
    expect(await statements()).toBe(2);
    const r = await one(db, (trx) => sql<{ n: number }>`SELECT ${sql.lit(4)} AS n`.execute(trx)) as { rows: unknown[] };
    expect(r.rows).toEqual([{ n: 4 }]);
  });

  it('a prepared statement whose table changed shape: that request gets a retryable error, the connection is replaced, the next is served', async () => {
    await db.query('CREATE TABLE public.shape_probe (a int)');
    await db.query('INSERT INTO public.shape_probe VALUES (1)');
    const read = () => db.transaction({}, async (trx) => (await sql`SELECT * FROM public.shape_probe`.execute(trx)).rows);
    expect(await read()).toEqual([{ a: 1 }]);
    await db.query('ALTER TABLE public.shape_probe ADD COLUMN b int');
    await expect(read()).rejects.toMatchObject({ kind: 'unavailable', sqlstate: '08006' });
    expect(await read()).toEqual([{ a: 1, b: null }]);
    await db.query('DROP TABLE public.shape_probe');
  });
}, { only: 'postgres' });
