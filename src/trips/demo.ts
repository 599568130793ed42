/**
 * `tripsage demo`: demo users with realistic trips, itineraries, saved options, notes, chats,
 * price series and (where the memory table exists) memories. Deterministic: the same seed gives
 * the same data (a seeded PRNG, fixed dates), except generated ids, timestamps of the write and
 * the password hash's random salt. Re-running replaces the demo users (and the demo price series).
 *
 * Identities are created as service_role; everything a user owns is written as that user
 * (asCaller(db, userCaller(id))), under RLS; price_history is shared reference data, written as
 * service_role. Money is built from integer cents as decimal strings; totals are multiplied in SQL.
 */
import { sql } from 'kysely';
import { hashPassword } from '../auth/passwords.ts';
import { relationExists } from '../db/catalog.ts';
import { jsonb } from '../db/crud.repo.ts';
import type { Database } from '../db/database.ts';
import { asCaller, SERVICE, userCaller, type Tx } from '../db/transaction.ts';
import { prng } from '../util/prng.ts';
import { insertAccount } from './accounts.ts';
import {
  accommodationsRepo, flightsRepo, itineraryItemsRepo, notesRepo, savedOptionsRepo, transportationRepo, tripsRepo,
} from './trips.repo.ts';

export const DEMO_PASSWORD = 'tripsage-demo';
export const DEMO_DOMAIN = 'demo.tripsage.test';
export const DEMO_SOURCE = 'tripsage-demo';
export { prng };

export const demoEmail = (n: number) => `demo${n}@${DEMO_DOMAIN}`;


interface Rng {
  int(min: number, max: number): number;
  pick<T>(xs: readonly T[]): T;
  cents(minUnits: number, maxUnits: number): string;
}

function rngOf(seed: number): Rng {
  const next = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    int,
    pick: (xs) => xs[int(0, xs.length - 1)]!,
    cents: (min, max) => {
      const c = int(min * 100, max * 100);
      return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
    },
  };
}

const HOMES = [
  { city: 'Berlin', airport: 'BER' },
  { city: 'London', airport: 'LHR' },
  { city: 'New York', airport: 'JFK' },
  { city: 'Toronto', airport: 'YYZ' },
];

const DESTINATIONS = [
  { city: 'Lisbon', country: 'Portugal', airport: 'LIS', airline: 'TAP Air Portugal', hotels: ['Memmo Alfama', 'Casa do Príncipe', 'Lisboa Pessoa Hotel'], areas: ['Alfama', 'Baixa', 'Príncipe Real'],
    activities: ['Tram 28 ride', 'Belém Tower', 'Jerónimos Monastery', 'Fado dinner', 'LX Factory', 'Sintra day trip', 'Time Out Market lunch', 'Miradouro sunset'] },
  { city: 'Kyoto', country: 'Japan', airport: 'KIX', airline: 'Japan Airlines', hotels: ['Ryokan Yachiyo', 'Hotel The Celestine', 'Nazuna Kyoto'], areas: ['Gion', 'Higashiyama', 'Arashiyama'],
    activities: ['Fushimi Inari hike', 'Kinkaku-ji', 'Tea ceremony', 'Nishiki Market', 'Arashiyama bamboo grove', 'Kiyomizu-dera', 'Gion evening walk', 'Philosopher\'s Path'] },
  { city: 'Mexico City', country: 'Mexico', airport: 'MEX', airline: 'Aeroméxico', hotels: ['Casa Polanco', 'Hotel Carlota', 'Condesa DF'], areas: ['Roma Norte', 'Condesa', 'Centro'],
    activities: ['Frida Kahlo Museum', 'Teotihuacan pyramids', 'Taco tour', 'Xochimilco boats', 'Museo Nacional de Antropología', 'Lucha libre night', 'Chapultepec Castle', 'Mezcal tasting'] },
  { city: 'Reykjavík', country: 'Iceland', airport: 'KEF', airline: 'Icelandair', hotels: ['Hotel Borg', 'Kex Hostel', 'Canopy Reykjavík'], areas: ['Miðborg', 'Laugardalur', 'Vesturbær'],
    activities: ['Golden Circle tour', 'Blue Lagoon', 'Northern lights hunt', 'Hallgrímskirkja', 'Whale watching', 'Sky Lagoon', 'Harpa concert', 'Glacier walk'] },
  { city: 'Cape Town', country: 'South Africa', airport: 'CPT', airline: 'South African Airways', hotels: ['The Silo Hotel', 'Cape Heritage Hotel', 'POD Camps Bay'], areas: ['V&A Waterfront', 'Bo-Kaap', 'Camps Bay'],
    activities: ['Table Mountain cable car', 'Cape Point drive', 'Boulders Beach penguins', 'Robben Island', 'Stellenbosch wine tasting', 'Kirstenbosch garden', 'Bo-Kaap walking tour', 'Lion\'s Head sunrise'] },
] as const;

