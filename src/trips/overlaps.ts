/**
 * Overlapping itinerary items of one day, in O(n log n + n·k) for n items and k listed ids per
 * item, with a report whose size is bounded by n·k — never the n² pairs (a day of 300 mutually
 * overlapping items is 44,850 pairs; the pairwise report froze the server, issue 10).
 *
 * Two items overlap when their [start, end) intervals intersect: a.start < b.end AND
 * b.start < a.end (so touching items do not overlap, and a zero-length item overlaps an item
 * that strictly contains its instant).
 */

export interface TimedItem {
  id: number;
  /** 'HH:MM:SS[.ffffff]': fixed width, so string order is time order. */
  start_time: string;
  end_time: string;
}

export interface ItemOverlaps {
  /** How many other items of the day this one overlaps. */
  count: number;
  /** Up to `maxIds` of them, in the day's order (start, end, id). */
  item_ids: number[];
}

/** A maximal run of items connected by overlaps (each overlaps at least one other of the group). */
export interface OverlapGroup {
  /** Its items in the day's order; the whole group, however large (bounded by the day's cap). */
  items: TimedItem[];
  start: string;
  end: string;
}

export const MAX_OVERLAP_IDS = 10;

const order = (a: TimedItem, b: TimedItem) =>
  a.start_time < b.start_time ? -1 : a.start_time > b.start_time ? 1 : a.end_time < b.end_time ? -1 : a.end_time > b.end_time ? 1 : a.id - b.id;

/** Index of the first element of `sorted` whose start is >= `t` (binary search). */
function firstStartingAtOrAfter(sorted: readonly TimedItem[], t: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.start_time < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A binary min-heap of sweep positions, keyed by the item's end time. */
class EndHeap {
  readonly slots: number[] = [];
  constructor(private readonly items: readonly TimedItem[]) {}
  private end = (k: number) => this.items[this.slots[k]!]!.end_time;
  get size(): number {
    return this.slots.length;
  }
  minEnd(): string | undefined {
    return this.slots.length ? this.end(0) : undefined;
  }
  push(pos: number): void {
    const s = this.slots;
    s.push(pos);
    for (let k = s.length - 1; k > 0; ) {
      const p = (k - 1) >> 1;
      if (this.end(p) <= this.end(k)) break;
      [s[p], s[k]] = [s[k]!, s[p]!];
      k = p;
    }
  }
  pop(): void {
    const s = this.slots;
    const last = s.pop()!;
    if (!s.length) return;
    s[0] = last;
    for (let k = 0; ; ) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < s.length && this.end(l) < this.end(m)) m = l;
      if (r < s.length && this.end(r) < this.end(m)) m = r;
      if (m === k) break;
      [s[m], s[k]] = [s[k]!, s[m]!];
      k = m;
    }
  }
}

/**
 * For every item of one day that overlaps another: how many it overlaps and up to `maxIds` of
 * their ids. Items that overlap nothing are absent from the map.
 *
 * Sweep in (start, end, id) order. When item i is reached, the heap holds exactly the earlier
 * items still running at i's start (end > start_i): each of them overlaps i (its start is <= i's,
 * and a zero-length i sorts after every earlier item starting at the same instant, which has then
 * ended). The later items overlapping i are the contiguous run that starts before i ends, counted
 * by binary search. So the count costs O(log n) and the listed ids O(k).
 */
export function itemOverlaps(items: readonly TimedItem[], maxIds = MAX_OVERLAP_IDS): Map<number, ItemOverlaps> {
  const sorted = [...items].sort(order);
  const out = new Map<number, ItemOverlaps>();
  const running = new EndHeap(sorted);
  sorted.forEach((item, i) => {
    while (running.size && running.minEnd()! <= item.start_time) running.pop();
    const laterEnd = item.start_time < item.end_time ? firstStartingAtOrAfter(sorted, item.end_time) : i + 1;
    const later = Math.max(0, laterEnd - i - 1);
    const count = running.size + later;
    if (count > 0) {
      const earlier = running.slots.slice(0, maxIds);
      const after = Array.from({ length: Math.min(later, maxIds) }, (_, k) => i + 1 + k);
      const ids = [...earlier.sort((a, b) => a - b), ...after].slice(0, maxIds).map((p) => sorted[p]!.id);
      out.set(item.id, { count, item_ids: ids });
    }
    running.push(i);
  });
  return out;
}

/** The groups of two or more items connected by overlaps, in time order (one sweep). */
export function overlapGroups(items: readonly TimedItem[]): OverlapGroup[] {
  const sorted = [...items].sort(order);
  const groups: OverlapGroup[] = [];
  let current: TimedItem[] = [];
  let end = '';
  const close = () => {
    if (current.length > 1) groups.push({ items: current, start: current[0]!.start_time, end });
  };
  for (const item of sorted) {
    // An item joins the group when it starts before the group's latest end (it then overlaps
    // the item that ends last, by the same argument as in itemOverlaps).
    if (current.length && item.start_time < end) {
      current.push(item);
      if (item.end_time > end) end = item.end_time;
    } else {
      close();
      current = [item];
      end = item.end_time;
    }
  }
  close();
  return groups;
}
