/**
 * The demo's generation: what each demo traveller has, as rows ready to write, from a seed and
 * "today". Pure (no database): the same seed and day give the same rows. Everything is dated
 * relative to today, so every feature has something to show on the day the demo is made: a past
 * trip and upcoming ones, recent chats and searches (insights), a price series ending today with
 * deals in it (/prices/deals).
 */
import { sql } from 'kysely';
import type { NewRow } from '../db/crud.repo.ts';
import type { MemoryInput } from '../memory/memory.service.ts';
import { prng } from '../util/prng.ts';
import { CHAT_SCRIPTS, DESTINATIONS, EUR_RATES, HOMES, MEMORY_FACTS, TRIP_WORDS, type Destination, type Home } from './demo.data.ts';

export const DEMO_SOURCE = 'tripsage-demo';

export interface Rng {
  int(min: number, max: number): number;
  pick<T>(xs: readonly T[]): T;
  /** A decimal string of whole cents between the two amounts (money is never a float). */
  cents(minUnits: number, maxUnits: number): string;
}

export function rngOf(seed: number): Rng {
  const next = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    int,
    pick: (xs) => xs[int(0, xs.length - 1)]!,
    cents: (min, max) => centsText(int(min * 100, max * 100)),
  };
}

const centsText = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** `days` days before `now`, at hour:minute UTC of that day. */
const daysAgo = (now: Date, days: number, hour: number, minute = 0) =>
  `${addDays(now.toISOString().slice(0, 10), -days)}T${pad(hour)}:${pad(minute)}:00Z`;

type Child<T extends 'flights' | 'accommodations' | 'transportation' | 'itinerary_items'> = Omit<NewRow<T>, 'trip_id'>;
type Owned<T extends 'trip_notes' | 'saved_options'> = Omit<NewRow<T>, 'trip_id' | 'user_id'>;

export interface TripPlan {
  trip: Omit<NewRow<'trips'>, 'user_id'> & { destination: string };
  flights: Child<'flights'>[];
  accommodations: Child<'accommodations'>[];
  transportation: Child<'transportation'>[];
  itinerary_items: Child<'itinerary_items'>[];
  notes: Owned<'trip_notes'>[];
  saved_options: Owned<'saved_options'>[];
}

export interface ChatPlan {
  title: string;
  context_data: { destination: string };
  messages: Array<{ role: 'user' | 'assistant'; content: string; created_at: string }>;
}

export interface UserPlan {
  email: string;
  name: string;
  trips: TripPlan[];
  chats: ChatPlan[];
  searches: Omit<NewRow<'search_history'>, 'user_id'>[];
  memories: MemoryInput[];
}

