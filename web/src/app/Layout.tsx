/**
 * The frame of every page: a skip link, the header with the main navigation, and <main>.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router';
import { api } from '../api/client.ts';
import { useSession } from './session.tsx';

const NAV = [
  ['/trips', 'Trips'],
  ['/comparisons', 'Compare'],
  ['/assistant', 'Assistant'],
  ['/memories', 'Memories'],
  ['/prices', 'Prices'],
  ['/insights', 'Insights'],
  ['/keys', 'API keys'],
  ['/profile', 'Profile'],
] as const;

export function Layout({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After a client-side navigation, move focus to the new page (as a page load would).
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus({ preventScroll: true });
  }, [location.pathname]);
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <NavLink to="/" className="brand">TripSage</NavLink>
        {session && (
          <nav aria-label="Main">
            <ul>
              {NAV.map(([to, label]) => (
                <li key={to}><NavLink to={to}>{label}</NavLink></li>
              ))}
            </ul>
          </nav>
        )}
        {session && (
          <div className="who">
            <span className="email">{session.user.email}</span>
            <button type="button" className="secondary" onClick={() => void api.signOut().finally(() => navigate('/sign-in'))}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** The page's title, in <h1> and the document title. */
export function PageTitle({ children, actions }: { children: string; actions?: ReactNode }) {
  useEffect(() => {
    document.title = `${children} · TripSage`;
  }, [children]);
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions && <div className="actions">{actions}</div>}
    </div>
  );
}
