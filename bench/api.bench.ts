/**
 * API benchmark (issue 11): TripSage against the raw driver, its own baseline and a peer, side by
 * side in one run, in alternating rounds.
 *
 *   npm run bench:api [-- --rounds 3 --duration 5 --connections 10,50 --backends embedded,postgres
 *                        --baseline e601aa0 --batches 20 --baseline-batches 5]
 *
 * - embedded: `tripsage serve` (this checkout), the baseline (another commit, `git archive`d into
 *   a temp dir), nano-supabase (bench/peer.ts), and the raw PGlite driver (bench/drivers.ts).
 * - postgres: `tripsage serve --workers 2` and `--workers 1`, the baseline, and the raw `pg`
 *   driver, on a throwaway cluster.
 * - Each round runs every system once per request and concurrency, the order rotating from round
 *   to round; each round is reported, and the ratios are those of the medians.
 * - Responsiveness (embedded): a client posting 500-memory batches one after another while a
 *   second client probes /health one request at a time.
 * Results: docs/benchmarks.md, section "api".
 */
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { startPgCluster } from '../test/harness/pg-cluster.ts';
import { driveFor, pgDriver, pgliteDriver, type Driver, type Rate, type Scenario } from './drivers.ts';
import { fmt, machine, percentile, writeSection } from './lib.ts';
import { startupSection } from './startup.ts';
import { cannon, checkout, peer, tripsage, type Target } from './targets.ts';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const ROUNDS = Number(args.get('--rounds') || 3);
const DURATION = Number(args.get('--duration') || 5);
const CONNECTIONS = (args.get('--connections') || '10,50').split(',').map(Number);
const BACKENDS = (args.get('--backends') || 'embedded,postgres').split(',');
const BASELINE = args.get('--baseline') || 'e601aa0';
const BATCHES = Number(args.get('--batches') || 20);
const BASELINE_BATCHES = Number(args.get('--baseline-batches') || 5);
const SCENARIOS: Scenario[] = ['get', 'list', 'post'];
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const KEYS = `1:${Buffer.alloc(32, 9).toString('base64')}`;
const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

type Cells = Map<string, Rate[]>;
const key = (system: string, s: Scenario, c: number) => `${system}/${s}/${c}`;
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

async function alternate(targets: Target[], driver: Driver, userId: string, writerId: string, tripId: number): Promise<Cells> {
  const cells: Cells = new Map();
  const systems = [...targets.map((t) => t.name), 'driver'];
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of SCENARIOS) for (const c of CONNECTIONS) {
      const order = systems.map((_, i) => systems[(i + r) % systems.length]!);
      for (const name of order) {
        const t = targets.find((x) => x.name === name);
        const rate = t ? await cannon(t.url, t.requests[s], c, DURATION) : await driveFor(driver, { scenario: s, userId, writerId, tripId }, c, DURATION);
        cells.set(key(name, s, c), [...(cells.get(key(name, s, c)) ?? []), rate]);
        log(`round ${r + 1} ${s} c=${c} ${name}: ${fmt(rate.rps)} req/s, p50 ${fmt(rate.p50, 1)} p99 ${fmt(rate.p99, 1)} ms, errors ${rate.errors}`);
      }
    }
  }
  return cells;
}

