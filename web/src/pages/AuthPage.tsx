/**
 * Sign in and sign up (the API's /auth/v1). After either, back to where the user was going.
 */
import { useId, useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import { PageTitle } from '../app/Layout.tsx';
import { useSession } from '../app/session.tsx';
import { ErrorNotice } from '../components/Status.tsx';
import { safeNext } from '../lib/navigation.ts';

export function AuthPage({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const { session, endedBecause } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  if (session && !busy) return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'sign-in') await api.signIn(email, password);
      else await api.signUp(email, password, name.trim());
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const signIn = mode === 'sign-in';
  return (
    <section className="auth">
      <PageTitle>{signIn ? 'Sign in' : 'Create your account'}</PageTitle>
      {endedBecause && signIn && <p className="notice" role="status">{endedBecause}</p>}
      <form onSubmit={(e) => void submit(e)} aria-label={signIn ? 'Sign in' : 'Sign up'}>
        {!signIn && (
          <div className="field">
            <label htmlFor={`${id}-name`}>Your name (optional)</label>
            <input id={`${id}-name`} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input id={`${id}-email`} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`} type="password" required minLength={signIn ? undefined : 8}
            autoComplete={signIn ? 'current-password' : 'new-password'}
            aria-describedby={signIn ? undefined : `${id}-pw-help`}
            value={password} onChange={(e) => setPassword(e.target.value)}
          />
          {!signIn && <small id={`${id}-pw-help`}>8 to 72 characters.</small>}
        </div>
        <ErrorNotice error={error} title={signIn ? 'Could not sign in' : 'Could not sign up'} />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? 'Please wait…' : signIn ? 'Sign in' : 'Sign up'}</button>
        </div>
      </form>
      <p>
        {signIn ? <>New here? <Link to={`/sign-up${params.size ? `?${params}` : ''}`}>Create an account</Link></> : <>Already have an account? <Link to="/sign-in">Sign in</Link></>}
      </p>
    </section>
  );
}
