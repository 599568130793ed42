/**
 * Prices: the current deals, and for one entity (a route, a hotel) its price history as a chart
 * with its statistics and its deal verdict. All numbers are the API's.
 */
import { useId, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import type { Deal, Deals, PricePoint, PriceStat } from '../api/types.ts';
import { PageTitle } from '../app/Layout.tsx';
import { PriceLine } from '../components/Charts.tsx';
import { Empty, QueryState } from '../components/Status.tsx';
import { formatAmount, fractionToPercent } from '../lib/decimal.ts';
import { instant } from '../lib/datetime.ts';

export function PricesPage() {
  const [params, setParams] = useSearchParams();
  const entity = params.get('entity') ?? '';
  const deals = useQuery({ queryKey: ['deals'], queryFn: () => api.get<Deals>('/api/v1/prices/deals', { limit: 100 }) });
  return (
    <section>
      <PageTitle>Prices</PageTitle>
      <EntityPicker entity={entity} onPick={(e) => setParams(e ? { entity: e } : {}, { replace: true })} />
      {entity && <EntityPrices entity={entity} deals={deals.data} />}
      <h2>Current deals</h2>
      <QueryState query={deals} what="Loading deals">
        {(d) => (
          <>
            <p className="muted small">
              A deal: the latest price is more than {fractionToPercent(d.rule.threshold)} % below the median of the last {d.rule.window_days} days and at or below its 10th percentile
              ({d.evaluated} evaluated).
            </p>
            {d.deals.length === 0 ? <Empty><p>No deals right now.</p></Empty> : <DealTable rows={d.deals} />}
            {d.no_verdict.length > 0 && (
              <>
                <h3>Not enough history yet</h3>
                <ul className="links">{d.no_verdict.map((n) => <li key={`${n.entity_ref}-${n.currency}`}><EntityLink deal={n} /></li>)}</ul>
              </>
            )}
          </>
        )}
      </QueryState>
    </section>
  );
}

function EntityLink({ deal }: { deal: Deal }) {
  return <Link to={`/prices?entity=${encodeURIComponent(deal.entity_ref)}`}>{deal.entity_ref}</Link>;
}

function DealTable({ rows }: { rows: Deal[] }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Deals">
      <table>
        <thead><tr><th scope="col">Entity</th><th scope="col">Type</th><th scope="col">Latest</th><th scope="col">Median</th><th scope="col">Discount</th><th scope="col">Seen</th></tr></thead>
        <tbody>
          {rows.map((d) => (
            <tr key={`${d.entity_ref}-${d.currency}`}>
              <th scope="row"><EntityLink deal={d} /></th>
              <td>{d.entity_type}</td>
              <td>{formatAmount(d.latest_price)} {d.currency}</td>
              <td>{formatAmount(d.median)} {d.currency}</td>
              <td>{d.discount ? `${fractionToPercent(d.discount)} %` : '—'}</td>
              <td>{instant(d.latest_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EntityPicker({ entity, onPick }: { entity: string; onPick: (e: string) => void }) {
  const id = useId();
  const [text, setText] = useState(entity);
  return (
    <form className="inline-form" role="search" aria-label="Price history" onSubmit={(e: FormEvent) => { e.preventDefault(); onPick(text.trim()); }}>
      <div className="field grow">
        <label htmlFor={`${id}-e`}>Entity (route or hotel reference)</label>
        <input id={`${id}-e`} value={text} placeholder="LIS-JFK" onChange={(e) => setText(e.target.value)} />
      </div>
      <button type="submit" className="secondary">Show prices</button>
    </form>
  );
}

function EntityPrices({ entity, deals }: { entity: string; deals: Deals | undefined }) {
  const path = `/api/v1/prices/${encodeURIComponent(entity)}`;
  const history = useQuery({ queryKey: ['prices', entity, 'history'], queryFn: () => api.get<PricePoint[]>(`${path}/history`) });
  const stats = useQuery({ queryKey: ['prices', entity, 'stats'], queryFn: () => api.get<{ currencies: PriceStat[] }>(`${path}/stats`) });
  const verdict = deals?.deals.find((d) => d.entity_ref === entity);
  return (
    <section aria-labelledby="entity-heading" className="entity-prices">
      <h2 id="entity-heading">{entity}</h2>
      {verdict && <p className="notice">Deal: {formatAmount(verdict.latest_price)} {verdict.currency}, {fractionToPercent(verdict.discount)} % below the median.</p>}
      <QueryState query={history} what="Loading the price history">
        {(rows) => rows.length === 0 ? <Empty><p>No prices recorded for “{entity}”.</p></Empty> : (
          <>
            {[...new Set(rows.map((r) => r.currency))].map((cur) => (
              <PriceLine key={cur} series={rows.filter((r) => r.currency === cur)} label={`Price history of ${entity} in ${cur} (${rows.filter((r) => r.currency === cur).length} observations)`} />
            ))}
          </>
        )}
      </QueryState>
      <QueryState query={stats} what="Loading statistics">
        {({ currencies }) => currencies.length === 0 ? null : (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Price statistics">
            <table>
              <thead><tr><th scope="col">Currency</th><th scope="col">Latest</th><th scope="col">Min</th><th scope="col">Median</th><th scope="col">Max</th><th scope="col">p10–p90</th><th scope="col">Count</th></tr></thead>
              <tbody>
                {currencies.map((s) => (
                  <tr key={s.currency}>
                    <th scope="row">{s.currency}</th>
                    <td>{formatAmount(s.latest.price)}</td><td>{formatAmount(s.min)}</td><td>{formatAmount(s.median)}</td><td>{formatAmount(s.max)}</td>
                    <td>{formatAmount(s.p10)}–{formatAmount(s.p90)}</td><td>{s.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </section>
  );
}
