/**
 * A trip's pending invitations (emails without an account yet), each revocable — owner and
 * admins only.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Invitation } from '../../api/types.ts';
import { invalidateTrip, keys } from '../../app/queries.ts';
import { ConfirmButton } from '../../components/Confirm.tsx';
import { Empty, QueryState } from '../../components/Status.tsx';
import { instant } from '../../lib/datetime.ts';

export function Invitations({ tripId }: { tripId: number }) {
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: keys.tripPart(tripId, 'invitations'),
    queryFn: () => api.get<Invitation[]>(`/api/v1/trips/${tripId}/invitations`),
  });
  return (
    <section aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">Pending invitations</h2>
      <QueryState query={query} what="Loading invitations">
        {(rows) =>
          rows.length === 0 ? (
            <Empty><p>No pending invitations.</p></Empty>
          ) : (
            <ul className="rows" aria-label="Pending invitations">
              {rows.map((inv) => (
                <li key={inv.id} className="row" data-testid={`invitation-${inv.email}`}>
                  <div className="row-body">
                    <strong>{inv.email}</strong> <span className={`badge role-${inv.role}`}>{inv.role}</span>
                    <div className="muted small">Invited {instant(inv.created_at)}; waiting for them to sign up</div>
                  </div>
                  <ConfirmButton
                    label="Revoke"
                    ariaLabel={`Revoke the invitation of ${inv.email}`}
                    question={`Revoke the invitation of ${inv.email}?`}
                    onConfirm={async () => {
                      await api.delete(`/api/v1/trips/${tripId}/invitations/${inv.id}`);
                      await invalidateTrip(qc, tripId);
                    }}
                  />
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}
