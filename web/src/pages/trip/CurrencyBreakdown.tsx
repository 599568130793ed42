/**
 * The budget's currencies, from /summary: each original currency's costs, the part the API
 * converted into the trip's currency, and the costs it could not convert (no rate on or before
 * their date). The app adds nothing up: an unconverted cost is listed, never summed.
 */
import type { TripSummary } from '../../api/types.ts';
import { formatMoney } from '../../lib/decimal.ts';
import { longDate } from '../../lib/datetime.ts';
import { KIND_LABEL } from '../../lib/kinds.ts';

export function UnconvertedCosts({ summary: s }: { summary: TripSummary }) {
  if (s.complete || s.unconverted.length === 0) return null;
  const n = s.unconverted.length;
  return (
    <section className="flag" aria-labelledby="unconverted-heading" data-testid="unconverted">
      <h3 id="unconverted-heading">
        ⚠ {n} cost{n === 1 ? '' : 's'} not in the total: no exchange rate into {s.currency}
      </h3>
      <ul>
        {s.unconverted.map((u) => (
          <li key={`${u.kind}-${u.id}`}>
            {KIND_LABEL[u.kind]} on {longDate(u.date)}: <strong>{formatMoney(u.amount, u.currency)}</strong>
          </li>
        ))}
      </ul>
      <p className="small">The planned total and the remaining amount leave these out until a rate on or before their date is recorded.</p>
    </section>
  );
}

export function CurrencyBreakdown({ summary: s }: { summary: TripSummary }) {
  if (s.by_currency.length === 0) return null;
  return (
    <section aria-labelledby="by-currency-heading">
      <h3 id="by-currency-heading">Costs by currency</h3>
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="by-currency-heading">
        <table data-testid="by-currency">
          <thead>
            <tr>
              <th scope="col">Currency</th>
              <th scope="col">Costs</th>
              <th scope="col">Amount</th>
              <th scope="col">In {s.currency}</th>
              <th scope="col">Without a rate</th>
            </tr>
          </thead>
          <tbody>
            {s.by_currency.map((c) => (
              <tr key={c.currency} className={c.unconverted_costs > 0 ? 'flagged' : undefined}>
                <th scope="row">{c.currency}</th>
                <td>{c.costs}</td>
                <td>{formatMoney(c.amount, c.currency)}</td>
                <td>{formatMoney(c.converted, s.currency)}</td>
                <td>{c.unconverted_costs > 0 ? `⚠ ${formatMoney(c.unconverted, c.currency)} (${c.unconverted_costs})` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