const CHAT_SCRIPTS: ReadonlyArray<readonly [string, string]> = [
  ['What is the best time of year to visit {city}?', 'Spring and early autumn are lovely in {city}: mild weather and fewer crowds than summer.'],
  ['Can you suggest a 3-day itinerary for {city}?', 'Day 1: the historic centre. Day 2: {activity}. Day 3: a relaxed morning in {area}, then a farewell dinner.'],
  ['How much should I budget per day in {city}?', 'Plan roughly for lodging, meals, local transport and one paid activity a day; I added these to your trip so the summary shows your headroom.'],
];

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export interface DemoOptions {
  users?: number;
  seed?: number;
  onProgress?(done: number, total: number, label: string): void;
}

export interface DemoResult {
  users: Array<{ email: string; id: string; trips: number; chats: number; memories: number }>;
  password: string;
  priceHistoryRows: number;
  memories: 'written' | 'skipped: no memory_embeddings table (TRIPSAGE_MEMORY=off or no pgvector)';
}

/** A deterministic unit vector of `dims` dimensions, in pgvector's text form. */
export function demoVector(seed: number, dims = 1536): string {
  const next = prng(seed);
  const v = Array.from({ length: dims }, () => next() * 2 - 1);
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return `[${v.map((x) => (x / norm).toFixed(6)).join(',')}]`;
}

