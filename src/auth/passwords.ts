/**
 * Password hashing with scrypt (node:crypto, asynchronous: the work runs on libuv's thread pool,
 * never on the event loop). A hash is a self-describing string
 *
 *   scrypt$<N>$<r>$<p>$<salt base64url>$<key base64url>
 *
 * so the cost can be raised later without invalidating stored hashes: verification reads the
 * parameters from the string. Comparison is constant-time (timingSafeEqual), and `dummyVerify`
 * spends the same work for an unknown email, so response times do not reveal which emails exist.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { validationFailed, weakPassword } from './auth.errors.ts';

/** The password policy: GoTrue's checks (its 72-character bcrypt limit kept), 8 characters at least. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 72;

/** GoTrue's checkPasswordStrength: too long is 400 validation_failed, too short 422 weak_password. */
export function checkPasswordStrength(password: string): void {
  if (password.length > PASSWORD_MAX) throw validationFailed(`Password cannot be longer than ${PASSWORD_MAX} characters`);
  if (password.length < PASSWORD_MIN) throw weakPassword(`Password should be at least ${PASSWORD_MIN} characters.`, ['length']);
}

export const SCRYPT_N = 16_384;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 64;

/** Bounds for parameters read back from a stored hash (a corrupt row must not exhaust memory). */
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(password: string, salt: Buffer, keyLength: number, o: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128·N·r bytes (plus p-fold parallel state); leave headroom above Node's 32 MiB default.
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r * o.p + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P });
  return ['scrypt', SCRYPT_N, SCRYPT_R, SCRYPT_P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface Parsed {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^\d{1,8}$/.test(s) ? Number(s) : NaN)) as [number, number, number];
  if (!(N > 1 && N <= MAX_N && (N & (N - 1)) === 0 && r >= 1 && r <= MAX_R && p >= 1 && p <= MAX_P)) return null;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || key.length < 16 || key.length > 256) return null;
  return { N, r, p, salt, key };
}

/** Whether `password` matches `stored`. A hash in another format (e.g. bcrypt) never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) {
    await dummyVerify(password);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.key.length, parsed);
  return timingSafeEqual(key, parsed.key);
}

let dummy: Promise<string> | undefined;

/** The work of one verification against a throwaway hash; always false. For unknown emails. */
export async function dummyVerify(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  const parsed = parse(await dummy)!;
  const key = await derive(password, parsed.salt, parsed.key.length, parsed);
  timingSafeEqual(key, parsed.key);
  return false;
}

/** Whether a stored string is one of ours (for diagnostics and tests). */
export const isScryptHash = (stored: string): boolean => parse(stored) !== null;
