/**
 * Bulk import: trips with their children per second through the import path (zod validation of
 * the document, then the transfer module's inserts, as the user under RLS), beside a hand-written
 * multi-row INSERT of the same rows in one transaction as the same user.
 *
 *   npm run bench:import [-- --trips 500 --backends embedded,postgres]
 *
 * Results: docs/benchmarks.md, section "import".
 */
import { openDatabase } from '../src/db/connect.ts';
import type { Database, Session } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { asCaller, userCaller } from '../src/db/transaction.ts';
import { anyDocument, importDocument } from '../src/trips/transfer.ts';
import { createUser } from '../test/harness/backends.ts';
import { startPgCluster } from '../test/harness/pg-cluster.ts';
import { fmt, machine, writeSection } from './lib.ts';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const TRIPS = Number(args.get('--trips') || 500);
const BACKENDS = (args.get('--backends') || 'embedded,postgres').split(',');

function tripDoc(i: number) {
  const day = (d: number) => `2026-09-${String(d).padStart(2, '0')}`;
  return {
    format: 'tripsage.trip', version: 1,
    trip: { name: `Trip ${i}`, start_date: day(1), end_date: day(7), destination: 'Lisbon', budget: '2500.00', travelers: 2 },
    flights: [1, 7].map((d) => ({ origin: 'AMS', destination: 'LIS', departure_time: `${day(d)}T08:00:00Z`, arrival_time: `${day(d)}T11:00:00Z`, price: '189.90' })),
    accommodations: [{ name: 'Casa', type: 'hotel', check_in_date: day(1), check_out_date: day(7), price_per_night: '120.00', total_price: '720.00', location: 'Alfama' }],
    transportation: [{ type: 'train', origin: 'Lisbon', destination: 'Sintra', departure_time: `${day(3)}T09:00:00Z`, arrival_time: `${day(3)}T09:40:00Z`, price: '4.60' }],
    itinerary_items: Array.from({ length: 6 }, (_, k) => ({ day_number: k + 1, start_time: '10:00', end_time: '12:00', title: `Visit ${k}`, cost: '15.00' })),
    notes: [{ title: 'Packing', content: 'Sunscreen' }],
    saved_options: [{ option_type: 'hotel', option_data: { name: 'Alt' }, is_selected: false }],
  };
}
type Doc = ReturnType<typeof tripDoc>;
const CHILD_TABLES = { flights: 'flights', accommodations: 'accommodations', transportation: 'transportation', itinerary_items: 'itinerary_items', notes: 'trip_notes', saved_options: 'saved_options' } as const;
const rowsPerTrip = (d: Doc) => 1 + Object.keys(CHILD_TABLES).reduce((n, k) => n + (d[k as keyof typeof CHILD_TABLES] as unknown[]).length, 0);

/** One multi-row INSERT per table (chunked below the bind-parameter limit), written by hand. */
async function multiInsert(s: Session, table: string, rows: Record<string, unknown>[], returning = false): Promise<number[]> {
  const ids: number[] = [];
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const per = Math.floor(60_000 / cols.length);
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const params: unknown[] = [];
    const values = chunk.map((r) => `(${cols.map((c) => {
      const v = r[c];
      if (v === undefined) return 'DEFAULT';
      params.push(typeof v === 'object' && v !== null ? JSON.stringify(v) : v);
      return `$${params.length}`;
    }).join(',')})`);
    const res = await s.query<{ id: number }>(`INSERT INTO public.${table} (${cols.join(',')}) VALUES ${values.join(',')}${returning ? ' RETURNING id' : ''}`, params);
    ids.push(...res.rows.map((r) => r.id));
  }
  return ids;
}

async function raw(db: Database, userId: string, docs: Doc[]): Promise<void> {
  await db.withSession(async (s) => {
    await s.exec('BEGIN');
    await s.query(`SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: userId, role: 'authenticated' })]);
    const ids = await multiInsert(s, 'trips', docs.map((d) => ({ ...d.trip, user_id: userId })), true);
    for (const [key, table] of Object.entries(CHILD_TABLES)) {
      const owned = table === 'trip_notes' || table === 'saved_options';
      const rows = docs.flatMap((d, i) => (d[key as keyof typeof CHILD_TABLES] as Record<string, unknown>[]).map((r) => ({ ...r, trip_id: ids[i], ...(owned ? { user_id: userId } : {}) })));
      await multiInsert(s, table, rows);
    }
    await s.exec('COMMIT');
  });
}

async function viaImport(db: Database, userId: string, docs: Doc[]): Promise<void> {
  const doc = anyDocument.parse({ format: 'tripsage.trips', version: 1, trips: docs });
  await asCaller(db, userCaller(userId), (trx) => importDocument(trx, userId, doc));
}

async function measure(name: string, db: Database): Promise<string> {
  const docs = Array.from({ length: TRIPS }, (_, i) => tripDoc(i));
  const rows = docs.reduce((n, d) => n + rowsPerTrip(d), 0);
  const timeIt = async (fn: (uid: string) => Promise<void>) => {
    const best: number[] = [];
    for (let round = 0; round < 3; round++) {
      const uid = await createUser(db);
      const t0 = performance.now();
      await fn(uid);
      best.push(performance.now() - t0);
    }
    return Math.min(...best);
  };
  await viaImport(db, await createUser(db), docs.slice(0, 20)); // warm-up
  const imp = await timeIt((uid) => viaImport(db, uid, docs));
  const rawMs = await timeIt((uid) => raw(db, uid, docs));
  console.error(`${name}: import ${fmt(imp)} ms, raw ${fmt(rawMs)} ms`);
  return `| ${name} | ${TRIPS} trips / ${rows} rows | ${fmt(imp)} | ${fmt((TRIPS / imp) * 1000)} | ${fmt(rawMs)} | ${fmt((TRIPS / rawMs) * 1000)} | ${fmt(rawMs / imp, 2)} |`;
}

const lines: string[] = [];
if (BACKENDS.includes('embedded')) {
  const db = await openDatabase({});
  await migrate(db);
  lines.push(await measure('embedded', db));
  await db.close();
}
if (BACKENDS.includes('postgres')) {
  const cluster = await startPgCluster();
  const db = await openDatabase({ databaseUrl: cluster.url });
  try {
    await migrate(db, { features: { memory: false } });
    lines.push(await measure('postgres', db));
  } finally {
    await db.close();
    await cluster.stop();
  }
}
writeSection('import', [
  '## Bulk import',
  '',
  `Machine: ${machine()}. Command: \`npm run bench:import -- --trips ${TRIPS} --backends ${BACKENDS.join(',')}\`.`,
  'Each trip has 2 flights, a stay, a transfer, 6 itinerary items, a note and a saved option (13 rows). "Import" is the whole import path (zod validation of the document, then the transfer module\'s multi-row inserts as the user under RLS); "raw" is a hand-written multi-row INSERT of the same rows in one transaction as the same user. Best of 3.',
  '',
  '| backend | size | import ms | import trips/s | raw ms | raw trips/s | import ÷ raw (target ≥ 0.5) |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ...lines,
].join('\n'));
