/**
 * The read-only page a share link opens (/shared/:token), for anyone, signed in or not: the trip,
 * its days, timeline and notes from GET /api/v1/shared/{token}, sent without a session (the token
 * is the credential). Prices show only when the link includes them. A token that opens nothing
 * (unknown, revoked, expired) is the API's 404: the page says the link is not valid.
 */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api } from '../api/client.ts';
import { ApiError } from '../api/errors.ts';
import type { SharedItem, SharedTrip } from '../api/types.ts';
import { PageTitle } from '../app/Layout.tsx';
import { keys } from '../app/queries.ts';
import { Empty, ErrorNotice, Loading } from '../components/Status.tsx';
import { TimelineList } from '../components/TimelineList.tsx';
import { formatMoney } from '../lib/decimal.ts';
import { ItemSummary } from '../components/ItemSummary.tsx';
import { browserTimeZone, instant, longDate } from '../lib/datetime.ts';

const DAYS_PER_PAGE = 31;

export function SharedPage() {
  const token = useParams().token ?? '';
  const [fromDay, setFromDay] = useState(1);
  const path = `/api/v1/shared/${encodeURIComponent(token)}`;
  const query = useQuery({
    queryKey: keys.shared(token, fromDay),
    queryFn: () => api.request<SharedTrip>(path, { anonymous: true, query: { tz: browserTimeZone(), from_day: fromDay, days: DAYS_PER_PAGE } }),
  });
  if (query.isPending) return <Loading what="Opening the shared trip" />;
  if (query.error instanceof ApiError && query.error.status === 404) return <LinkNotValid />;
  if (query.error) return <><PageTitle>Shared trip</PageTitle><ErrorNotice error={query.error} retry={() => void query.refetch()} /></>;
  const { trip, days, timeline, notes, include_costs, next_from_day } = query.data;
  return (
    <article className="trip shared">
      <PageTitle actions={<a className="button secondary" href={`${path}/calendar.ics`} download>Calendar (.ics)</a>}>{trip.name}</PageTitle>
      <p className="trip-facts">
        <span>{trip.destination}</span>
        <span>{longDate(trip.start_date)} – {longDate(trip.end_date)}</span>
        <span>{trip.travelers} traveller{trip.travelers === 1 ? '' : 's'}</span>
        <span className={`badge status-${trip.status}`}>{trip.status}</span>
        {include_costs && trip.budget !== null && <span data-testid="shared-budget">budget {formatMoney(trip.budget, trip.currency)}</span>}
      </p>
      <p className="notice">A read-only view of this trip, shared with you{include_costs ? '' : ' without its prices'}.</p>
      {trip.description && <p className="description">{trip.description}</p>}
      <section aria-labelledby="shared-days-heading">
        <h2 id="shared-days-heading">Day by day</h2>
        {days.map((d) => (
          <section key={d.day_number} className="day" aria-labelledby={`shared-day-${d.day_number}`} data-testid={`day-${d.day_number}`}>
            <h3 id={`shared-day-${d.day_number}`}>Day {d.day_number} · {longDate(d.date)}</h3>
            {d.items.length === 0 ? <Empty><p>Nothing planned.</p></Empty> : (
              <ol className="items">{d.items.map((item) => <SharedItemRow key={item.id} item={item} />)}</ol>
            )}
          </section>
        ))}
        {(fromDay > 1 || next_from_day) && (
          <nav className="pager" aria-label="More days">
            <button type="button" className="secondary" disabled={fromDay === 1} onClick={() => setFromDay(Math.max(1, fromDay - DAYS_PER_PAGE))}>Earlier days</button>
            <button type="button" className="secondary" disabled={!next_from_day} onClick={() => setFromDay(next_from_day ?? fromDay)}>Later days</button>
          </nav>
        )}
      </section>
      <section aria-labelledby="shared-timeline-heading">
        <h2 id="shared-timeline-heading">Timeline</h2>
        <TimelineList entries={timeline} />
      </section>
      <section aria-labelledby="shared-notes-heading">
        <h2 id="shared-notes-heading">Notes</h2>
        {notes.length === 0 ? <Empty><p>No notes.</p></Empty> : (
          <ul className="rows" aria-label="Notes">
            {notes.map((n) => (
              <li key={n.id} className="row">
                <div className="row-body">
                  <strong>{n.title}</strong>
                  <p className="prewrap">{n.content}</p>
                  <small className="muted">Updated {instant(n.updated_at)}</small>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

function SharedItemRow({ item }: { item: SharedItem }) {
  return (
    <li className="item">
      <ItemSummary item={item} />
    </li>
  );
}

function LinkNotValid() {
  return (
    <section className="link-not-valid">
      <PageTitle>This link is not valid</PageTitle>
      <p>The share link may have been revoked by the trip’s owner, may have expired, or may be mistyped.</p>
      <p>Ask the person who shared the trip for a new link.</p>
    </section>
  );
}
