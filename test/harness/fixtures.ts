/**
 * Rows written straight into the database (as the connection's superuser), for the suites that
 * test the schema itself: constraints, triggers.
 */
import { expect } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { DbError } from '../../src/db/errors.ts';
import { createUser } from './backends.ts';

export type Row = Record<string, unknown>;

/** A user with a trip and a chat session. */
export interface Fixture {
  userId: string;
  tripId: number;
  sessionId: string;
}

/** INSERT … RETURNING * from a column → value map (values go as parameters). */
export async function insert(db: Database, table: string, row: Row): Promise<Row> {
  const cols = Object.keys(row);
  const text = `INSERT INTO public.${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols
    .map((_, i) => `$${i + 1}`)
    .join(', ')}) RETURNING *`;
  const r = await db.query<Row>(text, Object.values(row));
  return r.rows[0]!;
}

/** The DbError a statement fails with; fails the test when it succeeds. */
export async function failure(p: Promise<unknown>): Promise<DbError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DbError);
    return e as DbError;
  }
  throw new Error('expected the statement to be rejected, but it succeeded');
}

export async function makeFixture(db: Database): Promise<Fixture> {
  const userId = await createUser(db);
  const trip = await insert(db, 'trips', {
    user_id: userId, name: 'Kyoto', start_date: '2026-10-01', end_date: '2026-10-08', destination: 'Kyoto', budget: '3000',
  });
  const session = await insert(db, 'chat_sessions', { user_id: userId });
  return { userId, tripId: trip.id as number, sessionId: session.id as string };
}
