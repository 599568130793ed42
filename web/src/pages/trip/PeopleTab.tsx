/**
 * Who is on the trip (/trips/:id/people): every member sees the list and can leave; the owner and
 * admins also invite, change roles, remove people and revoke invitations; the owner transfers.
 */
import { InviteForm } from '../../features/together/InviteForm.tsx';
import { Invitations } from '../../features/together/Invitations.tsx';
import { Members } from '../../features/together/Members.tsx';
import { can } from '../../lib/roles.ts';
import { useTrip, useTripId } from './TripPage.tsx';

export function PeopleTab() {
  const trip = useTrip(useTripId()).data;
  if (!trip) return null; // the trip page renders its tabs once the trip has loaded
  return (
    <>
      <Members trip={trip} />
      {can(trip.role, 'manage') && <InviteForm tripId={trip.id} />}
      {can(trip.role, 'manage') && <Invitations tripId={trip.id} />}
    </>
  );
}
