/**
 * The deals report (docs/operations-jobs.md): the deal rule's verdicts, split into deals and
 * entities without enough history. Shared by GET /api/v1/prices/deals and the assistant's
 * price_insights tool.
 */
import type { Tx } from '../db/transaction.ts';
import { findDeals, type DealQuery } from './prices.repo.ts';

export async function dealsReport(trx: Tx, q: DealQuery) {
  const r = await findDeals(trx, q);
  return {
    rule: { window_days: q.windowDays, threshold: q.threshold, min_observations: q.minObservations },
    evaluated: r.evaluated,
    deals: r.rows.filter((d) => d.verdict === 'deal').map(({ verdict: _v, ...d }) => d),
    no_verdict: r.rows
      .filter((d) => d.verdict === 'insufficient_history')
      .map((d) => ({ entity_type: d.entity_type, entity_ref: d.entity_ref, currency: d.currency, latest_price: d.latest_price, latest_at: d.latest_at, observations: d.observations })),
  };
}
