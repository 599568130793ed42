/**
 * `tripsage serve --workers N`: N HTTP processes (node:cluster) sharing the port, each with its
 * own database pool. The primary migrates once, starts the workers, restarts one that dies, and on
 * SIGTERM/SIGINT stops them all gracefully. The in-process job scheduler runs in every worker; its
 * advisory lock lets one run the job (as across instances).
 *
 * Server mode only: the embedded database belongs to one process (its data directory is locked),
 * and there it already uses two threads — HTTP and the database worker — which is what this
 * machine's cores can give it. See docs/architecture.md.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { startServer } from '../http/server.ts';
import { CliError } from './errors.ts';
import { print } from './output.ts';

/**
 * How many HTTP processes: `--workers` or TRIPSAGE_WORKERS, by default one per core; always one on
 * the embedded database.
 */
export function workerCount(flag: string | undefined, config: Config, logger: Logger): number {
  const asked = flag === undefined ? config.workers : Number(flag);
  if (asked !== undefined && !(Number.isInteger(asked) && asked >= 1)) throw new CliError(`--workers must be a positive integer, not "${flag}"`);
  if (!config.databaseUrl) {
    if (asked && asked > 1) logger.warn(`--workers ${asked} ignored: the embedded database is served by one process (its database runs on a thread of its own); use DATABASE_URL for several`);
    return 1;
  }
  return asked ?? availableParallelism();
}

/** Stops on SIGTERM/SIGINT: once, then exits 0. */
export function onStopSignal(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void stop(signal).then(() => process.exit(0));
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

/** In a worker process: serve (the primary has migrated), until told to stop. */
export async function serveAsWorker(config: Config, logger: Logger): Promise<void> {
  const server = await startServer(config, { migrate: false, logger });
  onStopSignal(() => server.close());
}

/** In the primary: start `n` workers; resolves with the URL they listen on. */
export function startWorkers(n: number, logger: Logger): Promise<string> {
  let stopping = false;
  const everListened = new Set<number>();
  return new Promise((listening, fail) => {
    cluster.on('listening', (worker: Worker, a) => {
      everListened.add(worker.id);
      if (everListened.size === n) {
        const host = a.addressType === 6 ? `[${a.address}]` : a.address;
        listening(`http://${host}:${a.port}`);
      }
    });
    cluster.on('exit', (worker: Worker, code, signal) => {
      if (stopping) return;
      if (!everListened.has(worker.id)) {
        // It never started (a bad setting, the database unreachable): restarting would loop.
        stopping = true;
        for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
        fail(new CliError(`a server worker failed to start (exit code ${code ?? signal}); see its messages above`));
        return;
      }
      logger.error({ worker: worker.process.pid, code, signal }, 'a server worker died; starting another');
      cluster.fork();
    });
    onStopSignal(async (signal) => {
      stopping = true;
      logger.info({ signal }, 'stopping the server workers');
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      await Promise.all(alive.map((w) => new Promise((exited) => {
        w.once('exit', exited);
        w.process.kill('SIGTERM');
      })));
      print('stopped');
    });
    for (let i = 0; i < n; i++) cluster.fork();
  });
}
