/**
 * No statement of a request runs forever: past the statement timeout it is stopped, the request
 * gets a clear 503 (never a 500), its transaction leaves nothing behind, and the database serves
 * the next request. PostgreSQL stops it itself (statement_timeout); PGlite cannot interrupt a
 * statement, so the engine stops its database thread and reopens the data directory.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import type { Database } from '../src/db/database.ts';
import { DbError } from '../src/db/errors.ts';
import { asCaller, SERVICE } from '../src/db/transaction.ts';
import { toHttpError } from '../src/http/app.ts';
import { testBackends } from './harness/backends.ts';

const RUNAWAY = sql`SELECT count(*) FROM generate_series(1, 10000000000)`;

for (const backend of testBackends()) {
  describe(`statement timeout [${backend.name}]`, () => {
    let db: Database;
    let drop = async () => {};
    beforeAll(async () => {
      if (backend.name === 'pglite') {
        // On disk: the engine reopens the data directory after stopping a runaway statement.
        const dataDir = mkdtempSync(join(tmpdir(), 'tripsage-timeout-'));
        db = await openDatabase({ dataDir, loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
      } else {
        const h = await backend.clone();
        db = h.db;
        drop = h.drop;
      }
      await db.query(`CREATE TABLE public.timeout_probe (n int)`);
      await db.query(`GRANT ALL ON public.timeout_probe TO service_role`);
      await db.query(`INSERT INTO public.timeout_probe VALUES (1)`);
    });
    afterAll(async () => {
      await db?.close();
      await drop();
    });

    it('stops the statement with 57014 (503 statement_timeout), rolls its transaction back, and serves the next one', async () => {
      const err = await asCaller(db, SERVICE, async (trx) => {
        await sql`INSERT INTO public.timeout_probe VALUES (2)`.execute(trx);
        await RUNAWAY.execute(trx);
      }, { statementTimeoutMs: 300 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DbError);
      expect(err).toMatchObject({ kind: 'timeout', sqlstate: '57014' });
      const http = toHttpError(err, true);
      expect({ status: http.status, code: http.code }).toEqual({ status: 503, code: 'statement_timeout' });

      const rows = await asCaller(db, SERVICE, async (trx) => (await sql<{ n: number }>`SELECT n FROM public.timeout_probe ORDER BY n`.execute(trx)).rows);
      expect(rows).toEqual([{ n: 1 }]); // committed before: kept; the timed-out transaction's row: gone
    });

    it('does not apply outside requests that ask for it (migrations, jobs, the CLI)', async () => {
      const r = await asCaller(db, SERVICE, async (trx) => (await sql<{ t: string }>`SELECT current_setting('statement_timeout') AS t`.execute(trx)).rows[0]!);
      expect(r.t).toBe('0');
    });
  });
}
