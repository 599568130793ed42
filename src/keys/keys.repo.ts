/**
 * SQL of the key vault. The user's role never selects encrypted_value (it has no privilege to);
 * `readCiphertext` gets the caller's own through tripsage_keys.key_ciphertext (migration 000035).
 */
import { sql } from 'kysely';
import { tableRepo } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';

export const SAFE_COLUMNS = [
  'id', 'user_id', 'service_name', 'key_name', 'key_hint', 'is_active', 'last_used_at', 'expires_at', 'usage_count',
  'created_at', 'updated_at',
] as const;

export const keysRepo = tableRepo('api_keys', SAFE_COLUMNS);

export interface Ciphertext {
  id: number;
  user_id: string;
  service_name: string;
  key_name: string;
  encrypted_value: string;
}

/** One of the caller's keys with its ciphertext (undefined when it is not theirs). */
export async function readCiphertext(trx: Tx, id: number): Promise<Ciphertext | undefined> {
  return (await sql<Ciphertext>`SELECT * FROM tripsage_keys.key_ciphertext(${id})`.execute(trx)).rows[0];
}