async function demoTrips(trx: Tx, userId: string, rng: Rng, home: (typeof HOMES)[number], count: number): Promise<number> {
  const first = rng.int(0, DESTINATIONS.length - 1);
  for (let t = 0; t < count; t++) {
    const dest = DESTINATIONS[(first + t) % DESTINATIONS.length]!;
    const days = rng.int(3, 7);
    const start = addDays('2026-03-02', rng.int(0, 270));
    const end = addDays(start, days - 1);
    const travelers = rng.int(1, 4);
    const trip = await tripsRepo.insert(trx, {
      user_id: userId, name: `${dest.city} ${['getaway', 'adventure', 'escape', 'discovery'][t % 4]}`, start_date: start, end_date: end,
      destination: `${dest.city}, ${dest.country}`, budget: rng.cents(1500, 6000), travelers,
      status: rng.pick(['planning', 'planning', 'booked'] as const), trip_type: rng.pick(['leisure', 'family', 'solo', 'business'] as const),
      flexibility: { dates_flexible_days: rng.int(0, 3) }, description: `${days} days in ${dest.city}`,
    });
    const tripId = trip.id as number;
    const outDep = rng.int(6, 14);
    const flightHours = rng.int(2, 11);
    const inHours = rng.int(9, 18);
    const flightPrice = () => rng.cents(90, 700);
    await flightsRepo.insert(trx, {
      trip_id: tripId, origin: home.airport, destination: dest.airport, airline: dest.airline,
      departure_time: `${start}T${pad(outDep)}:${pad(rng.pick([0, 15, 30, 45]))}:00Z`,
      arrival_time: `${start}T${pad(Math.min(23, outDep + flightHours))}:50:00Z`,
      price: flightPrice(), segment_number: 1, booking_status: 'booked', data_source: DEMO_SOURCE,
    });
    await flightsRepo.insert(trx, {
      trip_id: tripId, origin: dest.airport, destination: home.airport, airline: dest.airline,
      departure_time: `${end}T${pad(inHours)}:00:00Z`, arrival_time: `${end}T${pad(Math.min(23, inHours + flightHours))}:55:00Z`,
      price: flightPrice(), segment_number: 2, booking_status: 'saved', data_source: DEMO_SOURCE,
    });
    const nights = Math.max(1, days - 1);
    const perNight = rng.cents(70, 320);
    const hotel = rng.pick(dest.hotels);
    await accommodationsRepo.insert(trx, {
      trip_id: tripId, name: hotel, type: rng.pick(['hotel', 'boutique hotel', 'apartment']), check_in_date: start,
      check_out_date: addDays(start, nights), price_per_night: perNight,
      total_price: sql`${perNight}::numeric * ${nights}`, location: `${rng.pick(dest.areas)}, ${dest.city}`,
      rating: ((r) => `${Math.floor(r / 10)}.${r % 10}`)(rng.int(38, 50)), amenities: { wifi: true, breakfast: rng.int(0, 1) === 1 },
      booking_status: 'booked', neighborhood: rng.pick(dest.areas),
    });
    await transportationRepo.insert(trx, {
      trip_id: tripId, type: rng.pick(['taxi', 'train', 'shuttle']), origin: `${dest.airport} airport`, destination: hotel,
      departure_time: `${start}T${pad(Math.min(23, outDep + flightHours))}:59:00Z`,
      arrival_time: `${addDays(start, outDep + flightHours >= 23 ? 1 : 0)}T${pad((Math.min(23, outDep + flightHours) + 1) % 24)}:30:00Z`,
      price: rng.cents(8, 60), provider_name: 'Local transit',
    });
    const activities = [...dest.activities];
    for (let day = 1; day <= days; day++) {
      let at = rng.int(8, 10) * 60;
      for (let k = 0; k < rng.int(1, 3) && activities.length; k++) {
        const title = activities.splice(rng.int(0, activities.length - 1), 1)[0]!;
        const length = rng.pick([60, 90, 120, 180]);
        if (at + length > 23 * 60) break;
        await itineraryItemsRepo.insert(trx, {
          trip_id: tripId, day_number: day, start_time: hhmm(at), end_time: hhmm(at + length), title,
          location: `${rng.pick(dest.areas)}, ${dest.city}`, category: rng.pick(['sightseeing', 'food', 'culture', 'outdoors']),
          cost: rng.int(0, 3) === 0 ? null : rng.cents(0, 80), priority: rng.int(1, 3),
        });
        at += length + rng.pick([30, 60, 90]);
      }
    }
    for (let o = 0; o < 2; o++) {
      await savedOptionsRepo.insert(trx, {
        trip_id: tripId, user_id: userId, option_type: 'accommodation', is_selected: o === 0,
        option_data: { name: o === 0 ? hotel : rng.pick(dest.hotels), price_per_night: o === 0 ? perNight : rng.cents(70, 320) },
      });
    }
    await notesRepo.insert(trx, { trip_id: tripId, user_id: userId, title: 'Packing list', content: `Passport, adapters, comfortable shoes for ${activities[0] ?? 'walking'}.` });
  }
  return count;
}

async function demoChats(trx: Tx, userId: string, rng: Rng, count: number): Promise<number> {
  for (let c = 0; c < count; c++) {
    const dest = rng.pick(DESTINATIONS);
    const session = await sql<{ id: string }>`
      INSERT INTO public.chat_sessions (user_id, title, context_data)
      VALUES (${userId}, ${`Planning ${dest.city}`}, ${jsonb({ destination: dest.city })}) RETURNING id`.execute(trx);
    const sessionId = session.rows[0]!.id;
    const fill = (s: string) => s.replaceAll('{city}', dest.city).replaceAll('{activity}', rng.pick(dest.activities)).replaceAll('{area}', rng.pick(dest.areas));
    const base = Date.UTC(2026, 1, 1 + rng.int(0, 27), rng.int(8, 20));
    let minute = 0;
    for (const [q, a] of [rng.pick(CHAT_SCRIPTS), rng.pick(CHAT_SCRIPTS)]) {
      for (const [role, content] of [['user', q], ['assistant', a]] as const) {
        await sql`INSERT INTO public.chat_messages (session_id, role, content, created_at)
                  VALUES (${sessionId}, ${role}, ${fill(content)}, ${new Date(base + minute++ * 60_000).toISOString()})`.execute(trx);
      }
    }
  }
  return count;
}

