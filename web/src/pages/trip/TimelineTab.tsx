/**
 * Everything of a trip in time order (/timeline), floating times placed in the browser's zone.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { TimelineEntry } from '../../api/types.ts';
import { keys } from '../../app/queries.ts';
import { Empty, QueryState } from '../../components/Status.tsx';
import { formatAmount } from '../../lib/decimal.ts';
import { browserTimeZone, instant, longDate, shortTime } from '../../lib/datetime.ts';
import { useTripId } from './TripPage.tsx';

const KIND: Record<TimelineEntry['kind'], string> = {
  flight: 'Flight', accommodation: 'Stay', transportation: 'Transport', itinerary_item: 'Activity',
};

export function whenOf(e: TimelineEntry): string {
  if (e.all_day) return `${longDate(e.date)} – ${longDate(e.end_date)}`;
  if (e.kind === 'itinerary_item') return `${longDate(e.date)}, ${shortTime(e.start_time)}–${shortTime(e.end_time)}`;
  return `${instant(e.start_at)} – ${instant(e.end_at)}`;
}

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
        {({ entries }) =>
          entries.length === 0 ? (
            <Empty><p>Nothing planned yet: add flights, stays or itinerary items.</p></Empty>
          ) : (
            <ol className="timeline">
              {entries.map((e) => (
                <li key={`${e.kind}-${e.id}`} className={`entry entry-${e.kind}`}>
                  <span className="badge">{KIND[e.kind]}</span>
                  <strong>{e.title}</strong>
                  <div>{whenOf(e)}</div>
                  {e.price !== null && <div className="muted">{formatAmount(e.price)}</div>}
                </li>
              ))}
            </ol>
          )
        }
      </QueryState>
    </section>
  );
}
