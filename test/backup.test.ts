/**
 * db backup / db restore round-trip: every table's contents are equal before and after.
 */
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase, tableChecksums } from '../src/db/backup.ts';
import { openDatabase } from '../src/db/connect.ts';
import type { Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createUser, testBackends } from './harness/backends.ts';

async function seed(db: Database): Promise<void> {
  const uid = await createUser(db);
  const t = await db.query<{ id: number }>(
    `INSERT INTO trips (user_id, name, start_date, end_date, destination, budget)
     VALUES ($1, 'Kyoto', '2026-04-01', '2026-04-08', 'Kyoto', '2500.55') RETURNING id`, [uid]);
  await db.query(
    `INSERT INTO flights (trip_id, origin, destination, departure_time, arrival_time, price)
     VALUES ($1, 'AMS', 'KIX', '2026-04-01T10:00:00Z', '2026-04-02T08:00:00Z', '812.40')`, [t.rows[0]!.id]);
  await db.query(`INSERT INTO price_history (entity_type, entity_ref, price, currency, timestamp, source)
                  VALUES ('flight', 'AMS-KIX', '799.99', 'EUR', now(), 'test')`);
}

async function scribble(db: Database): Promise<void> {
  await db.query(`DELETE FROM flights`);
  await db.query(`UPDATE trips SET budget = 1`);
  await createUser(db);
}

/** Whole clusters dumped and loaded: a cap for a busy machine, not an expectation. */
const SLOW = 900_000;

describe('db backup / restore', () => {
  it('embedded: a data-dir dump restores every table exactly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tripsage-backup-'));
    const file = join(dataDir, '..', `backup-${Date.now()}.tgz`);
    let db = await openDatabase({ dataDir });
    await migrate(db);
    await seed(db);
    const before = await tableChecksums(db);
    writeFileSync(file, 'an older file, readable by all', { mode: 0o644 });
    await backupDatabase(db, file);
    expect(statSync(file).mode & 0o777).toBe(0o600); // it holds password hashes: owner-only, also over an old file
    await scribble(db);
    expect(await tableChecksums(db)).not.toEqual(before);
    await db.close();

    const kept = await restoreDatabase({ dataDir }, file);
    expect(kept).toMatch(/pgdata\.before-restore-/);
    db = await openDatabase({ dataDir });
    try {
      expect(await tableChecksums(db)).toEqual(before);
    } finally {
      await db.close();
    }
  }, SLOW);

  it('embedded: restoring into a directory without data keeps no copy of nothing', async () => {
    const source = mkdtempSync(join(tmpdir(), 'tripsage-backup-'));
    const file = join(source, '..', `backup-${Date.now()}.tgz`);
    const db = await openDatabase({ dataDir: source });
    await migrate(db);
    await seed(db);
    const before = await tableChecksums(db);
    await backupDatabase(db, file);
    await db.close();

    const empty = mkdtempSync(join(tmpdir(), 'tripsage-restore-'));
    expect(await restoreDatabase({ dataDir: empty }, file)).toBeUndefined();
    // A cluster that was never migrated (a command run on an empty directory) is nothing either.
    const unmigrated = mkdtempSync(join(tmpdir(), 'tripsage-restore-'));
    await (await openDatabase({ dataDir: unmigrated })).close();
    expect(await restoreDatabase({ dataDir: unmigrated }, file)).toBeUndefined();
    for (const dir of [empty, unmigrated]) {
      expect(readdirSync(dir).filter((f) => f.startsWith('pgdata.'))).toEqual([]);
      const restored = await openDatabase({ dataDir: dir });
      try {
        expect(await tableChecksums(restored)).toEqual(before);
      } finally {
        await restored.close();
      }
    }
  }, SLOW);

  const pg = testBackends().find((b) => b.name === 'postgres');
  if (pg) {
    it('server: pg_dump / pg_restore restores every table exactly', async () => {
      const h = await pg.clone();
      const file = join(mkdtempSync(join(tmpdir(), 'tripsage-backup-')), 'backup.dump');
      try {
        await seed(h.db);
        const before = await tableChecksums(h.db);
        await backupDatabase(h.db, file, h.url!);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        await scribble(h.db);
        expect(await tableChecksums(h.db)).not.toEqual(before);
        await h.db.close();
        await restoreDatabase({ databaseUrl: h.url! }, file);
        const again = await openDatabase({ databaseUrl: h.url! });
        try {
          expect(await tableChecksums(again)).toEqual(before);
        } finally {
          await again.close();
        }
      } finally {
        await h.drop();
      }
    }, SLOW);
  }
});
