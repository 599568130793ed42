/**
 * Token verification, including its cache of verified tokens: a cached token's twin with one
 * changed character is still verified (and refused); a cached user is never confused with another;
 * a token without `exp` (one that would never expire) is refused.
 */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createTokenService } from '../src/auth/tokens.ts';
import { DomainError } from '../src/domain/errors.ts';

const config = loadConfig({}, { TRIPSAGE_JWT_SECRET: 'x'.repeat(48) });
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

describe('token verification cache', () => {
  it('serves repeated tokens from the cache, and still refuses a tampered copy of a cached one', async () => {
    const tokens = createTokenService(config);
    const good = await tokens.sign({ sub: A, role: 'authenticated', aud: 'authenticated' }, 3600);
    expect((await tokens.callerFromToken(good)).claims.sub).toBe(A);
    expect((await tokens.callerFromToken(good)).claims.sub).toBe(A); // cached
    const [h, p, sig] = good.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: B })).toString('base64url')}.${sig}`;
    await expect(tokens.callerFromToken(forged)).rejects.toBeInstanceOf(DomainError);
    const flipped = `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(tokens.callerFromToken(flipped)).rejects.toBeInstanceOf(DomainError);
  });

  it('keeps users apart and refuses a token whose expiry has passed even after it was cached', async () => {
    const tokens = createTokenService(config);
    const a = await tokens.sign({ sub: A, role: 'authenticated', aud: 'authenticated' }, 3600);
    const b = await tokens.sign({ sub: B, role: 'authenticated', aud: 'authenticated' }, 3600);
    expect((await tokens.callerFromToken(a)).claims.sub).toBe(A);
    expect((await tokens.callerFromToken(b)).claims.sub).toBe(B);
    // Expired beyond the 30 s clock skew: refused whether or not it was ever seen.
    const old = await tokens.sign({ sub: A, role: 'authenticated', aud: 'authenticated' }, -60);
    await expect(tokens.callerFromToken(old)).rejects.toMatchObject({ kind: 'unauthenticated', code: 'invalid_token' });
  });

  it('refuses a correctly signed token that has no exp claim', async () => {
    const tokens = createTokenService(config);
    const forever = await new SignJWT({ sub: A, role: 'authenticated', aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .sign(new TextEncoder().encode(config.jwtSecret!));
    await expect(tokens.callerFromToken(forever)).rejects.toMatchObject({ code: 'invalid_token', message: 'token has no expiry (exp claim)' });
    const withExp = await tokens.sign({ sub: A, role: 'authenticated', aud: 'authenticated' }, 60);
    expect((await tokens.callerFromToken(withExp)).claims.sub).toBe(A);
  });
});
