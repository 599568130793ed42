/**
 * resolveKey: the server-side use of a stored key — newest usable key, exact usage counting under
 * concurrency, authenticated decryption, and no plaintext anywhere in the database's files.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import { asCaller, userCaller } from '../src/db/transaction.ts';
import { DecryptError, parseKeyRing } from '../src/keys/crypto.ts';
import { KeyUnavailableError, resolveKey } from '../src/keys/resolve.ts';
import { createKey, type NewKey } from '../src/keys/keys.service.ts';
import { createUser, describeEachBackend } from './harness/backends.ts';
import type { Database } from '../src/db/database.ts';

const ring = parseKeyRing(`1:${randomBytes(32).toString('base64')}`);
const PG_DUMP = '/usr/lib/postgresql/15/bin/pg_dump';

async function store(db: Database, userId: string, k: NewKey): Promise<number> {
  const row = await asCaller(db, userCaller(userId), (trx) => createKey(trx, ring, userId, k));
  return row.id as number;
}

async function usage(db: Database, id: number): Promise<{ usage_count: number; last_used_at: string | null }> {
  const r = await db.query<{ usage_count: number; last_used_at: string | null }>('SELECT usage_count, last_used_at FROM public.api_keys WHERE id = $1', [id]);
  return r.rows[0]!;
}

describeEachBackend('resolveKey', (ctx) => {
  it('returns the newest active, unexpired key, and counts the use in the same statement', async () => {
    const u = await createUser(ctx.db);
    await store(ctx.db, u, { service_name: 'openai', key_name: 'old', value: 'sk-old-1111' });
    await new Promise((r) => setTimeout(r, 5));
    const newest = await store(ctx.db, u, { service_name: 'openai', key_name: 'new', value: 'sk-new-2222' });
    await store(ctx.db, u, { service_name: 'openai', key_name: 'off', value: 'sk-off-3333', is_active: false });
    await store(ctx.db, u, { service_name: 'openai', key_name: 'gone', value: 'sk-gone-4444', expires_at: '2020-01-01T00:00:00Z' });
    const k = await resolveKey(ctx.db, u, 'openai', ring);
    expect(k).toMatchObject({ id: newest, key_name: 'new', value: 'sk-new-2222', usage_count: 1 });
    const after = await usage(ctx.db, newest);
    expect(after.usage_count).toBe(1);
    expect(after.last_used_at).not.toBeNull();
    // Another user's keys are never picked.
    const v = await createUser(ctx.db);
    await expect(resolveKey(ctx.db, v, 'openai', ring)).rejects.toMatchObject({ name: 'KeyUnavailableError', reason: 'missing' });
  });

  it('the vault functions hand a user their own ciphertext only; anon and other users get nothing', async () => {
    const u = await createUser(ctx.db);
    const v = await createUser(ctx.db);
    const id = await store(ctx.db, u, { service_name: 'iso', key_name: 'k', value: 'iso-secret-0001' });
    const as = (userId: string | null, text: string, params: unknown[]) =>
      ctx.db.withSession(async (s) => {
        await s.exec('BEGIN');
        try {
          const role = userId ? 'authenticated' : 'anon';
          await s.query(`SELECT set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [role, JSON.stringify({ sub: userId, role })]);
          return (await s.query<{ id: number; encrypted_value: string }>(text, params)).rows;
        } finally {
          await s.exec('ROLLBACK');
        }
      });
    expect(await as(v, 'SELECT * FROM tripsage_keys.use_key($1)', ['iso'])).toEqual([]);
    expect(await as(v, 'SELECT * FROM tripsage_keys.key_ciphertext($1)', [id])).toEqual([]);
    expect((await as(u, 'SELECT * FROM tripsage_keys.key_ciphertext($1)', [id]))[0]).toMatchObject({ id, encrypted_value: expect.any(String) });
    await expect(as(null, 'SELECT * FROM tripsage_keys.use_key($1)', ['iso'])).rejects.toMatchObject({ sqlstate: '42501' });
    // The column itself stays unreadable to the user's role.
    await expect(as(u, 'SELECT encrypted_value FROM public.api_keys WHERE id = $1', [id])).rejects.toMatchObject({ sqlstate: '42501' });
    expect((await usage(ctx.db, id)).usage_count).toBe(0);
  });

  it('refuses missing, inactive and expired keys with a typed reason', async () => {
    const u = await createUser(ctx.db);
    await expect(resolveKey(ctx.db, u, 'duffel', ring)).rejects.toBeInstanceOf(KeyUnavailableError);
    await expect(resolveKey(ctx.db, u, 'duffel', ring)).rejects.toMatchObject({ reason: 'missing' });
    const off = await store(ctx.db, u, { service_name: 'duffel', key_name: 'a', value: 'duffel-secret-a', is_active: false });
    await expect(resolveKey(ctx.db, u, 'duffel', ring)).rejects.toMatchObject({ reason: 'inactive' });
    await store(ctx.db, u, { service_name: 'duffel', key_name: 'b', value: 'duffel-secret-b', expires_at: '2021-06-01T00:00:00Z' });
    await expect(resolveKey(ctx.db, u, 'duffel', ring)).rejects.toMatchObject({ reason: 'expired', message: expect.stringMatching(/expired/) });
    expect((await usage(ctx.db, off)).usage_count).toBe(0);
  });

  it('counts concurrent uses exactly', async () => {
    const u = await createUser(ctx.db);
    const id = await store(ctx.db, u, { service_name: 'maps', key_name: 'k', value: 'maps-secret-xyz' });
    const n = 20;
    const all = await Promise.all(Array.from({ length: n }, () => resolveKey(ctx.db, u, 'maps', ring)));
    expect(all.every((k) => k.value === 'maps-secret-xyz')).toBe(true);
    expect(new Set(all.map((k) => k.usage_count)).size).toBe(n); // each saw its own increment
    expect((await usage(ctx.db, id)).usage_count).toBe(n);
  });

  it('a tampered ciphertext is a DecryptError (and is not counted), never garbage', async () => {
    const u = await createUser(ctx.db);
    const id = await store(ctx.db, u, { service_name: 'weather', key_name: 'k', value: 'weather-secret-123456' });
    const { rows } = await ctx.db.query<{ encrypted_value: string }>('SELECT encrypted_value FROM public.api_keys WHERE id = $1', [id]);
    const env = rows[0]!.encrypted_value;
    const i = env.length - 3; // inside the ciphertext part
    const flipped = env.slice(0, i) + (env[i] === 'A' ? 'B' : 'A') + env.slice(i + 1);
    await ctx.db.query('UPDATE public.api_keys SET encrypted_value = $1 WHERE id = $2', [flipped, id]);
    const err = await resolveKey(ctx.db, u, 'weather', ring).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecryptError);
    expect((err as Error).message).toMatch(/tampered|another row/);
    expect((await usage(ctx.db, id)).usage_count).toBe(0);
  });

  it('a ciphertext copied into another row does not decrypt there', async () => {
    const u = await createUser(ctx.db);
    const a = await store(ctx.db, u, { service_name: 'svc-a', key_name: 'k', value: 'secret-of-a-0001' });
    const b = await store(ctx.db, u, { service_name: 'svc-b', key_name: 'k', value: 'secret-of-b-0002' });
    await ctx.db.query('UPDATE public.api_keys SET encrypted_value = (SELECT encrypted_value FROM public.api_keys WHERE id = $1) WHERE id = $2', [a, b]);
    expect((await resolveKey(ctx.db, u, 'svc-a', ring)).value).toBe('secret-of-a-0001');
    await expect(resolveKey(ctx.db, u, 'svc-b', ring)).rejects.toBeInstanceOf(DecryptError);
    // Across users too.
    const v = await createUser(ctx.db);
    const c = await store(ctx.db, v, { service_name: 'svc-a', key_name: 'k', value: 'secret-of-c-0003' });
    await ctx.db.query('UPDATE public.api_keys SET encrypted_value = (SELECT encrypted_value FROM public.api_keys WHERE id = $1) WHERE id = $2', [a, c]);
    await expect(resolveKey(ctx.db, v, 'svc-a', ring)).rejects.toBeInstanceOf(DecryptError);
  });

  it('the plaintext appears nowhere in the database files', async () => {
    const u = await createUser(ctx.db);
    const plaintext = `plain-${randomBytes(12).toString('hex')}`;
    const marker = `marker-${randomBytes(6).toString('hex')}`;
    await store(ctx.db, u, { service_name: 'dumpcheck', key_name: marker, value: plaintext });
    expect((await resolveKey(ctx.db, u, 'dumpcheck', ring)).value).toBe(plaintext);
    let bytes: Buffer;
    if (ctx.backend === 'pglite') {
      await ctx.db.query('CHECKPOINT');
      const pglite = (ctx.db as unknown as { pglite: { dumpDataDir(c: 'none'): Promise<Blob> } }).pglite;
      const blob = await pglite.dumpDataDir('none');
      // Also as an operator would copy it: written to disk and read back.
      const file = join(mkdtempSync(join(tmpdir(), 'tripsage-dump-')), 'pgdata.tar');
      writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
      bytes = readFileSync(file);
    } else {
      const r = await promisify(execFile)(PG_DUMP, ['--data-only', '--dbname', ctx.url!], { maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' });
      bytes = r.stdout as unknown as Buffer;
    }
    expect(bytes.includes(marker)).toBe(true); // the dump does hold the row …
    expect(bytes.includes(plaintext)).toBe(false); // … but never its secret
  });
});

describe('resolveKey on an embedded database on disk', () => {
  const filesUnder = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p) : [p];
    });

  it('no file of the data directory contains the plaintext, after a checkpoint and after close', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tripsage-vault-'));
    const db = await openDatabase({ dataDir, loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
    const plaintext = `plain-${randomBytes(12).toString('hex')}`;
    const marker = `marker-${randomBytes(6).toString('hex')}`;
    try {
      const u = await createUser(db);
      await store(db, u, { service_name: 'disk', key_name: marker, value: plaintext });
      expect((await resolveKey(db, u, 'disk', ring)).value).toBe(plaintext);
      await db.query('CHECKPOINT');
    } finally {
      await db.close();
    }
    const files = filesUnder(dataDir);
    expect(files.some((f) => readFileSync(f).includes(marker))).toBe(true); // the row is on disk …
    expect(files.filter((f) => readFileSync(f).includes(plaintext))).toEqual([]); // … its secret is not
  });
});