function planTrip(rng: Rng, home: Home, dest: Destination, start: string, word: string, past: boolean): TripPlan {
  const days = rng.int(3, 7);
  const end = addDays(start, days - 1);
  const outDep = rng.int(6, 14);
  const flightHours = rng.int(2, 11);
  const inHours = rng.int(9, 18);
  const landed = Math.min(23, outDep + flightHours);
  const nights = Math.max(1, days - 1);
  const perNight = rng.cents(70, 320);
  const hotel = rng.pick(dest.hotels);
  const plan: TripPlan = {
    trip: {
      name: `${dest.city} ${word}`, start_date: start, end_date: end, destination: `${dest.city}, ${dest.country}`,
      budget: rng.cents(1500, 6000), currency: home.currency, travelers: rng.int(1, 4),
      status: past ? 'completed' : rng.pick(['planning', 'planning', 'booked'] as const),
      trip_type: rng.pick(['leisure', 'family', 'solo', 'business'] as const),
      flexibility: { dates_flexible_days: rng.int(0, 3) }, description: `${days} days in ${dest.city}`,
    },
    flights: [
      { origin: home.airport, destination: dest.airport, airline: dest.airline,
        departure_time: `${start}T${pad(outDep)}:${pad(rng.pick([0, 15, 30, 45]))}:00Z`, arrival_time: `${start}T${pad(landed)}:50:00Z`,
        price: rng.cents(90, 700), currency: 'EUR', segment_number: 1, booking_status: 'booked', data_source: DEMO_SOURCE },
      { origin: dest.airport, destination: home.airport, airline: dest.airline,
        departure_time: `${end}T${pad(inHours)}:00:00Z`, arrival_time: `${end}T${pad(Math.min(23, inHours + flightHours))}:55:00Z`,
        price: rng.cents(90, 700), currency: 'EUR', segment_number: 2, booking_status: past ? 'booked' : 'saved', data_source: DEMO_SOURCE },
    ],
    accommodations: [{
      name: hotel, type: rng.pick(['hotel', 'boutique hotel', 'apartment']), check_in_date: start,
      check_out_date: addDays(start, nights), price_per_night: perNight,
      total_price: sql<string>`${perNight}::numeric * ${nights}`, location: `${rng.pick(dest.areas)}, ${dest.city}`,
      rating: ((r) => `${Math.floor(r / 10)}.${r % 10}`)(rng.int(38, 50)), amenities: { wifi: true, breakfast: rng.int(0, 1) === 1 },
      booking_status: 'booked', neighborhood: rng.pick(dest.areas),
    }],
    transportation: [{
      type: rng.pick(['taxi', 'train', 'shuttle']), origin: `${dest.airport} airport`, destination: hotel,
      departure_time: `${start}T${pad(landed)}:59:00Z`,
      arrival_time: `${addDays(start, outDep + flightHours >= 23 ? 1 : 0)}T${pad((landed + 1) % 24)}:30:00Z`,
      price: rng.cents(8, 60), provider_name: 'Local transit',
    }],
    itinerary_items: [],
    notes: [],
    saved_options: [],
  };
  const activities = [...dest.activities];
  for (let day = 1; day <= days; day++) {
    let at = rng.int(8, 10) * 60;
    for (let k = 0; k < rng.int(1, 3) && activities.length; k++) {
      const title = activities.splice(rng.int(0, activities.length - 1), 1)[0]!;
      const length = rng.pick([60, 90, 120, 180]);
      if (at + length > 23 * 60) break;
      plan.itinerary_items.push({
        day_number: day, start_time: hhmm(at), end_time: hhmm(at + length), title,
        location: `${rng.pick(dest.areas)}, ${dest.city}`, category: rng.pick(['sightseeing', 'food', 'culture', 'outdoors']),
        cost: rng.int(0, 3) === 0 ? null : rng.cents(0, 80), priority: rng.int(1, 3),
      });
      at += length + rng.pick([30, 60, 90]);
    }
  }
  for (let o = 0; o < 2; o++) {
    plan.saved_options.push({
      option_type: 'accommodation', is_selected: o === 0,
      option_data: { name: o === 0 ? hotel : rng.pick(dest.hotels), price_per_night: o === 0 ? perNight : rng.cents(70, 320) },
    });
  }
  plan.notes.push({ title: 'Packing list', content: `Passport, adapters, comfortable shoes for ${activities[0] ?? 'walking'}.` });
  return plan;
}

function planChats(rng: Rng, now: Date, count: number): ChatPlan[] {
  return Array.from({ length: count }, () => {
    const dest = rng.pick(DESTINATIONS);
    const fill = (s: string) => s.replaceAll('{city}', dest.city).replaceAll('{activity}', rng.pick(dest.activities)).replaceAll('{area}', rng.pick(dest.areas));
    const base = Date.parse(daysAgo(now, rng.int(1, 10), rng.int(8, 20)));
    const turns = [rng.pick(CHAT_SCRIPTS), rng.pick(CHAT_SCRIPTS)];
    return {
      title: `Planning ${dest.city}`,
      context_data: { destination: dest.city },
      messages: turns.flatMap(([q, a], i) => [
        { role: 'user' as const, content: fill(q), created_at: new Date(base + 2 * i * 60_000).toISOString() },
        { role: 'assistant' as const, content: fill(a), created_at: new Date(base + (2 * i + 1) * 60_000).toISOString() },
      ]),
    };
  });
}

/**
 * Searches of the last weeks: for each planned trip (flight and stay), and twice for a place the
 * traveller has not booked (so insights show an unbooked destination), plus an activity search.
 */
