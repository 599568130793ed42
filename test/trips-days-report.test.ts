/**
 * The day view of a crowded day, on every backend (issue 10: 300 overlapping items made a 4.8 MB
 * answer of 44,850 pairs; 700 froze the server): the report lists, per item, how many items it
 * overlaps and at most MAX_OVERLAP_IDS of them, and one warning per group of overlapping items,
 * so its size grows linearly with the items. Sizes and shapes are asserted, never times.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_OVERLAP_IDS } from '../src/trips/overlaps.ts';
import { MAX_WARNING_IDS } from '../src/trips/planning.service.ts';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

interface DayItem { id: number; overlaps: { count: number; item_ids: number[] } }
interface Warning { type: string; message: string; item_ids: number[]; item_count: number }

describeEachBackend('days of crowded itineraries', (ctx) => {
  let t: TestApp;
  let alice: TestUser;
  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
    alice = await makeUser(t, ctx.db);
  });
  afterAll(async () => {
    await t?.app.close();
  });

  /** A trip whose day 1 holds n items, all overlapping (10:00–12:00 and 11:00–13:00 alternately). */
  async function crowdedTrip(n: number): Promise<number> {
    const items = Array.from({ length: n }, (_, k) => ({
      day_number: 1, start_time: k % 2 ? '11:00' : '10:00', end_time: k % 2 ? '13:00' : '12:00', title: `Item ${k}`,
    }));
    const r = await t.app.inject({
      method: 'POST', url: '/api/v1/trips/import', headers: alice.headers,
      payload: { format: 'tripsage.trip', version: 1, trip: { name: 'Crowded', start_date: '2026-05-01', end_date: '2026-05-02', destination: 'X', budget: '1' }, itinerary_items: items },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().trip.id;
  }

  for (const n of [300, 700]) {
    it(`${n} mutually overlapping items on one day: a report of O(n) size`, async () => {
      const tripId = await crowdedTrip(n);
      const r = await t.app.inject({ method: 'GET', url: `/api/v1/trips/${tripId}/days`, headers: alice.headers });
      expect(r.statusCode, r.body.slice(0, 500)).toBe(200);
      const day = r.json().days[0] as { items: DayItem[]; warnings: Warning[] };
      expect(day.items).toHaveLength(n);
      for (const item of day.items) {
        expect(item.overlaps.count).toBe(n - 1);
        expect(item.overlaps.item_ids).toHaveLength(MAX_OVERLAP_IDS);
        expect(item.overlaps.item_ids).not.toContain(item.id);
      }
      // One group, not n(n−1)/2 pairs.
      expect(day.warnings).toHaveLength(1);
      expect(day.warnings[0]).toMatchObject({ type: 'overlap', item_count: n, message: `${n} items overlap between 10:00:00 and 13:00:00: "Item 0", "Item 2", "Item 4", …` });
      expect(day.warnings[0]!.item_ids).toHaveLength(MAX_WARNING_IDS);
      // Linear in n: well under a kilobyte per item (the pairwise report was ~16 KB per item at 300).
      expect(r.body.length).toBeLessThan(n * 1000);
    });
  }
});
