/**
 * Server-side use of a stored API key: `resolveKey` picks the user's newest active, unexpired key
 * for a service, counts the use and decrypts it. Never exposed through the API: the plaintext
 * only ever exists in this process, on its way to the third-party service.
 *
 * It runs as the user, like a request: the ciphertext (unreadable to the user's role) comes from
 * tripsage_keys.use_key (migration 000035), a SECURITY DEFINER function that touches only the
 * caller's own keys (auth.uid()) and counts the use in the same statement. Decryption happens
 * inside the same transaction: a key that fails authentication is not counted.
 */
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { asCaller, userCaller, type Tx } from '../db/transaction.ts';
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
 * The user's key for `service`: the most recently created one that is active and unexpired.
 * Throws KeyUnavailableError (missing / inactive / expired) or DecryptError (tampered, moved to
 * another row, or encrypted under a master key no longer in the ring).
 */
export async function resolveKey(db: Database, userId: string, service: string, ring: KeyRing): Promise<ResolvedKey> {
  return asCaller(db, userCaller(userId), async (trx) => {
    let row: Claimed | undefined;
    // The chosen key can be deactivated or deleted by a concurrent transaction between the
    // function's subquery and its update; then the next newest usable key is claimed instead.
    for (let attempt = 0; !row && attempt < 3; attempt++) {
      row = (await sql<Claimed>`SELECT * FROM tripsage_keys.use_key(${service})`.execute(trx)).rows[0];
      if (row) break;
      const reason = await whyUnavailable(trx, service);
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

/** Why the caller has no usable key (their own rows only: RLS). */
async function whyUnavailable(trx: Tx, service: string): Promise<KeyUnavailableReason | undefined> {
  const s = await trx
    .selectFrom('api_keys')
    .select([
      sql<boolean>`count(*) > 0`.as('any_key'),
      sql<boolean>`coalesce(bool_or(is_active), false)`.as('any_active'),
      sql<boolean>`coalesce(bool_or(is_active AND (expires_at IS NULL OR expires_at > now())), false)`.as('any_usable'),
    ])
    .where('service_name', '=', service)
    .executeTakeFirstOrThrow();
  return !s.any_key ? 'missing' : !s.any_active ? 'inactive' : !s.any_usable ? 'expired' : undefined;
}