function planSearches(rng: Rng, now: Date, home: Home, trips: TripPlan[], unbooked: Destination): UserPlan['searches'] {
  const at = () => daysAgo(now, rng.int(1, 45), rng.int(7, 22), rng.int(0, 59));
  const out: UserPlan['searches'] = [];
  for (const t of trips) {
    const { destination, start_date: start, end_date: end, travelers } = t.trip;
    out.push({ search_type: 'flight', search_params: { origin: home.airport, destination, departure_date: start, return_date: end, travelers }, results_count: rng.int(5, 40), created_at: at() });
    out.push({ search_type: 'accommodation', search_params: { destination, check_in_date: start, check_out_date: end }, results_count: rng.int(10, 120), created_at: at() });
  }
  const elsewhere = `${unbooked.city}, ${unbooked.country}`;
  const later = addDays(now.toISOString().slice(0, 10), rng.int(60, 200));
  out.push({ search_type: 'destination', search_params: { destination: elsewhere }, results_count: rng.int(1, 10), created_at: at() });
  out.push({ search_type: 'flight', search_params: { origin: home.airport, destination: elsewhere, departure_date: later, return_date: addDays(later, 6) }, results_count: rng.int(5, 40), created_at: at() });
  out.push({ search_type: 'activity', search_params: { location: unbooked.city, query: rng.pick(unbooked.activities) }, results_count: rng.int(3, 30), created_at: at() });
  return out;
}

export const demoEmail = (n: number, domain: string) => `demo${n}@${domain}`;

/** Demo traveller `n` of the seed, as of `now`. */
export function planUser(n: number, seed: number, now: Date, domain: string): UserPlan {
  const rng = rngOf(seed * 1000 + n);
  const home = HOMES[(n - 1) % HOMES.length]!;
  const today = now.toISOString().slice(0, 10);
  const count = rng.int(2, 3);
  const first = rng.int(0, DESTINATIONS.length - 1);
  const trips = Array.from({ length: count }, (_, t) => {
    const past = t === 0; // one trip already made, the others ahead
    const start = past ? addDays(today, -rng.int(30, 60)) : addDays(today, rng.int(20, 240));
    return planTrip(rng, home, DESTINATIONS[(first + t) % DESTINATIONS.length]!, start, TRIP_WORDS[t % TRIP_WORDS.length]!, past);
  });
  const unbooked = DESTINATIONS[(first + count) % DESTINATIONS.length]!;
  return {
    email: demoEmail(n, domain),
    name: `Demo Traveller ${n}`,
    trips,
    chats: planChats(rng, now, rng.int(1, 2)),
    searches: planSearches(rng, now, home, trips, unbooked),
    memories: MEMORY_FACTS.map((f) => ({ ...f, content_text: f.content_text.replace('{home}', home.city), metadata: { source: DEMO_SOURCE } })),
  };
}

/** Days of price history per route, one observation a day, the last one an hour before `now`. */
export const PRICE_DAYS = 30;

/**
 * Flight prices from every home to every destination. Every fourth route ends on a drop to 70 %
 * of its lowest earlier price, which the deal rule (docs/operations-jobs.md) calls a deal.
 */
export function planPrices(seed: number, now: Date): NewRow<'price_history'>[] {
  const rng = rngOf(seed ^ 0x5eed);
  const rows: NewRow<'price_history'>[] = [];
  let route = 0;
  for (const home of HOMES) {
    for (const dest of DESTINATIONS) {
      const deal = route++ % 4 === 0;
      let cents = rng.int(150, 900) * 100;
      let lowest = Infinity;
      for (let day = 0; day < PRICE_DAYS; day++) {
        cents = Math.max(5_000, cents + rng.int(-2_500, 2_500));
        const last = day === PRICE_DAYS - 1;
        const price = last && deal ? Math.floor(lowest * 0.7) : cents;
        lowest = Math.min(lowest, cents);
        const at = new Date(now.getTime() - (PRICE_DAYS - 1 - day) * 86_400_000 - 3_600_000);
        rows.push({ entity_type: 'flight', entity_ref: `${home.airport}-${dest.airport}`, price: centsText(price), currency: 'EUR', timestamp: at.toISOString(), source: DEMO_SOURCE });
      }
    }
  }
  return rows;
}

/**
 * Exchange rates from the euro (the flights' currency) into the homes' currencies, as of today
 * and of 120 days ago, so the costs of past and upcoming trips convert (a cost uses the latest
 * rate on or before its date).
 */
export function planRates(now: Date): NewRow<'exchange_rates'>[] {
  const today = now.toISOString().slice(0, 10);
  return [addDays(today, -120), today].flatMap((as_of) =>
    Object.entries(EUR_RATES).map(([quote, rate]) => ({ base: 'EUR', quote, rate, as_of, source: DEMO_SOURCE })));
}
