/**
 * Everything of a trip in time order (/timeline), floating times placed in the browser's zone.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { TimelineEntry } from '../../api/types.ts';
import { keys } from '../../app/queries.ts';
import { QueryState } from '../../components/Status.tsx';
import { TimelineList } from '../../components/TimelineList.tsx';
import { browserTimeZone } from '../../lib/datetime.ts';
import { useTripId } from './TripPage.tsx';

export function TimelineTab() {
  const tripId = useTripId();
  const tz = browserTimeZone();
  const query = useQuery({
    queryKey: keys.tripPart(tripId, 'timeline'),
    queryFn: () => api.get<{ entries: TimelineEntry[] }>(`/api/v1/trips/${tripId}/timeline`, { tz }),
  });
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <QueryState query={query} what="Loading the timeline">
        {({ entries }) => <TimelineList entries={entries} />}
      </QueryState>
    </section>
  );
}
