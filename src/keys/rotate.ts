/**
 * Master-key rotation: re-encrypt every stored API key that is not yet under the ring's newest
 * version. In batches, each its own service_role transaction that locks its rows with
 * `FOR UPDATE SKIP LOCKED` (a concurrent rotation or key update is never waited on or
 * overwritten), walking the table by id. Resumable by construction: the work left is exactly the
 * rows whose envelope is not on the newest version, so an interrupted run is simply run again.
 */
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { asCaller, SERVICE } from '../db/transaction.ts';
import { decryptSecret, DecryptError, encryptSecret, type KeyRing } from './crypto.ts';

export interface RotateOptions {
  /** Rows per transaction (default 100). */
  batchSize?: number;
  /** Stop after this many rows have been re-encrypted (default: all). */
  limit?: number;
  /** Called after each batch with the rows done so far and the total at the start. */
  onProgress?: (done: number, total: number) => void;
}

export interface RotateResult {
  /** The version every rotated row is now under. */
  version: number;
  /** Rows not on `version` when the run started. */
  total: number;
  rotated: number;
  /** Rows that could not be decrypted with the ring (left untouched). */
  failed: Array<{ id: number; error: string }>;
  /** Rows still not on `version` after the run (failed, locked by someone else, or past `limit`). */
  remaining: number;
}

interface Stored {
  id: number;
  user_id: string;
  service_name: string;
  key_name: string;
  encrypted_value: string;
}

/** Rows not under `version`; `tsk1:<version>:…` is the envelope's prefix. */
const notOn = (version: number) => sql<boolean>`NOT starts_with(encrypted_value, ${`tsk1:${version}:`})`;

export async function countToRotate(db: Database, ring: KeyRing): Promise<number> {
  return asCaller(db, SERVICE, async (trx) => {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM public.api_keys WHERE ${notOn(ring.current)}`.execute(trx);
    return r.rows[0]!.n;
  }, { readOnly: true });
}

export async function rotateKeys(db: Database, ring: KeyRing, opts: RotateOptions = {}): Promise<RotateResult> {
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 100));
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const version = ring.current;
  const total = await countToRotate(db, ring);
  const failed: RotateResult['failed'] = [];
  let rotated = 0;
  let after = 0;
  opts.onProgress?.(0, total);
  while (rotated < limit) {
    const take = Math.min(batchSize, limit - rotated);
    const batch = await asCaller(db, SERVICE, async (trx) => {
      const rows = (
        await sql<Stored>`
          SELECT id, user_id, service_name, key_name, encrypted_value
          FROM public.api_keys
          WHERE id > ${after} AND ${notOn(version)}
          ORDER BY id
          LIMIT ${take}
          FOR UPDATE SKIP LOCKED`.execute(trx)
      ).rows;
      let done = 0;
      for (const row of rows) {
        let plaintext: string;
        try {
          plaintext = decryptSecret(ring, row.encrypted_value, row);
        } catch (e) {
          if (!(e instanceof DecryptError)) throw e;
          failed.push({ id: row.id, error: e.message });
          continue;
        }
        await sql`UPDATE public.api_keys SET encrypted_value = ${encryptSecret(ring, plaintext, row)} WHERE id = ${row.id}`.execute(trx);
        done++;
      }
      return { last: rows.at(-1)?.id, done };
    });
    if (batch.last === undefined) break;
    after = batch.last;
    rotated += batch.done;
    opts.onProgress?.(rotated, total);
  }
  return { version, total, rotated, failed, remaining: await countToRotate(db, ring) };
}
