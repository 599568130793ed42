/**
 * The signed-in session: tokens from /auth/v1, kept in localStorage so a reload stays signed in.
 *
 * Refresh tokens rotate and are single-use; presenting a spent one revokes the whole session
 * (docs/api.md). So refreshes are serialised — one at a time per browser, across tabs, with the
 * Web Locks API — and each re-reads the stored session first: if another tab already rotated
 * the token, its result is used instead of spending the old token again.
 */
export interface AuthUser {
  id: string;
  email: string;
  user_metadata?: Record<string, unknown>;
}

export interface Session {
  access_token: string;
  refresh_token: string;
  expires_at: number; // seconds since the epoch
  user: AuthUser;
}

const KEY = 'tripsage.session';
/** Refresh this many seconds before the access token expires. */
export const REFRESH_MARGIN_S = 60;

export interface SessionStore {
  read(): Session | null;
  write(s: Session | null): void;
}

export function localSessionStore(storage: Storage = localStorage): SessionStore {
  return {
    read() {
      try {
        const raw = storage.getItem(KEY);
        return raw ? (JSON.parse(raw) as Session) : null;
      } catch {
        return null;
      }
    },
    write(s) {
      if (s) storage.setItem(KEY, JSON.stringify(s));
      else storage.removeItem(KEY);
    },
  };
}

export function needsRefresh(s: Session, nowSeconds: number): boolean {
  return s.expires_at - nowSeconds <= REFRESH_MARGIN_S;
}

/** The session from an /auth/v1 answer (sign-up, sign-in, refresh). */
export function sessionOf(body: unknown): Session {
  const b = body as Partial<Session> & { expires_in?: number };
  if (!b.access_token || !b.refresh_token || !b.user) throw new Error('the server did not return a session');
  return {
    access_token: b.access_token,
    refresh_token: b.refresh_token,
    expires_at: b.expires_at ?? Math.floor(Date.now() / 1000) + (b.expires_in ?? 3600),
    user: { id: b.user.id, email: b.user.email, user_metadata: b.user.user_metadata },
  };
}

type Refresher = (refreshToken: string) => Promise<Session>;

/**
 * Returns a session whose access token is usable: the stored one, or a refreshed one. `force`
 * refreshes even when the token looks fresh (after a 401). Throws what `refresh` throws; the
 * caller decides whether that ends the session.
 */
export async function freshSession(store: SessionStore, refresh: Refresher, force = false, now = () => Date.now() / 1000): Promise<Session | null> {
  const before = store.read();
  if (!before) return null;
  if (!force && !needsRefresh(before, now())) return before;
  return withLock(async () => {
    const current = store.read();
    if (!current) return null;
    // Another tab (or call) rotated the token while we waited: use its result.
    if (current.refresh_token !== before.refresh_token) return current;
    const next = await refresh(current.refresh_token);
    store.write(next);
    return next;
  });
}

let inTab: Promise<unknown> = Promise.resolve();

/** Runs fn alone: across tabs with navigator.locks where the browser has it, else in this tab. */
function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks) return locks.request('tripsage-refresh', fn) as Promise<T>;
  const run = inTab.then(fn, fn);
  inTab = run.catch(() => undefined);
  return run;
}
