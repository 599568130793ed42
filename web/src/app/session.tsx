/**
 * The signed-in state for React: follows the API client's session (sign-in, refresh, sign-out,
 * or a revoked session), and sends pages that need a user to sign-in.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { Session } from '../api/session.ts';

interface SessionState {
  session: Session | null;
  /** Why the last session ended, when it was not the user's own sign-out. */
  endedBecause: string | null;
}

const Ctx = createContext<SessionState>({ session: null, endedBecause: null });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(() => ({ session: api.session(), endedBecause: null }));
  const queries = useQueryClient();
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      // Another tab signed in or out.
      if (e.key === null || e.key.startsWith('tripsage.')) setState((s) => ({ ...s, session: api.session() }));
    };
    window.addEventListener('storage', onStorage);
    const off = api.onSession((session, reason) => {
      setState((prev) => {
        // A different user (or none): nothing cached for the previous one may show.
        if (prev.session?.user.id !== session?.user.id) queries.clear();
        return { session, endedBecause: session ? null : reason ?? null };
      });
    });
    return () => {
      off();
      window.removeEventListener('storage', onStorage);
    };
  }, [queries]);
  return <Ctx.Provider value={state}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  return useContext(Ctx);
}

export function RequireUser({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (!session) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}
