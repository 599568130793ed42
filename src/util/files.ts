/**
 * Files the program writes for the user (backups, exports): owner-only, because they hold
 * password hashes, encrypted keys or a user's trips.
 */
import { closeSync, existsSync, fchmodSync, openSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The output path cannot be written as asked (its folder is missing). */
export class OutputFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputFileError';
  }
}

/** Fails unless the folder `file` would be written in exists (checked before any work is done). */
export function checkOutputFolder(file: string): void {
  const dir = dirname(resolve(file));
  if (!existsSync(dir)) throw new OutputFileError(`cannot write ${file}: the folder ${dir} does not exist (create it, or choose another path)`);
  if (!statSync(dir).isDirectory()) throw new OutputFileError(`cannot write ${file}: ${dir} is not a folder`);
}

/**
 * Creates `file` (or empties an existing one) with mode 0600 — also when it existed with a
 * looser mode — after checking that its folder exists. Returns the open descriptor.
 */
function openOwnerOnly(file: string): number {
  checkOutputFolder(file);
  const fd = openSync(file, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}

export function writeOwnerOnly(file: string, data: string | Uint8Array): void {
  const fd = openOwnerOnly(file);
  try {
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** An empty owner-only file for another program to write into (pg_dump keeps its mode). */
export function createOwnerOnly(file: string): void {
  closeSync(openOwnerOnly(file));
}
