/**
 * Comparisons of two or more trips side by side (the API computes every number).
 */
import { useId, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { Comparison, ComparisonTrip, Trip } from '../api/types.ts';
import { PageTitle } from '../app/Layout.tsx';
import { keys } from '../app/queries.ts';
import { ConfirmButton } from '../components/Confirm.tsx';
import { Empty, ErrorNotice, QueryState } from '../components/Status.tsx';
import { formatMoney } from '../lib/decimal.ts';
import { longDate } from '../lib/datetime.ts';

export function ComparisonsPage() {
  const query = useQuery({ queryKey: keys.comparisons, queryFn: () => api.get<Comparison[]>('/api/v1/trip-comparisons', { order: 'created_at.desc', limit: 100 }) });
  return (
    <section>
      <PageTitle>Compare trips</PageTitle>
      <NewComparison />
      <QueryState query={query} what="Loading comparisons">
        {(rows) => rows.length === 0
          ? <Empty><p>No comparisons yet. Pick two or more trips above.</p></Empty>
          : rows.map((c) => <ComparisonView key={c.id} comparison={c} />)}
      </QueryState>
    </section>
  );
}

function NewComparison() {
  const id = useId();
  const qc = useQueryClient();
  const trips = useQuery({ queryKey: keys.trips({ all: true }), queryFn: () => api.get<Trip[]>('/api/v1/trips', { limit: 200 }) });
  const [picked, setPicked] = useState<number[]>([]);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post('/api/v1/trip-comparisons', { title: title.trim() || 'Comparison', trip_ids: picked });
      setPicked([]);
      setTitle('');
      await qc.invalidateQueries({ queryKey: keys.comparisons });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="resource-form" onSubmit={(e) => void submit(e)} aria-label="New comparison">
      <h2>New comparison</h2>
      <QueryState query={trips} what="Loading trips">
        {(rows) => rows.length < 2 ? <Empty><p>You need at least two trips to compare.</p></Empty> : (
          <fieldset>
            <legend>Trips to compare (two or more)</legend>
            {rows.map((t) => (
              <div key={t.id} className="check">
                <input id={`${id}-t${t.id}`} type="checkbox" checked={picked.includes(t.id)}
                  onChange={(e) => setPicked((p) => (e.target.checked ? [...p, t.id] : p.filter((x) => x !== t.id)))} />
                <label htmlFor={`${id}-t${t.id}`}>{t.name} ({t.destination})</label>
              </div>
            ))}
          </fieldset>
        )}
      </QueryState>
      <div className="field">
        <label htmlFor={`${id}-title`}>Title (optional)</label>
        <input id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <ErrorNotice error={error} title="Not compared" />
      <div className="actions"><button type="submit" disabled={picked.length < 2}>Compare</button></div>
    </form>
  );
}

// Each trip's amounts are in its own currency (version 2): nothing is converted across trips.
const ROWS: [string, (t: ComparisonTrip) => string][] = [
  ['Destination', (t) => t.destination],
  ['Dates', (t) => `${longDate(t.start_date)} – ${longDate(t.end_date)}`],
  ['Days', (t) => String(t.days)],
  ['Travellers', (t) => String(t.travelers)],
  ['Budget', (t) => formatMoney(t.budget, t.currency)],
  ['Planned', (t) => formatMoney(t.total_planned, t.currency)],
  ['Headroom', (t) => `${formatMoney(t.budget_headroom, t.currency)}${t.over_budget ? ' (over budget)' : ''}`],
  ['Per day', (t) => formatMoney(t.per_day, t.currency)],
  ['Per traveller', (t) => formatMoney(t.per_traveller, t.currency)],
  ['Flights', (t) => formatMoney(t.planned_by_category.flights, t.currency)],
  ['Stays', (t) => formatMoney(t.planned_by_category.accommodations, t.currency)],
  ['Local transport', (t) => formatMoney(t.planned_by_category.transportation, t.currency)],
  ['Activities', (t) => formatMoney(t.planned_by_category.itinerary, t.currency)],
];

function ComparisonView({ comparison }: { comparison: Comparison }) {
  const qc = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const trips = comparison.comparison_data?.trips ?? [];
  const missing = comparison.comparison_data?.missing_trip_ids ?? [];
  const refresh = async () => {
    setError(null);
    try {
      await api.post(`/api/v1/trip-comparisons/${comparison.id}/refresh`);
      await qc.invalidateQueries({ queryKey: keys.comparisons });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="comparison" aria-labelledby={`cmp-${comparison.id}`}>
      <div className="section-head">
        <h2 id={`cmp-${comparison.id}`}>{comparison.title}</h2>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void refresh()}>Refresh</button>
          <ConfirmButton label="Delete" question={`Delete the comparison “${comparison.title}”?`} onConfirm={async () => {
            await api.delete(`/api/v1/trip-comparisons/${comparison.id}`);
            await qc.invalidateQueries({ queryKey: keys.comparisons });
          }} />
        </div>
      </div>
      <ErrorNotice error={error} />
      {missing.length > 0 && <p className="notice">Deleted since: trip(s) {missing.join(', ')}.</p>}
      <div className="table-scroll" tabIndex={0} role="region" aria-label={`${comparison.title}, side by side`}>
        <table>
          <thead>
            <tr><th scope="col">Trip</th>{trips.map((t) => <th key={t.trip_id} scope="col">{t.name}</th>)}</tr>
          </thead>
          <tbody>
            {ROWS.map(([label, cell]) => (
              <tr key={label}><th scope="row">{label}</th>{trips.map((t) => <td key={t.trip_id}>{cell(t)}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
