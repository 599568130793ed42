/**
 * The trip's overview: its description and the budget — planned spend by category against the
 * budget, remaining, per day and per traveller, all in the trip's currency — exactly the numbers
 * of /summary; then the costs per original currency and those that could not be converted.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { TripSummary } from '../../api/types.ts';
import { keys } from '../../app/queries.ts';
import { BudgetBars } from '../../components/Charts.tsx';
import { QueryState } from '../../components/Status.tsx';
import { formatAmount } from '../../lib/decimal.ts';
import { CurrencyBreakdown, UnconvertedCosts } from './CurrencyBreakdown.tsx';
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
        {(s) => {
          const cur = s.currency;
          const partial = s.complete ? undefined : 'without the costs below that have no exchange rate';
          return (
            <>
              <dl className="figures">
                <Figure label="Budget" value={s.budget} currency={cur} testId="budget" />
                <Figure label="Planned" value={s.total} currency={cur} testId="planned-total" note={partial} />
                <Figure label={s.over_budget ? 'Over budget by' : 'Remaining'} value={s.over_budget ? s.remaining.replace(/^-/, '') : s.remaining} currency={cur} testId="remaining" warn={s.over_budget} note={partial} />
                <Figure label="Budget used" value={`${s.budget_used_percent} %`} testId="used" />
                <Figure label="Per day" value={s.per_day} currency={cur} testId="per-day" note={`${s.duration_days} day${s.duration_days === 1 ? '' : 's'}`} />
                <Figure label="Per traveller" value={s.per_traveller} currency={cur} testId="per-traveller" note={`${s.travelers} traveller${s.travelers === 1 ? '' : 's'}`} />
              </dl>
              <UnconvertedCosts summary={s} />
              <BudgetBars
                caption={`Planned spend by category in ${cur}; the line marks the budget`}
                budget={s.budget}
                items={CATEGORIES.map(([key, label]) => ({ key, label, amount: s.planned[key] }))}
              />
              <CurrencyBreakdown summary={s} />
            </>
          );
        }}
      </QueryState>
    </section>
  );
}

function Figure({ label, value, currency, testId, note, warn }: { label: string; value: string; currency?: string; testId: string; note?: string; warn?: boolean }) {
  return (
    <div className={warn ? 'figure warn' : 'figure'}>
      <dt>{label}</dt>
      <dd>
        <span data-testid={testId}>{value.endsWith('%') ? value : formatAmount(value)}</span>
        {currency && <span className="currency"> {currency}</span>}
      </dd>
      {note && <dd className="muted small">{note}</dd>}
    </div>
  );
}
