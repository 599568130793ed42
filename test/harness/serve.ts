/**
 * `tripsage serve` as a real child process, for the tests and benchmarks that need the whole
 * program (signals, kill -9, several instances).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * How tests run the command: as installed, bin/tripsage.js, which runs only the build made from
 * the current sources (the global setup builds when they changed; test/launcher.test.ts).
 */
export const CLI = [resolve(import.meta.dirname, '../../bin/tripsage.js')];

const START_TIMEOUT_S = 600;

/** For the benchmarks: another checkout's launcher (a baseline), Node flags (--cpu-prof). */
export interface Launch {
  bin?: string;
  nodeArgs?: string[];
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<number | null>;
}

/**
 * Starts `tripsage [args] serve --port 0` and resolves when it prints its URL (and, if given,
 * once its output matches `until`), within `startTimeoutMs`.
 */
export function spawnServe(args: string[], env: Record<string, string> = {}, until?: RegExp, launch: Launch = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...(launch.nodeArgs ?? []), ...(launch.bin ? [launch.bin] : CLI), ...args, 'serve', '--port', '0'], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'close', not 'exit': by then everything it printed has been read.
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  let out = '';
  return new Promise((ok, fail) => {
    // Generous: on a machine shared by many jobs, PGlite alone can take minutes to start (a cap, not an expectation).
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave it running
      fail(new Error(`tripsage serve did not start within ${START_TIMEOUT_S} s:\n${out}`));
    }, START_TIMEOUT_S * 1000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && (!until || until.test(out))) {
        clearTimeout(timer);
        ok({
          child,
          url: m[1]!,
          exited,
          output: () => out,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`tripsage serve exited with ${code}:\n${out}`));
    });
  });
}
