/**
 * The overlap sweep (src/trips/overlaps.ts) against the definition, pair by pair, on random days
 * (fast-check), and the size of its report on days far beyond any cap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemOverlaps, MAX_OVERLAP_IDS, overlapGroups, type TimedItem } from '../src/trips/overlaps.ts';

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;

/** Items from [start, length] pairs in minutes (a coarse grid, so ties and touching are common). */
const dayOf = (spans: Array<[number, number]>): TimedItem[] =>
  spans.map(([s, len], i) => ({ id: i + 1, start_time: hhmm(s), end_time: hhmm(Math.min(s + len, 24 * 60 - 1)) }));

const overlap = (a: TimedItem, b: TimedItem) => a.id !== b.id && a.start_time < b.end_time && b.start_time < a.end_time;

const spans = fc.array(fc.tuple(fc.integer({ min: 0, max: 48 }).map((q) => q * 30), fc.integer({ min: 0, max: 6 }).map((q) => q * 30)), { maxLength: 60 });

describe('itinerary overlaps', () => {
  it('count and listed ids agree with the pairwise definition', () => {
    fc.assert(fc.property(spans, (s) => {
      const items = dayOf(s);
      const report = itemOverlaps(items, 4);
      for (const a of items) {
        const truth = items.filter((b) => overlap(a, b)).map((b) => b.id);
        const got = report.get(a.id);
        if (!truth.length) {
          expect(got).toBeUndefined();
          continue;
        }
        expect(got!.count).toBe(truth.length);
        expect(got!.item_ids.length).toBe(Math.min(4, truth.length));
        for (const id of got!.item_ids) expect(truth).toContain(id);
        expect(new Set(got!.item_ids).size).toBe(got!.item_ids.length);
      }
    }), { numRuns: 300 });
  });

  it('groups are the connected components of the overlap graph (of two or more items)', () => {
    fc.assert(fc.property(spans, (s) => {
      const items = dayOf(s);
      // Union-find over the pairwise definition.
      const parent = new Map(items.map((i) => [i.id, i.id]));
      const find = (x: number): number => (parent.get(x) === x ? x : find(parent.get(x)!));
      for (const a of items) for (const b of items) if (overlap(a, b)) parent.set(find(a.id), find(b.id));
      const components = new Map<number, number[]>();
      for (const i of items) components.set(find(i.id), [...(components.get(find(i.id)) ?? []), i.id]);
      const expected = [...components.values()].filter((c) => c.length > 1).map((c) => c.sort((x, y) => x - y));
      const got = overlapGroups(items).map((g) => g.items.map((i) => i.id).sort((x, y) => x - y));
      expect(got.sort((x, y) => x[0]! - y[0]!)).toEqual(expected.sort((x, y) => x[0]! - y[0]!));
    }), { numRuns: 300 });
  });

  it('touching items do not overlap; a zero-length item inside another does', () => {
    const [a, b, point, edge] = [
      { id: 1, start_time: '10:00:00', end_time: '12:00:00' },
      { id: 2, start_time: '12:00:00', end_time: '13:00:00' },
      { id: 3, start_time: '11:00:00', end_time: '11:00:00' },
      { id: 4, start_time: '10:00:00', end_time: '10:00:00' },
    ];
    const r = itemOverlaps([a, b, point, edge]);
    expect(r.get(1)).toEqual({ count: 1, item_ids: [3] });
    expect(r.get(3)).toEqual({ count: 1, item_ids: [1] });
    expect(r.has(2)).toBe(false);
    expect(r.has(4)).toBe(false);
  });

  it('10,000 mutually overlapping items: a report of n·k ids, not n² pairs', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1, start_time: '08:00:00', end_time: '20:00:00' }));
    const r = itemOverlaps(items);
    expect(r.size).toBe(10_000);
    let listed = 0;
    for (const o of r.values()) {
      expect(o.count).toBe(9_999);
      listed += o.item_ids.length;
    }
    expect(listed).toBe(10_000 * MAX_OVERLAP_IDS);
    expect(overlapGroups(items)).toHaveLength(1);
  });
});
