/**
 * The API benchmark's "raw driver": the same RLS transaction the API runs — BEGIN [READ ONLY],
 * role + claims, the query, COMMIT — written directly against each driver's public API in the
 * benchmark process, at the same concurrency, in the fewest calls that API allows:
 *
 * - pg: a pooled client; BEGIN and the settings as one simple-query message (literals inlined),
 *   the parameterised query, COMMIT — three round trips.
 * - PGlite: `transaction()` (its lock keeps concurrent transactions apart) with the mode and the
 *   settings as one `exec`, then the parameterised `query` — PGlite's BEGIN, two calls, COMMIT.
 */
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_stat_statements } from '@electric-sql/pglite/contrib/pg_stat_statements';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { percentile } from './lib.ts';

export type Scenario = 'get' | 'list' | 'post';

export interface Rate {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const SQL: Record<Scenario, string> = {
  get: 'SELECT * FROM public.trips WHERE id = $1',
  list: 'SELECT * FROM public.trips ORDER BY start_date, id LIMIT 20',
  post: `INSERT INTO public.trips (user_id, name, start_date, end_date, destination, budget)
         VALUES ($1, 'Bench', '2026-07-01', '2026-07-09', 'Oslo', '1234.50') RETURNING *`,
};

export interface DriverTx {
  scenario: Scenario;
  userId: string;
  /** Who the POST scenario inserts for: not userId, whose list the list scenario reads. */
  writerId: string;
  tripId: number;
}

const settings = (userId: string) =>
  `SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${pg.escapeLiteral(JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated' }))}, true)`;
const actorOf = (t: DriverTx) => (t.scenario === 'post' ? t.writerId : t.userId);
const paramsOf = (t: DriverTx): unknown[] => (t.scenario === 'get' ? [t.tripId] : t.scenario === 'post' ? [t.writerId] : []);

export interface Driver {
  tx(t: DriverTx): Promise<void>;
  close(): Promise<void>;
}

export function pgDriver(url: string, connections: number): Driver {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  return {
    async tx(t) {
      const c = await pool.connect();
      try {
        await c.query(`BEGIN${t.scenario === 'post' ? '' : ' READ ONLY'}; ${settings(actorOf(t))}`);
        await c.query(SQL[t.scenario], paramsOf(t));
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    },
    close: () => pool.end(),
  };
}

export async function pgliteDriver(pgdata: string): Promise<Driver> {
  const db = await PGlite.create({ dataDir: pgdata, extensions: { vector, citext, uuid_ossp, pg_stat_statements } });
  return {
    tx: (t) =>
      db.transaction(async (tx) => {
        await tx.exec(`${t.scenario === 'post' ? '' : 'SET TRANSACTION READ ONLY; '}${settings(actorOf(t))}`);
        await tx.query(SQL[t.scenario], paramsOf(t));
      }),
    close: () => db.close(),
  };
}

/** `connections` loops of transactions for `seconds`. */
export async function driveFor(d: Driver, t: DriverTx, connections: number, seconds: number): Promise<Rate> {
  const lat: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        await d.tx(t);
        lat.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  lat.sort((a, b) => a - b);
  return { rps: lat.length / seconds, p50: percentile(lat, 50), p99: percentile(lat, 99), errors };
}
