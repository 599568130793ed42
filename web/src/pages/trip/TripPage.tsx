/**
 * One trip: its header (dates, destination, travellers, status, the caller's role, downloads) and
 * its sections as tabs, each its own route under /trips/:tripId. The caller's role (from the
 * trip) decides which tabs and controls show (lib/roles.ts); the API enforces it regardless.
 */
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, NavLink, Outlet, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client.ts';
import type { Trip } from '../../api/types.ts';
import { PageTitle } from '../../app/Layout.tsx';
import { keys } from '../../app/queries.ts';
import { ConfirmButton } from '../../components/Confirm.tsx';
import { ErrorNotice, QueryState } from '../../components/Status.tsx';
import { longDate } from '../../lib/datetime.ts';
import { saveBlob } from '../../components/saveBlob.ts';
import { filenameOf } from '../../lib/download.ts';
import { can, roleLabel, type TripAction } from '../../lib/roles.ts';

/** [path, label, the action the tab needs (none: anyone who sees the trip)]. */
export const TRIP_TABS: readonly (readonly [string, string, TripAction?])[] = [
  ['', 'Overview'],
  ['days', 'Days'],
  ['timeline', 'Timeline'],
  ['bookings', 'Flights & stays'],
  ['notes', 'Notes'],
  ['options', 'Saved options'],
  ['people', 'People'],
  ['share', 'Share links', 'manage'],
  ['assistant', 'Assistant'],
];

export function useTripId(): number {
  return Number(useParams().tripId);
}

export function useTrip(id: number) {
  return useQuery({ queryKey: keys.trip(id), queryFn: () => api.get<Trip>(`/api/v1/trips/${id}`) });
}

/** Whether the caller's role on the current trip allows an action (false until the trip loads). */
export function useCan(action: TripAction): boolean {
  return can(useTrip(useTripId()).data?.role, action);
}

export function TripPage() {
  const id = useTripId();
  const query = useTrip(id);
  return (
    <QueryState query={query} what="Loading the trip">
      {(trip) => (
        <article className="trip">
          <PageTitle actions={<TripActions trip={trip} />}>{trip.name}</PageTitle>
          <p className="trip-facts">
            <span>{trip.destination}</span>
            <span>{longDate(trip.start_date)} – {longDate(trip.end_date)}</span>
            <span>{trip.travelers} traveller{trip.travelers === 1 ? '' : 's'}</span>
            <span className={`badge status-${trip.status}`}>{trip.status}</span>
            <span className={`badge role-${trip.role}`} data-testid="trip-role">{roleLabel(trip.role)}</span>
          </p>
          <nav className="tabs" aria-label="Trip sections">
            <ul>
              {TRIP_TABS.filter(([, , needs]) => !needs || can(trip.role, needs)).map(([path, label]) => (
                <li key={path}>
                  <NavLink end to={path ? `/trips/${id}/${path}` : `/trips/${id}`}>{label}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="tab-panel">
            <Outlet />
          </div>
        </article>
      )}
    </QueryState>
  );
}

function TripActions({ trip }: { trip: Trip }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const download = async (path: string, fallback: string) => {
    setError(null);
    try {
      const res = await api.response(path);
      saveBlob(await res.blob(), filenameOf(res.headers.get('content-disposition'), fallback));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      {can(trip.role, 'edit') && <Link className="button secondary" to={`/trips/${trip.id}/edit`}>Edit trip</Link>}
      <button type="button" className="secondary" onClick={() => void download(`/api/v1/trips/${trip.id}/calendar.ics`, `trip-${trip.id}.ics`)}>
        Calendar (.ics)
      </button>
      <button type="button" className="secondary" onClick={() => void download(`/api/v1/trips/${trip.id}/export`, `trip-${trip.id}.json`)}>
        Export JSON
      </button>
      {can(trip.role, 'delete') && (
        <ConfirmButton
          label="Delete trip"
          question={`Delete “${trip.name}” and everything planned in it, for everyone on it? This cannot be undone.`}
          onConfirm={async () => {
            await api.delete(`/api/v1/trips/${trip.id}`);
            qc.removeQueries({ queryKey: keys.trip(trip.id) });
            await qc.invalidateQueries({ queryKey: ['trips'] });
            navigate('/trips');
          }}
        />
      )}
      <ErrorNotice error={error} title="Download failed" />
    </>
  );
}
