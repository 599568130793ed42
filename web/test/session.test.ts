import { describe, expect, it } from 'vitest';
import { apiErrorOf } from '../src/api/errors.ts';
import { freshSession, needsRefresh, sessionOf, type Session, type SessionStore } from '../src/api/session.ts';

function memoryStore(initial: Session | null): SessionStore & { writes: number } {
  let s = initial;
  return {
    writes: 0,
    read: () => s,
    write(next) {
      this.writes++;
      s = next;
    },
  };
}

const session = (refresh: string, expiresAt: number): Session => ({
  access_token: `access-${refresh}`, refresh_token: refresh, expires_at: expiresAt, user: { id: 'u', email: 'a@example.com' },
});

describe('session refresh', () => {
  it('refreshes only near expiry (or when forced)', async () => {
    expect(needsRefresh(session('r', 1000), 900)).toBe(false);
    expect(needsRefresh(session('r', 1000), 941)).toBe(true);
    const store = memoryStore(session('r1', 10_000));
    let calls = 0;
    const refresh = async (t: string) => session(`${t}+${++calls}`, 20_000);
    expect((await freshSession(store, refresh, false, () => 100))!.refresh_token).toBe('r1');
    expect((await freshSession(store, refresh, true, () => 100))!.refresh_token).toBe('r1+1');
  });

  it('spends each refresh token once: concurrent callers share one rotation', async () => {
    const store = memoryStore(session('r1', 0));
    const spent: string[] = [];
    const refresh = async (t: string) => {
      spent.push(t);
      await new Promise((r) => setTimeout(r, 10));
      return session(`${t}'`, 99_999);
    };
    const results = await Promise.all([1, 2, 3].map(() => freshSession(store, refresh, false, () => 100)));
    expect(spent).toEqual(['r1']);
    expect(results.map((s) => s!.refresh_token)).toEqual(["r1'", "r1'", "r1'"]);
  });

  it('no stored session → null, without refreshing', async () => {
    let called = false;
    expect(await freshSession(memoryStore(null), async () => { called = true; return session('x', 0); }, true)).toBeNull();
    expect(called).toBe(false);
  });

  it('reads sessions and errors in the API\'s shapes', () => {
    const s = sessionOf({ access_token: 'a', refresh_token: 'r', expires_at: 123, expires_in: 3600, user: { id: 'u', email: 'e' } });
    expect(s).toMatchObject({ access_token: 'a', refresh_token: 'r', expires_at: 123 });
    expect(() => sessionOf({})).toThrow(/session/);
    const e = apiErrorOf(400, JSON.stringify({ code: '23514', message: 'invalid value: violates trips_date_check', details: null, hint: 'end_date must be on or after start_date', request_id: 'r1' }), null);
    expect(e).toMatchObject({ status: 400, code: '23514', hint: 'end_date must be on or after start_date', requestId: 'r1' });
    expect(apiErrorOf(400, JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid login credentials' }), 'x').message).toBe('Invalid login credentials');
    expect(apiErrorOf(502, '<html>Bad gateway</html>', 'x')).toMatchObject({ status: 502, message: '<html>Bad gateway</html>' });
  });
});
