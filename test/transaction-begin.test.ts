/**
 * The transaction's first message inlines the caller's role and claims as SQL literals (a simple
 * query cannot bind parameters). An injection test in kysely's spirit: whatever the strings —
 * quotes, backslashes, comment and dollar-quote markers, any Unicode — the database reads back
 * exactly the text that was sent, with standard_conforming_strings on or off, and nothing else
 * runs. Plus: the caller's role, claims and statement timeout all arrive in that one message.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { beginStatement, literal } from '../src/db/begin.ts';
import { openDatabase } from '../src/db/connect.ts';
import type { Database } from '../src/db/database.ts';
import { asCaller, userCaller } from '../src/db/transaction.ts';
import { describeEachBackend } from './harness/backends.ts';

const nasty = fc.constantFrom("'", "''", '\\', "\\'", "'\\", '$$', '$x$', "E'", ';', '--', '/*', '*/', '"', '\n', '\r\n', 'é', '😀', ' ', 'x');
/** Texts PostgreSQL can hold: no NUL, no lone surrogate (UTF-8 cannot carry it). */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;
const text = fc
  .oneof(fc.array(nasty, { maxLength: 12 }).map((a) => a.join('')), fc.string({ unit: 'binary', maxLength: 30 }))
  .filter((s) => !s.includes('\u0000') && wellFormed(s));

async function readBack(db: Database, value: string): Promise<string> {
  return db.transaction({ readOnly: true, settings: { 'tripsage.probe': value } }, async (trx) => {
    const r = await sql<{ v: string }>`SELECT current_setting('tripsage.probe') AS v`.execute(trx);
    return r.rows[0]!.v;
  });
}

async function tripsTableExists(db: Database): Promise<boolean> {
  const r = await db.query<{ t: string | null }>(`SELECT to_regclass('public.trips')::text AS t`);
  return r.rows[0]!.t !== null;
}

describeEachBackend('BEGIN + settings in one message: strict quoting', (ctx) => {
  it('reads back any text exactly (standard_conforming_strings on)', async () => {
    await fc.assert(fc.asyncProperty(text, async (s) => {
      expect(await readBack(ctx.db, s)).toBe(s);
    }), { numRuns: 150 });
    expect(await tripsTableExists(ctx.db)).toBe(true);
  });

  it('claims that try to break out of the literal stay data: the caller and its claims arrive intact', async () => {
    const attempts = [
      "x', true); DROP TABLE public.trips; --",
      "x\\', true); DROP TABLE public.trips; --",
      "'); SELECT set_config('role', 'service_role', true); --",
      '$$; DROP TABLE public.trips; $$',
    ];
    for (const a of attempts) {
      const caller = userCaller('00000000-0000-4000-8000-000000000001', { email: a, app_metadata: { note: a } });
      const r = await asCaller(ctx.db, caller, async (trx) =>
        (await sql<{ who: string; claims: string }>`SELECT current_user AS who, current_setting('request.jwt.claims') AS claims`.execute(trx)).rows[0]!);
      expect(r).toEqual({ who: 'authenticated', claims: JSON.stringify(caller.claims) });
    }
    expect(await tripsTableExists(ctx.db)).toBe(true);
  });

  it('role, claims and the statement timeout ride in the one BEGIN message', async () => {
    const caller = userCaller('00000000-0000-4000-8000-000000000002');
    const r = await asCaller(ctx.db, caller, async (trx) =>
      (await sql<{ who: string; timeout: string; ro: string }>`SELECT current_user AS who, current_setting('statement_timeout') AS timeout, current_setting('transaction_read_only') AS ro`.execute(trx)).rows[0]!,
      { readOnly: true, statementTimeoutMs: 4321 });
    expect(r).toEqual({ who: 'authenticated', timeout: '4321ms', ro: 'on' });
    expect(beginStatement({ readOnly: true, settings: { role: 'anon' } })).toBe(`BEGIN READ ONLY; SELECT set_config('role', 'anon', true)`);
  });

  it('refuses NUL, which a simple-query message cannot carry', () => {
    expect(() => literal('a\u0000b')).toThrow(TypeError);
  });

  describeScsOff(ctx);
});

/** The same property on a session whose standard_conforming_strings is off (backslash escapes in '…'). */
function describeScsOff(ctx: { backend: string; db: Database; url: string | null }) {
  let db: Database;
  beforeAll(async () => {
    if (ctx.backend === 'postgres') {
      const url = new URL(ctx.url!);
      url.searchParams.set('options', '-c standard_conforming_strings=off');
      db = await openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
    } else {
      db = ctx.db; // one connection: a session setting holds for every later transaction
      await db.query('SET standard_conforming_strings = off');
    }
  });
  afterAll(async () => {
    if (db !== ctx.db) await db.close();
    else await db.query('SET standard_conforming_strings = on');
  });

  it('reads back any text exactly (standard_conforming_strings off)', async () => {
    const scs = await db.query<{ s: string }>(`SELECT current_setting('standard_conforming_strings') AS s`);
    expect(scs.rows[0]!.s).toBe('off');
    await fc.assert(fc.asyncProperty(text, async (s) => {
      expect(await readBack(db, s)).toBe(s);
    }), { numRuns: 150 });
    expect(await tripsTableExists(db)).toBe(true);
  });
}
