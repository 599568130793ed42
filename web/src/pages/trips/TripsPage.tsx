/**
 * My trips — my own and those shared with me, each marked with my role: filter by whose (scope),
 * status, search by name or destination (kept in the URL), page through them, and create, edit,
 * duplicate or delete (the controls my role on a trip does not allow are not shown).
 */
import { useEffect, useId, useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import { TRIP_STATUSES, type Trip } from '../../api/types.ts';
import { PageTitle } from '../../app/Layout.tsx';
import { keys } from '../../app/queries.ts';
import { ConfirmButton } from '../../components/Confirm.tsx';
import { Empty, ErrorNotice, QueryState } from '../../components/Status.tsx';
import { formatMoney } from '../../lib/decimal.ts';
import { longDate } from '../../lib/datetime.ts';
import { can, roleLabel } from '../../lib/roles.ts';
import { duplicateTrip } from './duplicate.ts';

const PAGE = 20;
/** The API's `scope` filter: [value, label]. */
const SCOPES = [['', 'All my trips'], ['mine', 'Mine'], ['shared', 'Shared with me']] as const;

export function TripsPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const q = params.get('q') ?? '';
  const scope = SCOPES.some(([v]) => v === params.get('scope')) ? params.get('scope')! : '';
  const page = Math.max(0, Number(params.get('page') ?? 0) || 0);
  const filters = { scope, status, q, page };
  const query = useQuery({
    queryKey: keys.trips(filters),
    queryFn: () => api.page<Trip>('/api/v1/trips', { scope, status, q, limit: PAGE, offset: page * PAGE, order: 'start_date.asc' }),
    placeholderData: keepPreviousData,
  });
  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };

  return (
    <section>
      <PageTitle actions={<Link className="button" to="/trips/new">New trip</Link>}>My trips</PageTitle>
      <TripFilters scope={scope} status={status} q={q} onChange={update} />
      <QueryState query={query} what="Loading trips">
        {({ rows, total }) =>
          rows.length === 0 ? (
            <Empty>
              {status || q ? (
                <p>No trips match these filters.</p>
              ) : scope === 'shared' ? (
                <p>No trips are shared with you yet. When someone invites you to a trip, it appears here.</p>
              ) : (
                <p>No trips yet. <Link to="/trips/new">Plan your first trip</Link>.</p>
              )}
            </Empty>
          ) : (
            <>
              <p className="count" aria-live="polite">{total ?? rows.length} trip{(total ?? rows.length) === 1 ? '' : 's'}</p>
              <ul className="cards" aria-label="Trips">
                {rows.map((t) => <TripCard key={t.id} trip={t} />)}
              </ul>
              <Pager page={page} total={total} size={PAGE} onPage={(p) => update({ page: p ? String(p) : '' })} />
            </>
          )
        }
      </QueryState>
    </section>
  );
}

function TripFilters({ scope, status, q, onChange }: { scope: string; status: string; q: string; onChange: (c: Record<string, string>) => void }) {
  const id = useId();
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  return (
    <form className="filters" role="search" aria-label="Filter trips" onSubmit={(e) => { e.preventDefault(); onChange({ q: text.trim() }); }}>
      <div className="field">
        <label htmlFor={`${id}-scope`}>Whose</label>
        <select id={`${id}-scope`} value={scope} onChange={(e) => onChange({ scope: e.target.value })}>
          {SCOPES.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={status} onChange={(e) => onChange({ status: e.target.value })}>
          <option value="">All</option>
          {TRIP_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </div>
      <div className="field grow">
        <label htmlFor={`${id}-q`}>Search name or destination</label>
        <input id={`${id}-q`} type="search" value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <button type="submit" className="secondary">Search</button>
    </form>
  );
}

function TripCard({ trip }: { trip: Trip }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [copying, setCopying] = useState(false);
  const duplicate = async () => {
    setCopying(true);
    setError(null);
    try {
      const copy = await duplicateTrip(api, trip.id);
      await qc.invalidateQueries({ queryKey: ['trips'] });
      navigate(`/trips/${copy.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setCopying(false);
    }
  };
  return (
    <li className="card">
      <h2><Link to={`/trips/${trip.id}`}>{trip.name}</Link></h2>
      <p><span className={`badge role-${trip.role}`} data-testid="trip-role">{roleLabel(trip.role)}</span></p>
      <p className="muted">{trip.destination}</p>
      <p>{longDate(trip.start_date)} – {longDate(trip.end_date)}</p>
      <p>
        <span className={`badge status-${trip.status}`}>{trip.status}</span> · budget {formatMoney(trip.budget, trip.currency)} · {trip.travelers} traveller{trip.travelers === 1 ? '' : 's'}
      </p>
      <div className="actions">
        {can(trip.role, 'edit') && <Link className="button secondary" to={`/trips/${trip.id}/edit`} aria-label={`Edit ${trip.name}`}>Edit</Link>}
        <button type="button" className="secondary" disabled={copying} onClick={() => void duplicate()} aria-label={`Duplicate ${trip.name}`}>
          {copying ? 'Copying…' : 'Duplicate'}
        </button>
        {can(trip.role, 'delete') && (
          <ConfirmButton
            label="Delete"
            question={`Delete “${trip.name}” and everything planned in it? This cannot be undone.`}
            onConfirm={async () => {
              await api.delete(`/api/v1/trips/${trip.id}`);
              await qc.invalidateQueries({ queryKey: ['trips'] });
            }}
          />
        )}
      </div>
      <ErrorNotice error={error} title="Could not duplicate" />
    </li>
  );
}

export function Pager({ page, total, size, onPage }: { page: number; total: number | null; size: number; onPage: (p: number) => void }) {
  const last = total === null ? page : Math.max(0, Math.ceil(total / size) - 1);
  if (last === 0 && page === 0) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="secondary" disabled={page === 0} onClick={() => onPage(page - 1)}>Previous</button>
      <span>Page {page + 1} of {last + 1}</span>
      <button type="button" className="secondary" disabled={page >= last} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  );
}
