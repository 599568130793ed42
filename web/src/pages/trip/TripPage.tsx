/**
 * One trip: its header (dates, destination, travellers, status, downloads) and its sections as
 * tabs, each its own route under /trips/:tripId.
 */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, NavLink, Outlet, useParams } from 'react-router';
import { api } from '../../api/client.ts';
import type { Trip } from '../../api/types.ts';
import { PageTitle } from '../../app/Layout.tsx';
import { keys } from '../../app/queries.ts';
import { ErrorNotice, QueryState } from '../../components/Status.tsx';
import { longDate } from '../../lib/datetime.ts';
import { saveBlob } from '../../components/saveBlob.ts';
import { filenameOf } from '../../lib/download.ts';

export const TRIP_TABS = [
  ['', 'Overview'],
  ['days', 'Days'],
  ['timeline', 'Timeline'],
  ['bookings', 'Flights & stays'],
  ['notes', 'Notes'],
  ['options', 'Saved options'],
  ['assistant', 'Assistant'],
] as const;

export function useTripId(): number {
  return Number(useParams().tripId);
}

export function useTrip(id: number) {
  return useQuery({ queryKey: keys.trip(id), queryFn: () => api.get<Trip>(`/api/v1/trips/${id}`) });
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
          </p>
          <nav className="tabs" aria-label="Trip sections">
            <ul>
              {TRIP_TABS.map(([path, label]) => (
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
      <Link className="button secondary" to={`/trips/${trip.id}/edit`}>Edit trip</Link>
      <button type="button" className="secondary" onClick={() => void download(`/api/v1/trips/${trip.id}/calendar.ics`, `trip-${trip.id}.ics`)}>
        Calendar (.ics)
      </button>
      <button type="button" className="secondary" onClick={() => void download(`/api/v1/trips/${trip.id}/export`, `trip-${trip.id}.json`)}>
        Export JSON
      </button>
      <ErrorNotice error={error} title="Download failed" />
    </>
  );
}
