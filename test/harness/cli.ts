/**
 * The command line as a user runs it: a separate process (see CLI in serve.ts), with the
 * settings that would leak in from the developer's environment cleared.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLI } from './serve.ts';

const CLEAN_ENV = {
  DATABASE_URL: '', TRIPSAGE_DATA_DIR: '', TRIPSAGE_MEMORY: '', TRIPSAGE_AUTH: '',
  TRIPSAGE_JWT_SECRET: '', TRIPSAGE_JWT_SECRET_FILE: '',
};

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Written to the command's standard input (then closed). */
  input?: string;
  timeoutMs?: number;
}

export async function tripsage(args: string[], env: Record<string, string> = {}, opts: CliOptions = {}): Promise<CliResult> {
  try {
    const run = promisify(execFile)(process.execPath, [...CLI, ...args], {
      env: { ...process.env, ...CLEAN_ENV, ...env },
      timeout: opts.timeoutMs ?? 120_000,
      maxBuffer: 64 << 20,
    });
    if (opts.input !== undefined) run.child.stdin!.end(opts.input);
    const r = await run;
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
