/**
 * Chart geometry from exact decimals: bar lengths and point heights in thousandths, computed by
 * lib/decimal.ts with integers. Only the resulting lengths are numbers; every label is the
 * API's string.
 */
import { extent, permille, positionPermille } from './decimal.ts';

export interface Bar {
  key: string;
  label: string;
  amount: string;
  /** Length as a fraction of the scale, 0..1000. */
  length: number;
}

/**
 * Bars for amounts against a scale: the budget, or the largest amount when that is bigger (so an
 * over-budget category is drawn to the edge, and the budget marker moves left).
 */
export function barsAgainst(items: { key: string; label: string; amount: string }[], budget: string): { bars: Bar[]; budgetAt: number } {
  const range = extent([budget, ...items.map((i) => i.amount)]);
  const scale = range ? range[1] : budget;
  return {
    bars: items.map((i) => ({ ...i, length: permille(i.amount, scale) })),
    budgetAt: permille(budget, scale),
  };
}

export interface Point {
  x: number; // 0..1000, by time
  y: number; // 0..1000, by price (0 = lowest)
  price: string;
  at: string;
}

/** A price series as points: x by timestamp, y by price between the series' min and max. */
export function seriesPoints(series: { price: string; timestamp: string }[]): Point[] {
  const range = extent(series.map((p) => p.price));
  if (!range) return [];
  const times = series.map((p) => Date.parse(p.timestamp));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  return series.map((p, i) => ({
    x: t1 > t0 ? Math.round(((times[i]! - t0) * 1000) / (t1 - t0)) : 500,
    y: positionPermille(p.price, range[0], range[1]),
    price: p.price,
    at: p.timestamp,
  }));
}