function tables(backend: string, cells: Cells, systems: string[], mains: string[], baseline: string, peer?: string): string {
  const med = (name: string, s: Scenario, c: number, f: (r: Rate) => number) => median(cells.get(key(name, s, c))!.map(f));
  const rows: string[] = [];
  const ratios: string[] = [];
  for (const s of SCENARIOS) for (const c of CONNECTIONS) {
    for (const name of systems) {
      const rs = cells.get(key(name, s, c))!;
      rows.push(`| ${s} | ${c} | ${name} | ${rs.map((r) => fmt(r.rps)).join(' / ')} | ${fmt(med(name, s, c, (r) => r.rps))} | ${fmt(med(name, s, c, (r) => r.p50), 1)} / ${fmt(med(name, s, c, (r) => r.p99), 1)} | ${rs.reduce((n, r) => n + r.errors, 0)} |`);
    }
    const rps = (name: string) => med(name, s, c, (r) => r.rps);
    for (const main of mains) {
      const tail = med(main, s, c, (r) => r.p99) / med(main, s, c, (r) => r.p50);
      const vsPeer = peer ? `${fmt(rps(main) / rps(peer), 2)} | ${fmt(med(main, s, c, (r) => r.p99), 1)} vs ${fmt(med(peer, s, c, (r) => r.p99), 1)}` : '— | —';
      ratios.push(`| ${s} | ${c} | ${main} | ${fmt(rps(main) / rps('driver'), 2)} | ${fmt(rps(main) / rps(baseline), 2)} | ${fmt(tail, 1)} | ${vsPeer} |`);
    }
  }
  return [
    `### ${backend}: every round, and the medians`,
    '',
    '| request | connections | system | rounds (req/s) | median req/s | median p50 / p99 ms | errors |',
    '| --- | ---: | --- | --- | ---: | ---: | ---: |',
    ...rows,
    '',
    `### ${backend}: ratios of the medians`,
    '',
    `| request | connections | system | ÷ raw driver | ÷ baseline | p99 ÷ p50 | ÷ peer | p99 ms vs peer |`,
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    ...ratios,
  ].join('\n');
}

/** One client posting 500-memory batches back to back while another probes /health. */
async function responsiveness(t: Target, batches: number): Promise<string> {
  const body = JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ content_text: `bench memory ${i}: the ferry to Hydra leaves at 8:05 from gate E8; the tavern by the port closes at midnight`, content_type: 'trip_note' })));
  const codes = new Map<number, number>();
  const times: number[] = [];
  let done = false;
  const probe = new Promise<autocannon.Result>((ok) => {
    const inst = autocannon({ url: `${t.url}/health`, connections: 1, duration: 36_000 }, (_e, r) => ok(r));
    void (async () => {
      for (let i = 0; i < batches; i++) {
        const t0 = performance.now();
        const r = await fetch(`${t.url}/api/v1/memories`, { method: 'POST', headers: t.requests.post.headers, body });
        await r.arrayBuffer();
        times.push(performance.now() - t0);
        codes.set(r.status, (codes.get(r.status) ?? 0) + 1);
      }
      done = true;
      inst.stop();
    })();
  });
  const health = await probe;
  if (!done) throw new Error('probe ended early');
  const statuses = [...codes].map(([s, n]) => `${n}× ${s}`).join(', ');
  return `| ${t.name} | ${batches} | ${statuses} | ${fmt(median(times) / 1000, 1)} s | ${fmt(health.latency.p50, 1)} / ${fmt(health.latency.p99, 1)} / ${fmt(health.latency.max)} | ${health.requests.total} |`;
}

/**
 * The POST rounds insert far more trips than one user may hold (1,000: tripsage.collection_limits),
 * so the benchmark's own databases lift that one cap; the cap's trigger still runs on every insert.
 */
const LIFT_TRIP_CAP = `UPDATE tripsage.collection_limits SET max_rows = 1000000000 WHERE name = 'trips_per_user'`;

/** A data directory migrated by this checkout, with the trip cap lifted. */
async function ourDataDir(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tripsage-bench-'));
  const db = await openDatabase({ dataDir: dir });
  try {
    await migrate(db);
    await db.query(LIFT_TRIP_CAP);
  } finally {
    await db.close();
  }
  return ['--data-dir', dir];
}

