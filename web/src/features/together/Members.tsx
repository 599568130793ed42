/**
 * A trip's members: the owner first, then each collaborator with their role. The owner and
 * admins change roles and remove people; the owner hands the trip over (with confirmation);
 * anyone but the owner can leave. The controls follow lib/roles.ts; the API decides.
 */
import { useId, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api } from '../../api/client.ts';
import { COLLABORATOR_ROLES, type CollaboratorRole, type Member, type Trip } from '../../api/types.ts';
import { invalidateTrip, keys } from '../../app/queries.ts';
import { useSession } from '../../app/session.tsx';
import { ConfirmButton } from '../../components/Confirm.tsx';
import { ErrorNotice, QueryState } from '../../components/Status.tsx';
import { can } from '../../lib/roles.ts';

export function Members({ trip }: { trip: Trip }) {
  const query = useQuery({
    queryKey: keys.tripPart(trip.id, 'collaborators'),
    queryFn: () => api.get<Member[]>(`/api/v1/trips/${trip.id}/collaborators`),
  });
  const me = useSession().session?.user.id;
  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">People on this trip</h2>
      <QueryState query={query} what="Loading the people on this trip">
        {(members) => (
          <>
            {members.length === 1 && <p className="muted">Only you so far{can(trip.role, 'manage') ? ': invite someone below.' : '.'}</p>}
            <ul className="rows" aria-label="People on this trip">
              {members.map((m) => <MemberRow key={m.user_id} trip={trip} member={m} isMe={m.user_id === me} />)}
            </ul>
          </>
        )}
      </QueryState>
    </section>
  );
}

function MemberRow({ trip, member, isMe }: { trip: Trip; member: Member; isMe: boolean }) {
  const who = member.name ? `${member.name} (${member.email})` : member.email;
  const isOwner = member.role === 'owner';
  return (
    <li className="row" data-testid={`member-${member.email}`}>
      <div className="row-body">
        <strong>{member.name ?? member.email}</strong>{isMe && ' (you)'}
        {member.name && <div className="muted small">{member.email}</div>}
        <div><span className={`badge role-${member.role}`} data-testid="member-role">{member.role}</span></div>
      </div>
      <div className="actions">
        {!isOwner && !isMe && can(trip.role, 'manage') && <RoleChanger trip={trip} member={member} who={who} />}
        {!isOwner && !isMe && can(trip.role, 'manage') && <RemoveMember trip={trip} member={member} who={who} />}
        {!isOwner && can(trip.role, 'transfer') && <TransferOwnership trip={trip} member={member} who={who} />}
        {isMe && can(trip.role, 'leave') && <LeaveTrip trip={trip} />}
      </div>
    </li>
  );
}

function RoleChanger({ trip, member, who }: { trip: Trip; member: Member; who: string }) {
  const qc = useQueryClient();
  const id = useId();
  const [role, setRole] = useState(member.role as CollaboratorRole);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.patch(`/api/v1/trips/${trip.id}/collaborators/${member.user_id}`, { role });
      await invalidateTrip(qc, trip.id);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <label htmlFor={`${id}-role`} className="sr-only">Role of {who}</label>
      <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as CollaboratorRole)}>
        {COLLABORATOR_ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
      </select>
      <button type="button" className="secondary" disabled={busy || role === member.role} onClick={() => void save()} aria-label={`Change role of ${who}`}>
        {busy ? 'Saving…' : 'Change role'}
      </button>
      <ErrorNotice error={error} title="Role not changed" />
    </>
  );
}

function RemoveMember({ trip, member, who }: { trip: Trip; member: Member; who: string }) {
  const qc = useQueryClient();
  return (
    <ConfirmButton
      label="Remove"
      ariaLabel={`Remove ${who}`}
      question={`Remove ${who} from “${trip.name}”? They will no longer see the trip.`}
      onConfirm={async () => {
        await api.delete(`/api/v1/trips/${trip.id}/collaborators/${member.user_id}`);
        await invalidateTrip(qc, trip.id);
      }}
    />
  );
}

function TransferOwnership({ trip, member, who }: { trip: Trip; member: Member; who: string }) {
  const qc = useQueryClient();
  return (
    <ConfirmButton
      label="Make owner"
      ariaLabel={`Make ${who} owner`}
      confirmLabel="Transfer ownership"
      question={`Make ${who} the owner of “${trip.name}”? You will stay on it as an admin; only the new owner can delete the trip or transfer it again.`}
      onConfirm={async () => {
        await api.post(`/api/v1/trips/${trip.id}/transfer`, { user_id: member.user_id });
        await invalidateTrip(qc, trip.id);
      }}
    />
  );
}

function LeaveTrip({ trip }: { trip: Trip }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  return (
    <ConfirmButton
      label="Leave trip"
      question={`Leave “${trip.name}”? You will no longer see it unless you are invited again.`}
      onConfirm={async () => {
        await api.post(`/api/v1/trips/${trip.id}/leave`);
        qc.removeQueries({ queryKey: keys.trip(trip.id) });
        await qc.invalidateQueries({ queryKey: ['trips'] });
        navigate('/trips');
      }}
    />
  );
}
