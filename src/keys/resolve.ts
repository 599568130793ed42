/**
 * Server-side use of a stored API key: `resolveKey` picks the user's newest active, unexpired key
 * for a service, counts the use and decrypts it. Never exposed through the API: the plaintext
 * only ever exists in this process, on its way to the third-party service.
 *
 * The count is one statement (UPDATE … RETURNING), so concurrent uses count exactly: a second
 * UPDATE of the same row waits for the first and re-checks its WHERE on the new row version.
 * Decryption happens inside the same transaction: a key that fails authentication is not counted.
 */
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { asCaller, SERVICE, type Tx } from '../db/transaction.ts';
import { decryptSecret, DecryptError, type KeyRing } from './crypto.ts';

export type KeyUnavailableReason = 'missing' | 'inactive' | 'expired';

/** The user has no usable key for the service; `reason` says why. */
export class KeyUnavailableError extends Error {
  constructor(
    readonly reason: KeyUnavailableReason,
    readonly service: string,
  ) {
    super(
      reason === 'missing'
        ? `no API key stored for service "${service}"`
        : reason === 'inactive'
          ? `every API key for service "${service}" is deactivated`
          : `every active API key for service "${service}" has expired`,
    );
    this.name = 'KeyUnavailableError';
  }
}

export { DecryptError };

export interface ResolvedKey {
  id: number;
  service_name: string;
  key_name: string;
  /** The decrypted secret. Never log it, never return it to a client. */
  value: string;
  usage_count: number;
  last_used_at: string;
}

interface Claimed {
  id: number;
  user_id: string;
  service_name: string;
  key_name: string;
  encrypted_value: string;
  usage_count: number;
  last_used_at: string;
}

/**
 * The user's key for `service`: the most recently created one that is active and unexpired. As
 * service_role (the ciphertext is unreadable to the user's role). Throws KeyUnavailableError
 * (missing / inactive / expired) or DecryptError (tampered, moved to another row, or encrypted
 * under a master key no longer in the ring).
 */
export async function resolveKey(db: Database, userId: string, service: string, ring: KeyRing): Promise<ResolvedKey> {
  return asCaller(db, SERVICE, async (trx) => {
    const usable = sql`k.user_id = ${userId}::uuid AND k.service_name = ${service}
      AND k.is_active AND (k.expires_at IS NULL OR k.expires_at > now())`;
    const claim = () =>
      sql<Claimed>`
        UPDATE public.api_keys AS k
        SET usage_count = k.usage_count + 1, last_used_at = now()
        WHERE k.id = (
          SELECT k.id FROM public.api_keys AS k
          WHERE ${usable}
          ORDER BY k.created_at DESC, k.id DESC
          LIMIT 1
        ) AND ${usable}
        RETURNING k.id, k.user_id, k.service_name, k.key_name, k.encrypted_value, k.usage_count, k.last_used_at`.execute(trx);
    let row: Claimed | undefined;
    // The chosen key can be deactivated or deleted by a concurrent transaction between the
    // subquery and the update; then the next newest usable key is claimed instead.
    for (let attempt = 0; !row && attempt < 3; attempt++) {
      row = (await claim()).rows[0];
      if (row) break;
      const reason = await whyUnavailable(trx, userId, service);
      if (reason) throw new KeyUnavailableError(reason, service);
    }
    if (!row) throw new KeyUnavailableError('inactive', service);
    // Throws DecryptError, which rolls the count back with the transaction.
    const value = decryptSecret(ring, row.encrypted_value, row);
    return {
      id: row.id,
      service_name: row.service_name,
      key_name: row.key_name,
      value,
      usage_count: row.usage_count,
      last_used_at: row.last_used_at,
    };
  });
}

async function whyUnavailable(trx: Tx, userId: string, service: string): Promise<KeyUnavailableReason | undefined> {
  const r = await sql<{ any_key: boolean; any_active: boolean; any_usable: boolean }>`
    SELECT count(*) > 0 AS any_key, coalesce(bool_or(is_active), false) AS any_active,
           coalesce(bool_or(is_active AND (expires_at IS NULL OR expires_at > now())), false) AS any_usable
    FROM public.api_keys WHERE user_id = ${userId}::uuid AND service_name = ${service}`.execute(trx);
  const s = r.rows[0]!;
  return !s.any_key ? 'missing' : !s.any_active ? 'inactive' : !s.any_usable ? 'expired' : undefined;
}
