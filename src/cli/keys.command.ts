/**
 * `tripsage keys rotate`: re-encrypt the stored API keys under the newest master key version.
 */
import type { Command } from 'commander';
import { loadKeyRing } from '../keys/crypto.ts';
import { rotateKeys } from '../keys/rotate.ts';
import { configOf, withDatabase } from './context.ts';
import { CliError } from './errors.ts';
import { plural, print } from './output.ts';

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`--${name} must be a positive integer`);
    return n;
  };
}

/** A one-line bar redrawn in place on a terminal; plain lines (one per batch) otherwise. */
export function progressReporter(out: NodeJS.WriteStream = process.stdout): { update(done: number, total: number): void; end(): void } {
  const tty = Boolean(out.isTTY);
  let drawn = false;
  return {
    update(done, total) {
      if (tty) {
        const width = 30;
        const filled = total ? Math.min(width, Math.round((done / total) * width)) : width;
        const pct = total ? Math.min(100, Math.floor((done / total) * 100)) : 100;
        out.write(`\r  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} (${pct}%)`);
        drawn = true;
      } else {
        out.write(`  rotated ${done}/${total}\n`);
      }
    },
    end() {
      if (drawn) out.write('\n');
    },
  };
}

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('the API-key vault: master key rotation');

  keys
    .command('rotate')
    .description('re-encrypt every stored API key not yet under the newest TRIPSAGE_ENCRYPTION_KEYS version (resumable)')
    .option('--batch-size <n>', 'rows per transaction', positiveInt('batch-size'), 100)
    .option('--limit <n>', 'stop after re-encrypting this many rows (run again to continue)', positiveInt('limit'))
    .action(async (opts: { batchSize: number; limit?: number }, cmd: Command) => {
      const config = configOf(cmd);
      const ring = loadKeyRing(config);
      await withDatabase(config, async (db) => {
        print(`database: ${db.location} (${db.backend}); newest master key version: ${ring.current}`);
        const progress = progressReporter();
        const r = await rotateKeys(db, ring, { batchSize: opts.batchSize, limit: opts.limit, onProgress: progress.update });
        progress.end();
        print(`re-encrypted ${r.rotated} of ${plural(r.total, 'key')} to version ${r.version}; ${r.remaining} not on version ${r.version}`);
        for (const f of r.failed) print(`  FAILED id ${f.id}: ${f.error}`);
        if (r.failed.length) throw new CliError(`${plural(r.failed.length, 'key')} could not be decrypted with the configured ring`, 2);
        if (r.remaining > 0 && opts.limit === undefined) {
          print('some keys were locked by another transaction: run again to finish');
        }
      });
    });
}
