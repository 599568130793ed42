/**
 * Create a trip, or edit one (/trips/new, /trips/:id/edit).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { api } from '../../api/client.ts';
import type { Trip } from '../../api/types.ts';
import { PageTitle } from '../../app/Layout.tsx';
import { invalidateTrip, keys } from '../../app/queries.ts';
import { ResourceForm } from '../../components/ResourceForm.tsx';
import { Empty, QueryState } from '../../components/Status.tsx';
import { can } from '../../lib/roles.ts';
import { tripDefaults, tripFields } from './tripFields.ts';

export function NewTripPage() {
  const navigate = useNavigate();
  const qc = useQueryClient();
  return (
    <section>
      <PageTitle>New trip</PageTitle>
      <ResourceForm
        fields={tripFields}
        defaults={tripDefaults}
        mode="create"
        submitLabel="Create trip"
        onSubmit={async (body) => {
          const trip = await api.post<Trip>('/api/v1/trips', body);
          await qc.invalidateQueries({ queryKey: ['trips'] });
          navigate(`/trips/${trip.id}`);
        }}
        onCancel={() => navigate('/trips')}
      />
    </section>
  );
}

export function EditTripPage() {
  const id = Number(useParams().tripId);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const query = useQuery({ queryKey: keys.trip(id), queryFn: () => api.get<Trip>(`/api/v1/trips/${id}`) });
  return (
    <section>
      <PageTitle>Edit trip</PageTitle>
      <QueryState query={query} what="Loading the trip">
        {(trip) => !can(trip.role, 'edit') ? (
          <Empty><p>As a {trip.role} of “{trip.name}” you can read it but not change it.</p></Empty>
        ) : (
          <ResourceForm
            fields={tripFields}
            initial={trip as unknown as Record<string, unknown>}
            mode="edit"
            submitLabel="Save trip"
            onSubmit={async (body) => {
              await api.patch(`/api/v1/trips/${id}`, body);
              await invalidateTrip(qc, id);
              navigate(`/trips/${id}`);
            }}
            onCancel={() => navigate(`/trips/${id}`)}
          />
        )}
      </QueryState>
    </section>
  );
}
