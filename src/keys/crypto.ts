/**
 * Envelope encryption of users' API keys: AES-256-GCM with a versioned master key ring.
 *
 *   envelope = "tsk1:" version ":" iv ":" tag ":" ciphertext     (base64url parts)
 *
 * The additional authenticated data binds a ciphertext to its row (user, service, key name), so a
 * ciphertext copied into another row does not decrypt. The newest key version encrypts; every
 * version in the ring decrypts, which is what makes rotation possible.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import { loadOrCreateSecretFile } from '../auth/secrets.ts';

export interface KeyRing {
  current: number;
  keys: ReadonlyMap<number, Buffer>;
}

export class KeyRingError extends Error {}
export class DecryptError extends Error {}

const PREFIX = 'tsk1';

export function parseKeyRing(text: string): KeyRing {
  const keys = new Map<number, Buffer>();
  for (const part of text.split(/[,\s]+/).filter(Boolean)) {
    const m = /^(\d{1,6}):([A-Za-z0-9+/_=-]+)$/.exec(part);
    const key = m ? Buffer.from(m[2]!, 'base64') : undefined;
    if (!m || key?.length !== 32) {
      throw new KeyRingError('TRIPSAGE_ENCRYPTION_KEYS must be VERSION:BASE64 entries of 32-byte keys, e.g. 1:$(openssl rand -base64 32)');
    }
    keys.set(Number(m[1]), key);
  }
  if (!keys.size) throw new KeyRingError('TRIPSAGE_ENCRYPTION_KEYS is empty');
  return { current: Math.max(...keys.keys()), keys };
}

/** From configuration; in embedded mode generated once into the data directory (0600). */
export function loadKeyRing(config: Config): KeyRing {
  if (config.encryptionKeys) return parseKeyRing(config.encryptionKeys);
  if (config.databaseUrl) {
    throw new KeyRingError(
      'TRIPSAGE_ENCRYPTION_KEYS (or TRIPSAGE_ENCRYPTION_KEYS_FILE) is required with DATABASE_URL: ' +
        'every server instance must encrypt with the same keys (e.g. 1:$(openssl rand -base64 32))',
    );
  }
  return parseKeyRing(loadOrCreateSecretFile(config.dataDir, 'encryption-keys', () => `1:${randomBytes(32).toString('base64')}`));
}

export interface KeyBinding {
  user_id: string;
  service_name: string;
  key_name: string;
}

const aadOf = (b: KeyBinding) => Buffer.from(JSON.stringify(['tripsage.api_keys', b.user_id, b.service_name, b.key_name]));

export function encryptSecret(ring: KeyRing, plaintext: string, binding: KeyBinding): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.keys.get(ring.current)!, iv);
  cipher.setAAD(aadOf(binding));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [PREFIX, ring.current, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

export function envelopeVersion(envelope: string): number | undefined {
  const [prefix, version] = envelope.split(':');
  return prefix === PREFIX ? Number(version) : undefined;
}

export function decryptSecret(ring: KeyRing, envelope: string, binding: KeyBinding): string {
  const parts = envelope.split(':');
  if (parts.length !== 5 || parts[0] !== PREFIX) throw new DecryptError('stored key is not a TripSage envelope');
  const key = ring.keys.get(Number(parts[1]));
  if (!key) throw new DecryptError(`stored key was encrypted with master key version ${parts[1]}, which is not in TRIPSAGE_ENCRYPTION_KEYS`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[2]!, 'base64url'));
    decipher.setAAD(aadOf(binding));
    decipher.setAuthTag(Buffer.from(parts[3]!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts[4]!, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptError('stored key failed authentication: it was tampered with or belongs to another row');
  }
}

/** Keys shorter than this get no hint: four characters of a short key are too much of it. */
export const HINT_MIN_LENGTH = 20;
export const HINT_LENGTH = 4;

/**
 * The last HINT_LENGTH characters (code points) of a key of at least HINT_MIN_LENGTH, else null:
 * at most a fifth of any key is disclosed (issue 10: half of an 8-character key was).
 */
export function maskHint(value: string): string | null {
  const chars = [...value];
  return chars.length >= HINT_MIN_LENGTH ? chars.slice(-HINT_LENGTH).join('') : null;
}
