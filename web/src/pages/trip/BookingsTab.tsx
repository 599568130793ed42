/**
 * Flights, stays and local transport of a trip.
 */
import type { Accommodation, Flight, Transportation } from '../../api/types.ts';
import { ResourceSection } from '../../components/ResourceSection.tsx';
import { formatAmount } from '../../lib/decimal.ts';
import { instant, longDate } from '../../lib/datetime.ts';
import { flightFields, stayFields, transportFields } from './itemFields.ts';
import { useTripId } from './TripPage.tsx';

export function BookingsTab() {
  const tripId = useTripId();
  return (
    <>
      <ResourceSection<Flight>
        tripId={tripId} path="flights" noun="flight" title="Flights" fields={flightFields}
        defaults={{ booking_status: 'saved' }} emptyText="No flights yet."
        render={(f) => (
          <>
            <strong>{f.origin} → {f.destination}</strong>{f.airline ? ` · ${f.airline}` : ''}
            <div>{instant(f.departure_time)} – {instant(f.arrival_time)}</div>
            <div>{formatAmount(f.price)} · {f.booking_status}</div>
          </>
        )}
      />
      <ResourceSection<Accommodation>
        tripId={tripId} path="accommodations" noun="stay" title="Stays" fields={stayFields}
        defaults={{ booking_status: 'saved', type: 'hotel' }} emptyText="No stays yet."
        render={(a) => (
          <>
            <strong>{a.name}</strong> · {a.type} · {a.location}
            <div>{longDate(a.check_in_date)} – {longDate(a.check_out_date)}</div>
            <div>{formatAmount(a.total_price)} ({formatAmount(a.price_per_night)} per night){a.rating ? ` · rated ${a.rating}` : ''} · {a.booking_status}</div>
          </>
        )}
      />
      <ResourceSection<Transportation>
        tripId={tripId} path="transportation" noun="transport" title="Local transport" fields={transportFields}
        defaults={{ type: 'train' }} emptyText="No local transport yet."
        render={(t) => (
          <>
            <strong>{t.type}: {t.origin} → {t.destination}</strong>{t.provider_name ? ` · ${t.provider_name}` : ''}
            <div>{instant(t.departure_time)} – {instant(t.arrival_time)}</div>
            <div>{formatAmount(t.price)} · {t.status}</div>
          </>
        )}
      />
    </>
  );
}
