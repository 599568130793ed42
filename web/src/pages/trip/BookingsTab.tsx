/**
 * Flights, stays and local transport of a trip, each amount with its own currency (new ones
 * default to the trip's). A viewer sees the lists without the add, edit and delete controls.
 */
import type { Accommodation, Flight, Transportation } from '../../api/types.ts';
import { ResourceSection } from '../../components/ResourceSection.tsx';
import { formatMoney } from '../../lib/decimal.ts';
import { instant, longDate } from '../../lib/datetime.ts';
import { flightFields, stayFields, transportFields } from './itemFields.ts';
import { useCan, useTrip, useTripId } from './TripPage.tsx';

export function BookingsTab() {
  const tripId = useTripId();
  const currency = useTrip(tripId).data?.currency ?? 'USD';
  const readOnly = !useCan('edit');
  return (
    <>
      <ResourceSection<Flight>
        tripId={tripId} path="flights" noun="flight" title="Flights" fields={flightFields} readOnly={readOnly}
        defaults={{ booking_status: 'saved', currency }} emptyText="No flights yet."
        render={(f) => (
          <>
            <strong>{f.origin} → {f.destination}</strong>{f.airline ? ` · ${f.airline}` : ''}
            <div>{instant(f.departure_time)} – {instant(f.arrival_time)}</div>
            <div>{formatMoney(f.price, f.currency)} · {f.booking_status}</div>
          </>
        )}
      />
      <ResourceSection<Accommodation>
        tripId={tripId} path="accommodations" noun="stay" title="Stays" fields={stayFields} readOnly={readOnly}
        defaults={{ booking_status: 'saved', type: 'hotel', currency }} emptyText="No stays yet."
        render={(a) => (
          <>
            <strong>{a.name}</strong> · {a.type} · {a.location}
            <div>{longDate(a.check_in_date)} – {longDate(a.check_out_date)}</div>
            <div>{formatMoney(a.total_price, a.currency)} ({formatMoney(a.price_per_night, a.currency)} per night){a.rating ? ` · rated ${a.rating}` : ''} · {a.booking_status}</div>
          </>
        )}
      />
      <ResourceSection<Transportation>
        tripId={tripId} path="transportation" noun="transport" title="Local transport" fields={transportFields} readOnly={readOnly}
        defaults={{ type: 'train', currency }} emptyText="No local transport yet."
        render={(t) => (
          <>
            <strong>{t.type}: {t.origin} → {t.destination}</strong>{t.provider_name ? ` · ${t.provider_name}` : ''}
            <div>{instant(t.departure_time)} – {instant(t.arrival_time)}</div>
            <div>{formatMoney(t.price, t.currency)} · {t.status}</div>
          </>
        )}
      />
    </>
  );
}
