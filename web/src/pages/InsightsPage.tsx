/**
 * What my searches say: by type, top destinations, travel dates, destinations searched but not
 * booked (GET /api/v1/search-history/insights).
 */
import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/client.ts';
import type { SearchInsights } from '../api/types.ts';
import { PageTitle } from '../app/Layout.tsx';
import { Empty, QueryState } from '../components/Status.tsx';
import { longDate } from '../lib/datetime.ts';

export function InsightsPage() {
  const id = useId();
  const [days, setDays] = useState(90);
  const query = useQuery({ queryKey: ['insights', days], queryFn: () => api.get<SearchInsights>('/api/v1/search-history/insights', { days }) });
  return (
    <section>
      <PageTitle>Search insights</PageTitle>
      <div className="field inline">
        <label htmlFor={`${id}-days`}>Period</label>
        <select id={`${id}-days`} value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {[30, 90, 365, 3650].map((d) => <option key={d} value={d}>last {d} days</option>)}
        </select>
      </div>
      <QueryState query={query} what="Loading insights">
        {(r) => r.total_searches === 0 ? <Empty><p>No searches in this period.</p></Empty> : (
          <div className="grid">
            <section aria-labelledby="ins-types" className="panel">
              <h2 id="ins-types">{r.total_searches} searches</h2>
              <ul>{r.by_type.map((t) => <li key={t.search_type}>{t.search_type}: {t.count}</li>)}</ul>
            </section>
            <section aria-labelledby="ins-top" className="panel">
              <h2 id="ins-top">Top destinations</h2>
              <ol>{r.top_destinations.map((d) => <li key={d.destination}>{d.destination} ({d.count})</li>)}</ol>
            </section>
            <section aria-labelledby="ins-dates" className="panel">
              <h2 id="ins-dates">Travel dates searched</h2>
              <ul>{r.travel_dates.map((t) => <li key={t.search_type}>{t.search_type}: {t.earliest ? `${longDate(t.earliest)} – ${longDate(t.latest)}` : 'no dates'}</li>)}</ul>
            </section>
            <section aria-labelledby="ins-unbooked" className="panel">
              <h2 id="ins-unbooked">Searched, not yet planned</h2>
              {r.unbooked_destinations.length === 0 ? <p>None.</p> : (
                <ul>{r.unbooked_destinations.map((d) => <li key={d.destination}>{d.destination} ({d.count}) · <Link to="/trips/new">plan a trip</Link></li>)}</ul>
              )}
            </section>
          </div>
        )}
      </QueryState>
    </section>
  );
}
