/**
 * Whether another process still runs, for the data directory's lock. On Linux /proc also says
 * whether it is a zombie (exited, never reaped by a parent that does not wait — seen in
 * containers whose init does not reap) and when it started (so a reused pid is told apart).
 */
import { readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name (which may contain spaces and ')'). */
function procStat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie. Where there is no /proc, a signal-0 probe alone decides. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = procStat(pid)?.[0];
  return state !== 'Z' && state !== 'X';
}

/** The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), if known. */
export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.[19];
}
