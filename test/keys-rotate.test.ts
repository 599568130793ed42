/**
 * Master key rotation: every row moves to the newest version and still decrypts; an interrupted
 * rotation resumes; the CLI does the same over a real process.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tripsage } from './harness/cli.ts';
import { progressReporter } from '../src/cli/keys.command.ts';
import type { Database } from '../src/db/database.ts';
import { asCaller, userCaller } from '../src/db/transaction.ts';
import { decryptSecret, envelopeVersion, parseKeyRing } from '../src/keys/crypto.ts';
import { createKey } from '../src/keys/keys.service.ts';
import { resolveKey } from '../src/keys/resolve.ts';
import { rotateKeys } from '../src/keys/rotate.ts';
import { createUser, describeEachBackend } from './harness/backends.ts';

const k1 = `1:${randomBytes(32).toString('base64')}`;
const k2 = `2:${randomBytes(32).toString('base64')}`;
const ring1 = parseKeyRing(k1);
const ring12 = parseKeyRing(`${k1},${k2}`);

interface Stored { id: number; user_id: string; service_name: string; key_name: string; encrypted_value: string }

async function rows(db: Database, ids: number[]): Promise<Stored[]> {
  const r = await db.query<Stored>('SELECT id, user_id, service_name, key_name, encrypted_value FROM public.api_keys WHERE id = ANY($1::bigint[]) ORDER BY id', [ids]);
  return r.rows;
}

async function seed(db: Database, n: number, prefix: string): Promise<{ ids: number[]; values: Map<number, string> }> {
  const u = await createUser(db);
  const values = new Map<number, string>();
  await asCaller(db, userCaller(u), async (trx) => {
    for (let i = 0; i < n; i++) {
      const value = `${prefix}-secret-${i}-${randomBytes(4).toString('hex')}`;
      const row = await createKey(trx, ring1, u, { service_name: `${prefix}-svc`, key_name: `k${i}`, value });
      values.set(row.id as number, value);
    }
  });
  return { ids: [...values.keys()], values };
}

describeEachBackend('keys rotate', (ctx) => {
  it('re-encrypts every row under ring {1} to version 2; each still decrypts (and only with the new ring)', async () => {
    const { ids, values } = await seed(ctx.db, 7, 'full');
    expect((await rows(ctx.db, ids)).every((r) => envelopeVersion(r.encrypted_value) === 1)).toBe(true);
    const progress: Array<[number, number]> = [];
    const r = await rotateKeys(ctx.db, ring12, { batchSize: 3, onProgress: (d, t) => progress.push([d, t]) });
    expect(r).toMatchObject({ version: 2, failed: [], remaining: 0 });
    expect(r.rotated).toBe(r.total);
    expect(r.rotated).toBeGreaterThanOrEqual(7);
    expect(progress.at(-1)).toEqual([r.total, r.total]);
    for (const row of await rows(ctx.db, ids)) {
      expect(envelopeVersion(row.encrypted_value)).toBe(2);
      expect(decryptSecret(ring12, row.encrypted_value, row)).toBe(values.get(row.id));
      expect(() => decryptSecret(ring1, row.encrypted_value, row)).toThrow(/version 2/);
    }
    // A second run has nothing to do.
    expect(await rotateKeys(ctx.db, ring12)).toMatchObject({ total: 0, rotated: 0, remaining: 0 });
  });

  it('an interrupted rotation (batch size 1, a limit) resumes where it stopped', async () => {
    const { ids, values } = await seed(ctx.db, 5, 'resume');
    const first = await rotateKeys(ctx.db, ring12, { batchSize: 1, limit: 2 });
    expect(first.rotated).toBe(2);
    expect(first.remaining).toBe(first.total - 2);
    const second = await rotateKeys(ctx.db, ring12, { batchSize: 1, limit: 2 });
    expect(second.total).toBe(first.remaining);
    expect(second.rotated).toBe(2);
    const rest = await rotateKeys(ctx.db, ring12, { batchSize: 1 });
    expect(rest).toMatchObject({ remaining: 0, failed: [] });
    for (const row of await rows(ctx.db, ids)) {
      expect(envelopeVersion(row.encrypted_value)).toBe(2);
      expect(decryptSecret(ring12, row.encrypted_value, row)).toBe(values.get(row.id));
    }
    // resolveKey keeps working on rotated keys.
    const owner = (await rows(ctx.db, ids))[0]!.user_id;
    expect(values.has((await resolveKey(ctx.db, owner, 'resume-svc', ring12)).id)).toBe(true);
  });

  it('a row that does not decrypt is reported and left as it is; the rest rotate', async () => {
    const { ids } = await seed(ctx.db, 2, 'broken');
    await ctx.db.query(`UPDATE public.api_keys SET key_name = 'renamed-behind-our-back' WHERE id = $1`, [ids[0]]);
    const r = await rotateKeys(ctx.db, ring12);
    expect(r.failed.map((f) => f.id)).toEqual([ids[0]]);
    expect(r.remaining).toBe(1);
    const [broken, fine] = await rows(ctx.db, ids);
    expect(envelopeVersion(broken!.encrypted_value)).toBe(1);
    expect(envelopeVersion(fine!.encrypted_value)).toBe(2);
    await ctx.db.query('DELETE FROM public.api_keys WHERE id = $1', [ids[0]]);
  });

  // The CLI against this clone's URL (the embedded clones here live in memory only).
  if (ctx.backend === 'postgres') {
    it('`tripsage keys rotate` rotates with a progress line per batch, resumably', async () => {
      const { ids, values } = await seed(ctx.db, 3, 'cli');
      const run = async (extra: string[]) => {
        const r = await tripsage(['--database-url', ctx.url!, 'keys', 'rotate', ...extra], { TRIPSAGE_ENCRYPTION_KEYS: `${k1},${k2}`, LOG_LEVEL: 'silent' });
        expect(r.code, r.stderr).toBe(0);
        return r;
      };
      const a = await run(['--batch-size', '1', '--limit', '1']);
      expect(a.stdout).toMatch(/rotated 1\/\d+/);
      expect(a.stdout).toMatch(/re-encrypted 1 of \d+ keys? to version 2/);
      const b = await run([]);
      expect(b.stdout).toMatch(/; 0 not on version 2/);
      for (const row of await rows(ctx.db, ids)) {
        expect(decryptSecret(ring12, row.encrypted_value, row)).toBe(values.get(row.id));
      }
    });
  }
});

describe('keys rotate progress', () => {
  const sink = (isTTY: boolean) => {
    const out = { isTTY, text: '', write(s: string) { this.text += s; return true; } };
    return out;
  };
  it('redraws one bar in place on a terminal', () => {
    const out = sink(true);
    const p = progressReporter(out as unknown as NodeJS.WriteStream);
    p.update(0, 4);
    p.update(2, 4);
    p.end();
    expect(out.text).toBe(`\r  [${'.'.repeat(30)}] 0/4 (0%)\r  [${'#'.repeat(15)}${'.'.repeat(15)}] 2/4 (50%)\n`);
  });
  it('prints plain lines otherwise', () => {
    const out = sink(false);
    const p = progressReporter(out as unknown as NodeJS.WriteStream);
    p.update(1, 3);
    p.end();
    expect(out.text).toBe('  rotated 1/3\n');
  });
});
