/**
 * The profile: name and travel preferences (GET/PATCH /api/v1/me).
 */
import { useId, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { Profile } from '../api/types.ts';
import { PageTitle } from '../app/Layout.tsx';
import { keys } from '../app/queries.ts';
import { ErrorNotice, QueryState } from '../components/Status.tsx';
import { mergePreferences, preferenceValues, PREFERENCE_KEYS, type PreferenceKey } from '../lib/preferences.ts';

const LABELS: Record<PreferenceKey, string> = {
  home_airport: 'Home airport',
  currency: 'Preferred currency',
  travel_style: 'Travel style',
  dietary: 'Dietary needs',
  accessibility: 'Accessibility needs',
};

export function ProfilePage() {
  const query = useQuery({ queryKey: keys.profile, queryFn: () => api.get<Profile>('/api/v1/me') });
  return (
    <section>
      <PageTitle>Profile</PageTitle>
      <QueryState query={query} what="Loading your profile">{(p) => <ProfileForm profile={p} />}</QueryState>
    </section>
  );
}

function ProfileForm({ profile }: { profile: Profile }) {
  const id = useId();
  const qc = useQueryClient();
  const [name, setName] = useState(profile.name ?? '');
  const [prefs, setPrefs] = useState(() => preferenceValues(profile.preferences_json));
  const [state, setState] = useState<{ busy: boolean; error: unknown; saved: boolean }>({ busy: false, error: null, saved: false });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setState({ busy: true, error: null, saved: false });
    try {
      const next = await api.patch<Profile>('/api/v1/me', { name: name.trim() || null, preferences_json: mergePreferences(profile.preferences_json, prefs) });
      qc.setQueryData(keys.profile, next);
      setState({ busy: false, error: null, saved: true });
    } catch (err) {
      setState({ busy: false, error: err, saved: false });
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Profile" className="resource-form">
      <p>Signed in as <strong>{profile.email}</strong></p>
      <div className="fields">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        {PREFERENCE_KEYS.map((k) => (
          <div className="field" key={k}>
            <label htmlFor={`${id}-${k}`}>{LABELS[k]} (optional)</label>
            <input id={`${id}-${k}`} value={prefs[k]} onChange={(e) => setPrefs((p) => ({ ...p, [k]: e.target.value }))} />
          </div>
        ))}
      </div>
      <ErrorNotice error={state.error} title="Not saved" />
      {state.saved && <p role="status" className="notice">Saved.</p>}
      <div className="actions"><button type="submit" disabled={state.busy}>{state.busy ? 'Saving…' : 'Save profile'}</button></div>
    </form>
  );
}
