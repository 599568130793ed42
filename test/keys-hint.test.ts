/**
 * The key hint discloses at most a fifth of a key (issue 10: the last 4 characters were half of an
 * 8-character key): maskHint's boundary, and migration 000033 clearing the hints that 000008
 * stored for short keys, on every backend.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HINT_MIN_LENGTH, maskHint } from '../src/keys/crypto.ts';
import { createUser, describeEachBackend } from './harness/backends.ts';

describe('maskHint', () => {
  it('the last 4 characters from 20 characters on; nothing below', () => {
    expect(maskHint('abcd1234')).toBeNull();
    expect(maskHint('x'.repeat(HINT_MIN_LENGTH - 1))).toBeNull();
    expect(maskHint(`${'x'.repeat(HINT_MIN_LENGTH - 4)}WXYZ`)).toBe('WXYZ');
    // Characters, not UTF-16 units: an emoji is one character of the hint.
    expect(maskHint(`${'x'.repeat(HINT_MIN_LENGTH)}ab😀c`)).toBe('ab😀c');
  });
});

describeEachBackend('migration 000033 (key hints of short keys)', (ctx) => {
  it('clears the hints of keys shorter than 20 characters, keeps the others', async () => {
    const user = await createUser(ctx.db);
    /** An envelope whose ciphertext part encodes `bytes` bytes, as encryptSecret writes it. */
    const envelope = (bytes: number) => `tsk1:1:aaaaaaaaaaaaaaaa:bbbbbbbbbbbbbbbbbbbbbb:${Buffer.alloc(bytes, 7).toString('base64url')}`;
    const add = async (name: string, bytes: number) =>
      (await ctx.db.query<{ id: number }>(
        `INSERT INTO public.api_keys (user_id, service_name, key_name, encrypted_value, key_hint) VALUES ($1, 'openai', $2, $3, 'WXYZ') RETURNING id`,
        [user, name, envelope(bytes)],
      )).rows[0]!.id;
    const ids = { k8: await add('k8', 8), k19: await add('k19', 19), k20: await add('k20', 20), k51: await add('k51', 51) };
    await ctx.db.withSession((s) => s.exec(readFileSync(new URL('../db/migrations/000033_api_key_hint_length.sql', import.meta.url), 'utf8')));
    const hints = await ctx.db.query<{ key_name: string; key_hint: string | null }>(
      `SELECT key_name, key_hint FROM public.api_keys WHERE id = ANY($1::bigint[]) ORDER BY key_name`, [Object.values(ids)]);
    expect(Object.fromEntries(hints.rows.map((r) => [r.key_name, r.key_hint]))).toEqual({ k19: null, k20: 'WXYZ', k51: 'WXYZ', k8: null });
  });
});
