/**
 * `tripsage rates import rates.csv` as an operator runs it (a separate process, embedded
 * database): rates are written (a day's rate replaced), and a bad line imports nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import { tripsage } from './harness/cli.ts';

describe('tripsage rates import (embedded)', () => {
  it('imports a CSV of rates, replaces a day\'s rate, and refuses a bad file whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tripsage-rates-'));
    const dd = ['--data-dir', join(dir, 'data')];
    const good = join(dir, 'rates.csv');
    writeFileSync(good, 'base,quote,rate,as_of,source\nUSD,EUR,0.9123,2026-05-01,ecb\n"EUR","JPY","161.5","2026-05-01",\nUSD,EUR,0.92,2026-05-01,ecb\n');
    const r = await tripsage([...dd, 'rates', 'import', good]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/imported 2 exchange rates/); // the later USD,EUR line of the same day wins

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'base,quote,rate,as_of\nGBP,EUR,1.17,2026-05-01\nGBP,EUR,abc,2026-05-02\n');
    const refused = await tripsage([...dd, 'rates', 'import', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/bad\.csv, line 3: .*rate/);

    const db = await openDatabase({ dataDir: join(dir, 'data') });
    try {
      const rows = await db.query<{ base: string; quote: string; rate: string; source: string | null }>(
        'SELECT base, quote, rate::text AS rate, source FROM public.exchange_rates ORDER BY base, quote');
      expect(rows.rows).toEqual([
        { base: 'EUR', quote: 'JPY', rate: '161.5', source: null },
        { base: 'USD', quote: 'EUR', rate: '0.92', source: 'ecb' },
      ]);
    } finally {
      await db.close();
    }
  }, 300_000);
});
