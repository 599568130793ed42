/**
 * Secrets generated once into the embedded data directory (owner-only permissions), used when
 * the operator has not configured one: the JWT signing secret now, the encryption keys later.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { prepareDataDir } from '../db/data-dir.ts';

export function loadOrCreateSecretFile(dataDir: string, name: string, make = () => randomBytes(48).toString('base64url')): string {
  const dir = prepareDataDir(dataDir); // owner-only, or refused
  const file = join(dir, name);
  try {
    // 'wx': created only if absent, so two processes cannot both write one.
    writeFileSync(file, `${make()}\n`, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

export const secretFilePath = (dataDir: string, name: string) => join(resolve(dataDir), name);
