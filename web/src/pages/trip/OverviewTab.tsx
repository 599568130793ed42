/**
 * The trip's overview: its description and the budget — planned spend by category against the
 * budget, remaining, per day and per traveller — exactly the numbers of /summary.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { TripSummary } from '../../api/types.ts';
import { keys } from '../../app/queries.ts';
import { BudgetBars } from '../../components/Charts.tsx';
import { QueryState } from '../../components/Status.tsx';
import { formatAmount } from '../../lib/decimal.ts';
import { useTrip, useTripId } from './TripPage.tsx';

const CATEGORIES = [
  ['flights', 'Flights'],
  ['accommodations', 'Stays'],
  ['transportation', 'Local transport'],
  ['itinerary', 'Activities'],
] as const;

export function OverviewTab() {
  const id = useTripId();
  const trip = useTrip(id).data;
  const query = useQuery({ queryKey: keys.tripPart(id, 'summary'), queryFn: () => api.get<TripSummary>(`/api/v1/trips/${id}/summary`) });
  return (
    <section aria-labelledby="budget-heading">
      {trip?.description && <p className="description">{trip.description}</p>}
      <h2 id="budget-heading">Budget</h2>
      <QueryState query={query} what="Loading the budget">
        {(s) => (
          <>
            <dl className="figures">
              <Figure label="Budget" value={s.budget} testId="budget" />
              <Figure label="Planned" value={s.total} testId="planned-total" />
              <Figure label={s.over_budget ? 'Over budget by' : 'Remaining'} value={s.over_budget ? s.remaining.replace(/^-/, '') : s.remaining} testId="remaining" warn={s.over_budget} />
              <Figure label="Budget used" value={`${s.budget_used_percent} %`} testId="used" />
              <Figure label="Per day" value={s.per_day} testId="per-day" note={`${s.duration_days} day${s.duration_days === 1 ? '' : 's'}`} />
              <Figure label="Per traveller" value={s.per_traveller} testId="per-traveller" note={`${s.travelers} traveller${s.travelers === 1 ? '' : 's'}`} />
            </dl>
            <BudgetBars
              caption="Planned spend by category; the line marks the budget"
              budget={s.budget}
              items={CATEGORIES.map(([key, label]) => ({ key, label, amount: s.planned[key] }))}
            />
            {s.currency === null && <p className="muted small">Amounts are in the trip’s own currency, as entered.</p>}
          </>
        )}
      </QueryState>
    </section>
  );
}

function Figure({ label, value, testId, note, warn }: { label: string; value: string; testId: string; note?: string; warn?: boolean }) {
  return (
    <div className={warn ? 'figure warn' : 'figure'}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value.endsWith('%') ? value : formatAmount(value)}</dd>
      {note && <dd className="muted small">{note}</dd>}
    </div>
  );
}
