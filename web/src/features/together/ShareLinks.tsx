/**
 * A trip's read-only share links (owner and admins): create one (optional expiry, with or
 * without prices), copy its address — shown once, as the API keeps only a hash of the token —
 * and list or revoke the links.
 */
import { useId, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { NewShareLink, ShareLink } from '../../api/types.ts';
import { invalidateTrip, keys } from '../../app/queries.ts';
import { ConfirmButton } from '../../components/Confirm.tsx';
import { Empty, ErrorNotice, QueryState } from '../../components/Status.tsx';
import { fromLocalInput, instant } from '../../lib/datetime.ts';
import { isExpired, shareUrl } from '../../lib/together.ts';
import { CopyField } from './CopyField.tsx';

export function ShareLinks({ tripId }: { tripId: number }) {
  const query = useQuery({
    queryKey: keys.tripPart(tripId, 'share-links'),
    queryFn: () => api.get<ShareLink[]>(`/api/v1/trips/${tripId}/share-links`),
  });
  return (
    <>
      <NewLink tripId={tripId} />
      <section aria-labelledby="links-heading">
        <h2 id="links-heading">Links</h2>
        <QueryState query={query} what="Loading share links">
          {(links) =>
            links.length === 0 ? (
              <Empty><p>No share links. A link lets anyone who has it read the plan, without an account.</p></Empty>
            ) : (
              <ul className="rows" aria-label="Share links">
                {links.map((l) => <LinkRow key={l.id} tripId={tripId} link={l} />)}
              </ul>
            )
          }
        </QueryState>
      </section>
    </>
  );
}

function LinkRow({ tripId, link }: { tripId: number; link: ShareLink }) {
  const qc = useQueryClient();
  const expired = isExpired(link.expires_at);
  const name = `link ${link.id}, created ${instant(link.created_at)}`;
  return (
    <li className="row" data-testid={`share-link-${link.id}`}>
      <div className="row-body">
        <strong>Created {instant(link.created_at)}</strong>
        <div>
          <span className="badge">{link.include_costs ? 'with prices' : 'without prices'}</span>
          {link.expires_at ? (expired ? <span className="flag-inline">expired {instant(link.expires_at)}</span> : `expires ${instant(link.expires_at)}`) : 'never expires'}
        </div>
      </div>
      <ConfirmButton
        label="Revoke"
        ariaLabel={`Revoke ${name}`}
        question="Revoke this link? Anyone who opens it afterwards sees that it is not valid."
        onConfirm={async () => {
          await api.delete(`/api/v1/trips/${tripId}/share-links/${link.id}`);
          await invalidateTrip(qc, tripId);
        }}
      />
    </li>
  );
}

function NewLink({ tripId }: { tripId: number }) {
  const qc = useQueryClient();
  const id = useId();
  const [expires, setExpires] = useState('');
  const [includeCosts, setIncludeCosts] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<NewShareLink | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const body = { include_costs: includeCosts, expires_at: expires ? fromLocalInput(expires) : null };
      setCreated(await api.post<NewShareLink>(`/api/v1/trips/${tripId}/share-links`, body));
      await invalidateTrip(qc, tripId);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="new-link-heading">
      <h2 id="new-link-heading">New share link</h2>
      <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Create a share link">
        <div className="field">
          <label htmlFor={`${id}-expires`}>Expires (optional)</label>
          <input id={`${id}-expires`} type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} aria-describedby={`${id}-expires-help`} />
          <small id={`${id}-expires-help`}>Empty: the link works until revoked.</small>
        </div>
        <div className="field check">
          <input id={`${id}-costs`} type="checkbox" checked={includeCosts} onChange={(e) => setIncludeCosts(e.target.checked)} />
          <label htmlFor={`${id}-costs`}>Include prices and the budget</label>
        </div>
        <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create link'}</button>
      </form>
      <ErrorNotice error={error} title="No link created" />
      {created && (
        <div className="notice" data-testid="new-link">
          <p>Copy this link now: it is shown only once. Anyone who has it can read the plan{created.include_costs ? ', prices included' : ' (without prices)'}, with no account.</p>
          <CopyField label="Share link" value={shareUrl(window.location.origin, created.token)} />
        </div>
      )}
    </section>
  );
}
