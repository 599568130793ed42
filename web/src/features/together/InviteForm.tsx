/**
 * Invite someone to a trip by email with a role (owner and admins). The API answers whether the
 * address had an account (added at once) or not (a pending invitation, claimed on sign-up).
 */
import { useId, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { COLLABORATOR_ROLES, type CollaboratorRole, type InviteResult } from '../../api/types.ts';
import { invalidateTrip } from '../../app/queries.ts';
import { ErrorNotice } from '../../components/Status.tsx';
import { inviteOutcome } from '../../lib/together.ts';

export function InviteForm({ tripId }: { tripId: number }) {
  const qc = useQueryClient();
  const id = useId();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<CollaboratorRole>('editor');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setOutcome('');
    try {
      const result = await api.post<InviteResult>(`/api/v1/trips/${tripId}/collaborators`, { email: email.trim(), role });
      setOutcome(inviteOutcome(result));
      setEmail('');
      await invalidateTrip(qc, tripId);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite someone</h2>
      <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Invite someone">
        <div className="field grow">
          <label htmlFor={`${id}-email`}>Email</label>
          <input id={`${id}-email`} type="email" required autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as CollaboratorRole)}>
            {COLLABORATOR_ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </div>
        <button type="submit" disabled={busy}>{busy ? 'Inviting…' : 'Invite'}</button>
      </form>
      <p className="muted small">Viewers read the trip; editors also plan it; admins also manage who is on it and its share links.</p>
      <p role="status" className={outcome ? 'notice' : undefined} data-testid="invite-outcome">{outcome}</p>
      <ErrorNotice error={error} title="Not invited" />
    </section>
  );
}