async function demoMemories(trx: Tx, userId: string, seed: number, home: string): Promise<number> {
  const facts = [
    ['preference', `Prefers boutique hotels close to the old town; flies from ${home}.`],
    ['preference', 'Likes food tours and museums; avoids very early flights.'],
    ['trip_summary', 'Enjoyed the last trip most for its walking tours.'],
  ] as const;
  let i = 0;
  for (const [type, text] of facts) {
    await sql`INSERT INTO public.memory_embeddings (user_id, content_text, content_type, embedding, metadata)
              VALUES (${userId}, ${text}, ${type}, ${demoVector(seed * 31 + i++)}, ${jsonb({ source: DEMO_SOURCE })})`.execute(trx);
  }
  return facts.length;
}

async function demoPrices(db: Database, seed: number): Promise<number> {
  const rng = rngOf(seed ^ 0x5eed);
  return asCaller(db, SERVICE, async (trx) => {
    await sql`DELETE FROM public.price_history WHERE source = ${DEMO_SOURCE}`.execute(trx);
    let n = 0;
    for (const home of HOMES) {
      for (const dest of DESTINATIONS) {
        let cents = rng.int(150, 900) * 100;
        for (let day = 0; day < 30; day++) {
          cents = Math.max(5_000, cents + rng.int(-2_500, 2_500));
          await sql`INSERT INTO public.price_history (entity_type, entity_ref, price, currency, timestamp, source)
                    VALUES ('flight', ${`${home.airport}-${dest.airport}`}, ${`${Math.floor(cents / 100)}.${pad(cents % 100)}`}, 'EUR',
                            ${`${addDays('2026-01-01', day)}T06:00:00Z`}, ${DEMO_SOURCE})`.execute(trx);
          n++;
        }
      }
    }
    return n;
  });
}

export async function createDemo(db: Database, opts: DemoOptions = {}): Promise<DemoResult> {
  const users = opts.users ?? 3;
  const seed = opts.seed ?? 42;
  const total = users + 1;
  const hash = await hashPassword(DEMO_PASSWORD);
  const memoryTable = await relationExists(db, 'public.memory_embeddings');
  const out: DemoResult['users'] = [];
  for (let n = 1; n <= users; n++) {
    const email = demoEmail(n);
    const rng = rngOf(seed * 1000 + n);
    const home = HOMES[(n - 1) % HOMES.length]!;
    const id = await asCaller(db, SERVICE, async (trx) => {
      await sql`DELETE FROM auth.users WHERE lower(email) = ${email}`.execute(trx);
      return insertAccount(trx, email, hash, { name: `Demo Traveller ${n}`, demo: true });
    });
    const counts = await asCaller(db, userCaller(id), async (trx) => ({
      trips: await demoTrips(trx, id, rng, home, rng.int(2, 3)),
      chats: await demoChats(trx, id, rng, rng.int(1, 2)),
      memories: memoryTable ? await demoMemories(trx, id, seed * 1000 + n, home.city) : 0,
    }));
    out.push({ email, id, ...counts });
    opts.onProgress?.(n, total, `${email}: ${counts.trips} trips, ${counts.chats} chats, ${counts.memories} memories`);
  }
  const priceHistoryRows = await demoPrices(db, seed);
  opts.onProgress?.(total, total, `price history: ${priceHistoryRows} rows`);
  return {
    users: out,
    password: DEMO_PASSWORD,
    priceHistoryRows,
    memories: memoryTable ? 'written' : 'skipped: no memory_embeddings table (TRIPSAGE_MEMORY=off or no pgvector)',
  };
}
