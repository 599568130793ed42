/**
 * Waiting for observable states instead of time: a condition polled until it holds (the test's
 * own timeout bounds it), and the database held busy on purpose.
 */
import type { Database } from '../../src/db/database.ts';

export async function until(condition: () => boolean | Promise<boolean>, pollMs = 10): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, pollMs));
}

/**
 * Holds one database connection — PGlite's only one, or one of a pool — until the returned
 * function is called; requests needing it wait meanwhile.
 */
export async function holdDatabase(db: Database): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held!: () => void;
  const holding = new Promise<void>((r) => (held = r));
  const session = db.withSession(async (s) => {
    await s.query('SELECT 1');
    held();
    await released;
  });
  await holding;
  return async () => {
    release();
    await session;
  };
}
