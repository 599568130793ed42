/**
 * The two charts: bars of planned spend against the budget, and a price line. Each is drawn from
 * exact geometry (lib/charts.ts) and carries its numbers as text, so screen readers and the
 * keyboard get the same information.
 */
import { formatAmount } from '../lib/decimal.ts';
import { barsAgainst, seriesPoints } from '../lib/charts.ts';
import { instant } from '../lib/datetime.ts';

export function BudgetBars({ items, budget, caption }: { items: { key: string; label: string; amount: string }[]; budget: string; caption: string }) {
  const { bars, budgetAt } = barsAgainst(items, budget);
  return (
    <figure className="budget-bars">
      <figcaption>{caption}</figcaption>
      <ul>
        {bars.map((b) => (
          <li key={b.key} data-testid={`planned-${b.key}`}>
            <span className="bar-label">{b.label}</span>
            <span className="bar-track" aria-hidden="true">
              <span className={`bar bar-${b.key}`} style={{ width: `${b.length / 10}%` }} />
              <span className="budget-marker" style={{ left: `${budgetAt / 10}%` }} />
            </span>
            <span className="bar-amount">{formatAmount(b.amount)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

const W = 600;
const H = 200;
const PAD = 8;

export function PriceLine({ series, label }: { series: { price: string; timestamp: string }[]; label: string }) {
  const points = seriesPoints(series);
  if (!points.length) return null;
  const xy = points.map((p) => [PAD + (p.x * (W - 2 * PAD)) / 1000, H - PAD - (p.y * (H - 2 * PAD)) / 1000] as const);
  return (
    <figure className="price-line">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <polyline points={xy.map(([x, y]) => `${x},${y}`).join(' ')} fill="none" stroke="currentColor" strokeWidth="2" />
        {xy.map(([x, y], i) => (
          <circle key={i} cx={x} cy={y} r="3">
            <title>{`${formatAmount(points[i]!.price)} · ${instant(points[i]!.at)}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption>{label}</figcaption>
    </figure>
  );
}
