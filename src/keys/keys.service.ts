/**
 * The key vault's rules: values are encrypted before they reach the database and never leave it
 * through the API; renaming a key re-binds its ciphertext to the new name.
 */
import { byId, type Row, type RowPatch } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';
import { notFound } from '../domain/errors.ts';
import { decryptSecret, encryptSecret, maskHint, type KeyBinding, type KeyRing } from './crypto.ts';
import { keysRepo, readCiphertext } from './keys.repo.ts';

export interface NewKey {
  service_name: string;
  key_name: string;
  value: string;
  expires_at?: string | null;
  is_active?: boolean;
}

export async function createKey(trx: Tx, ring: KeyRing, userId: string, k: NewKey): Promise<Row> {
  const binding: KeyBinding = { user_id: userId, service_name: k.service_name, key_name: k.key_name };
  return keysRepo.insert(trx, {
    user_id: userId,
    service_name: k.service_name,
    key_name: k.key_name,
    encrypted_value: encryptSecret(ring, k.value, binding),
    key_hint: maskHint(k.value),
    expires_at: k.expires_at ?? null,
    is_active: k.is_active ?? true,
  });
}

export interface KeyPatch {
  service_name?: string;
  key_name?: string;
  value?: string;
  is_active?: boolean;
  expires_at?: string | null;
}

export async function updateKey(trx: Tx, ring: KeyRing, id: number, patch: KeyPatch): Promise<Row> {
  const key = byId(id);
  const current = await keysRepo.get(trx, key); // as the caller: RLS decides whether it exists
  if (!current) throw notFound('API key');
  const next: KeyBinding = {
    user_id: current.user_id as string,
    service_name: patch.service_name ?? (current.service_name as string),
    key_name: patch.key_name ?? (current.key_name as string),
  };
  const values: RowPatch<'api_keys'> = {};
  if (patch.is_active !== undefined) values.is_active = patch.is_active;
  if (patch.expires_at !== undefined) values.expires_at = patch.expires_at;
  const rebind = next.service_name !== current.service_name || next.key_name !== current.key_name;
  if (patch.value !== undefined || rebind) {
    let plaintext = patch.value;
    if (plaintext === undefined) {
      const old = await readCiphertext(trx, id); // the caller's own key only (migration 000035)
      if (!old) throw notFound('API key');
      plaintext = decryptSecret(ring, old.encrypted_value, old);
    }
    Object.assign(values, {
      service_name: next.service_name,
      key_name: next.key_name,
      encrypted_value: encryptSecret(ring, plaintext, next),
      key_hint: maskHint(plaintext),
    });
  }
  const updated = await keysRepo.update(trx, key, values);
  if (!updated) throw notFound('API key');
  return updated;
}
