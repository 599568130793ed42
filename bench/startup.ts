/**
 * Cold start of the embedded server to /ready, beside PGlite's own bare start on the same data
 * directory (part of `npm run bench:api`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, ROOT, spawnServer } from './lib.ts';

/** Spawn-to-first-query time of a bare PGlite process on an existing data directory. */
async function bareStart(dataDir: string): Promise<number> {
  const script = `
    import { PGlite } from '@electric-sql/pglite';
    import { vector } from '@electric-sql/pglite-pgvector';
    import { citext } from '@electric-sql/pglite/contrib/citext';
    import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
    import { pg_stat_statements } from '@electric-sql/pglite/contrib/pg_stat_statements';
    const pg = await PGlite.create({ dataDir: ${JSON.stringify(join(dataDir, 'pgdata'))}, extensions: { vector, citext, uuid_ossp, pg_stat_statements } });
    await pg.query('select 1'); await pg.close();`;
  const t0 = performance.now();
  await new Promise((ok, fail) => {
    const c = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: 'inherit' });
    c.on('exit', (code) => (code === 0 ? ok(null) : fail(new Error(`bare PGlite exited ${code}`))));
  });
  return performance.now() - t0;
}

export async function startupSection(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tripsage-bench-start-'));
  const fresh = await spawnServer(['--data-dir', dir], {});
  await fresh.stop();
  const existing: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = await spawnServer(['--data-dir', dir], {});
    existing.push(s.startedMs);
    await s.stop();
    bare.push(await bareStart(dir));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  return [
    '### Start-up (embedded)',
    '',
    '| measurement | ms |',
    '| --- | ---: |',
    `| cold start to /ready, new data directory (initdb + migrations) | ${fmt(fresh.startedMs)} |`,
    `| cold start to /ready, existing data directory (median of 3) | ${fmt(med(existing))} |`,
    `| PGlite bare start + first query, same directory (median of 3) | ${fmt(med(bare))} |`,
    `| ratio existing ÷ bare (target ≤ 2) | ${fmt(med(existing) / med(bare), 2)} |`,
  ].join('\n');
}
