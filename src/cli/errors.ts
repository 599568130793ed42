/**
 * The one way a command fails: one line on stderr, `tripsage: <what happened and what to do>`,
 * and a non-zero exit code. Errors the user can act on are worded here; anything unexpected is
 * still one line (TRIPSAGE_DEBUG=1 adds the stack trace).
 */
import { ConfigError } from '../config.ts';
import { TokenConfigError } from '../auth/tokens.ts';
import { BackupError } from '../db/backup.ts';
import { DataDirError, DataDirLockedError } from '../db/data-dir.ts';
import { DbError } from '../db/errors.ts';
import { MigrationError } from '../db/migrate.ts';
import { DomainError } from '../domain/errors.ts';
import { KeyRingError } from '../keys/crypto.ts';
import { OutputFileError } from '../util/files.ts';

/** A failure the user can act on: printed as is, exit code 1 (or as given). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** Errors whose message is already written for the person at the terminal. */
const WORDED = [BackupError, ConfigError, DataDirError, DataDirLockedError, DbError, KeyRingError, MigrationError, OutputFileError, TokenConfigError];

const SYSTEM_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'it already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
};

type SystemError = NodeJS.ErrnoException & { address?: string; port?: number };

function systemError(e: SystemError): string | undefined {
  if (e.syscall === 'listen' && (e.code === 'EADDRINUSE' || e.code === 'EACCES')) {
    const where = `${e.address ?? 'the address'}:${e.port ?? '?'}`;
    return e.code === 'EADDRINUSE'
      ? `cannot listen on ${where}: the port is already in use (another server?). Stop it, or choose another port with --port (PORT)`
      : `cannot listen on ${where}: not permitted (ports below 1024 need privileges). Choose another port with --port (PORT)`;
  }
  const reason = e.code ? SYSTEM_REASONS[e.code] : undefined;
  if (reason && e.path) return `cannot ${e.syscall ?? 'use'} ${e.path}: ${reason}`;
  return undefined;
}

/** One line: the lines of a message (a validation report) joined, after a heading's colon by a space. */
const oneLine = (text: string) =>
  text.split('\n').map((l) => l.trim()).filter(Boolean).reduce((acc, l) => (!acc ? l : acc.endsWith(':') ? `${acc} ${l}` : `${acc}; ${l}`), '');

export function presentError(e: unknown, debug = false): { line: string; exitCode: number } {
  const err = e instanceof Error ? e : new Error(String(e));
  let text: string;
  if (err instanceof CliError || WORDED.some((k) => err instanceof k)) text = err.message;
  else if (err instanceof DomainError) text = err.hint ? `${err.message} (${err.hint})` : err.message;
  else text = systemError(err as SystemError) ?? `unexpected error: ${err.message}${debug ? '' : ' (TRIPSAGE_DEBUG=1 shows where)'}`;
  const line = `tripsage: ${oneLine(text)}${debug && err.stack ? `\n${err.stack}` : ''}`;
  return { line, exitCode: err instanceof CliError ? err.exitCode : 1 };
}
