import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barsAgainst, seriesPoints } from '../src/lib/charts.ts';
import { compareDecimal, extent, formatAmount, fractionToPercent, permille, positionPermille } from '../src/lib/decimal.ts';

describe('money stays exact', () => {
  it('formats by grouping digits only: the digits are the API\'s', () => {
    expect(formatAmount('1234567.50')).toBe('1,234,567.50');
    expect(formatAmount('-1000.1')).toBe('-1,000.1');
    expect(formatAmount('0.05')).toBe('0.05');
    expect(formatAmount('999')).toBe('999');
    expect(formatAmount(null)).toBe('—');
    expect(formatAmount('n/a')).toBe('n/a');
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.nat({ max: 999_999 }), (whole, frac) => {
      const v = `${whole}.${String(frac).padStart(6, '0')}`;
      expect(formatAmount(v).replace(/,/g, '')).toBe(v);
    }));
  });

  it('compares beyond float precision', () => {
    // As floats these two are equal.
    expect(compareDecimal('9007199254740993.01', '9007199254740993.02')).toBe(-1);
    expect(compareDecimal('0.10', '0.1')).toBe(0);
    expect(compareDecimal('-5', '3')).toBe(-1);
    expect(extent(['10.5', '-2', '10.50', '3'])).toEqual(['-2', '10.5']);
    expect(extent([])).toBeNull();
  });

  it('bar lengths are exact integer ratios, clamped', () => {
    expect(permille('560.20', '1000.10')).toBe(560);
    expect(permille('1', '3')).toBe(333);
    expect(permille('2000', '1000')).toBe(1000);
    expect(permille('-1', '1000')).toBe(0);
    expect(permille('1', '0')).toBe(0);
    expect(positionPermille('15', '10', '20')).toBe(500);
    expect(positionPermille('7', '7', '7')).toBe(500);
  });

  it('fractions become percentages by moving the point', () => {
    expect(fractionToPercent('0.3000')).toBe('30.00');
    expect(fractionToPercent('0.2')).toBe('20');
    expect(fractionToPercent('0.07')).toBe('7');
    expect(fractionToPercent('1')).toBe('100');
    expect(fractionToPercent('0.12345')).toBe('12.345');
    expect(fractionToPercent(null)).toBe('—');
  });
});

describe('charts', () => {
  it('draws categories against the budget, and scales to the largest amount when over budget', () => {
    const within = barsAgainst([{ key: 'a', label: 'A', amount: '250' }, { key: 'b', label: 'B', amount: '0' }], '1000');
    expect(within.bars.map((b) => b.length)).toEqual([250, 0]);
    expect(within.budgetAt).toBe(1000);
    const over = barsAgainst([{ key: 'a', label: 'A', amount: '2000' }], '1000');
    expect(over.bars[0]!.length).toBe(1000);
    expect(over.budgetAt).toBe(500);
  });

  it('places a price series by time and by exact price', () => {
    const pts = seriesPoints([
      { price: '100.00', timestamp: '2026-01-01T00:00:00Z' },
      { price: '50.00', timestamp: '2026-01-02T00:00:00Z' },
      { price: '75.00', timestamp: '2026-01-05T00:00:00Z' },
    ]);
    expect(pts.map((p) => [p.x, p.y])).toEqual([[0, 1000], [250, 0], [1000, 500]]);
    expect(seriesPoints([])).toEqual([]);
  });
});
