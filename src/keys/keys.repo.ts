/**
 * SQL of the key vault. The user's role never selects encrypted_value (it has no privilege to);
 * only `readCiphertext`, run as service_role, does.
 */
import { tableRepo, type Row } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';

export const SAFE_COLUMNS = [
  'id', 'user_id', 'service_name', 'key_name', 'key_hint', 'is_active', 'last_used_at', 'expires_at', 'usage_count',
  'created_at', 'updated_at',
] as const;

export const keysRepo = tableRepo('api_keys', SAFE_COLUMNS);

export async function readCiphertext(trx: Tx, id: number): Promise<(Row & { encrypted_value: string }) | undefined> {
  return trx
    .selectFrom('api_keys')
    .select(['id', 'user_id', 'service_name', 'key_name', 'encrypted_value'])
    .where('id', '=', id)
    .executeTakeFirst();
}
