/**
 * Read-only share links of the trip (/trips/:id/share): the owner and admins manage them; anyone
 * else who opens the address is told so instead of getting the API's 403.
 */
import { Empty } from '../../components/Status.tsx';
import { ShareLinks } from '../../features/together/ShareLinks.tsx';
import { can } from '../../lib/roles.ts';
import { useTrip, useTripId } from './TripPage.tsx';

export function ShareTab() {
  const trip = useTrip(useTripId()).data;
  if (!trip) return null; // the trip page renders its tabs once the trip has loaded
  if (!can(trip.role, 'manage')) return <Empty><p>Only the trip’s owner and admins manage its share links.</p></Empty>;
  return <ShareLinks tripId={trip.id} />;
}