async function embedded(): Promise<string> {
  const data = () => ['--data-dir', mkdtempSync(join(tmpdir(), 'tripsage-bench-'))];
  const ours = await tripsage('tripsage', await ourDataDir(), {});
  const base = await tripsage('baseline', data(), {}, { bin: checkout(BASELINE) });
  const nano = await peer();
  // The raw driver's own data directory, migrated by TripSage, with a user and a trip.
  const dir = mkdtempSync(join(tmpdir(), 'tripsage-bench-driver-'));
  const setup = await openDatabase({ dataDir: dir });
  await migrate(setup);
  await setup.query(LIFT_TRIP_CAP);
  const user = (await setup.query<{ id: string }>(`INSERT INTO auth.users (email) VALUES ('driver@example.test') RETURNING id`)).rows[0]!.id;
  const writer = (await setup.query<{ id: string }>(`INSERT INTO auth.users (email) VALUES ('driver-writer@example.test') RETURNING id`)).rows[0]!.id;
  for (let i = 0; i < 31; i++) await setup.query(`INSERT INTO trips (user_id, name, start_date, end_date, destination, budget) VALUES ($1, 'Bench', '2026-07-01', '2026-07-09', 'Oslo', 1234.5)`, [user]);
  const tripId = (await setup.query<{ id: number }>(`SELECT min(id)::int AS id FROM trips`)).rows[0]!.id;
  await setup.close();
  const driver = await pgliteDriver(join(dir, 'pgdata'));
  try {
    const cells = await alternate([ours, base, nano], driver, user, writer, tripId);
    log('responsiveness: batches');
    const resp = [await responsiveness(ours, BATCHES), await responsiveness(base, BASELINE_BATCHES)];
    return [
      tables('embedded', cells, ['tripsage', 'baseline', 'nano-supabase', 'driver'], ['tripsage'], 'baseline', 'nano-supabase'),
      '',
      '### embedded: responsiveness while 500-memory batches are written',
      '',
      '| system | batches | answers | median batch | /health p50 / p99 / max ms | /health requests |',
      '| --- | ---: | --- | ---: | ---: | ---: |',
      ...resp,
    ].join('\n');
  } finally {
    await driver.close();
    for (const t of [ours, base, nano]) await t.stop();
  }
}

async function postgres(): Promise<string> {
  const cluster = await startPgCluster({ own: true });
  try {
    const env = { DATABASE_URL: cluster.url, TRIPSAGE_MEMORY: 'off', TRIPSAGE_JWT_SECRET: SECRET, TRIPSAGE_ENCRYPTION_KEYS: KEYS, TRIPSAGE_JOBS: 'off' };
    const w2 = await tripsage('tripsage --workers 2', [], { ...env, TRIPSAGE_WORKERS: '2' });
    const w1 = await tripsage('tripsage --workers 1', [], { ...env, TRIPSAGE_WORKERS: '1' });
    // The baseline gets a database of its own: its migrations are older versions of ours.
    const admin = await openDatabase({ databaseUrl: cluster.url, poolSize: 1 });
    await admin.query(LIFT_TRIP_CAP);
    await admin.query('CREATE DATABASE tripsage_baseline').finally(() => admin.close());
    const baseUrl = new URL(cluster.url);
    baseUrl.pathname = '/tripsage_baseline';
    const base = await tripsage('baseline', [], { ...env, DATABASE_URL: baseUrl.toString() }, { bin: checkout(BASELINE) });
    const driver = pgDriver(cluster.url, Math.max(...CONNECTIONS));
    try {
      const cells = await alternate([w2, w1, base], driver, w2.reader.id, w2.writer.id, w2.tripId);
      const systems = ['tripsage --workers 2', 'tripsage --workers 1', 'baseline', 'driver'];
      return tables('postgres', cells, systems, systems.slice(0, 2), 'baseline');
    } finally {
      await driver.close();
      for (const t of [w2, w1, base]) await t.stop();
    }
  } finally {
    await cluster.stop();
  }
}

const load = () => loadavg().map((n) => n.toFixed(1)).join(' ');
const started = `load average at the start ${load()}`;
const sections: string[] = [];
if (BACKENDS.includes('embedded')) sections.push(await embedded(), '', await startupSection(), '');
if (BACKENDS.includes('postgres')) sections.push(await postgres());
writeSection('api', [
  '## API: TripSage, its baseline, the raw driver and a peer, side by side',
  '',
  `Machine: ${machine()}, ${cpus().length} cores shared with other jobs (${started}, at the end ${load()}). Command: \`npm run bench:api -- --rounds ${ROUNDS} --duration ${DURATION} --connections ${CONNECTIONS.join(',')} --backends ${BACKENDS.join(',')} --baseline ${BASELINE} --batches ${BATCHES} --baseline-batches ${BASELINE_BATCHES}\`.`,
  `Each system runs as its own process, loaded by autocannon from the benchmark process (the raw driver runs in the benchmark process itself); ${ROUNDS} rounds of ${DURATION} s per cell, the order of the systems rotating each round. "baseline" is commit ${BASELINE} (before issue 11), "driver" the same RLS transaction on the driver's public API (bench/drivers.ts), "nano-supabase" the peer (bench/peer.ts).`,
  '',
  ...sections,
].join('\n'));
log('written to docs/benchmarks.md (section api)');
