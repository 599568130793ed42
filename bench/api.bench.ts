/**
 * API overhead and start-up benchmarks (issue: reliability and performance).
 *
 *   npm run bench:api [-- --duration 5 --connections 1,10,50 --backends embedded,postgres]
 *
 * For each backend: `tripsage serve` in its own process, loaded by autocannon for an
 * authenticated GET of one trip, a list, and a POST; then the same SQL transaction (role switch,
 * claims, query) run directly through the driver at the same concurrency. Also cold start to
 * /ready on a new and an existing data directory beside PGlite's own bare start.
 * Results: docs/benchmarks.md, section "api".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/connect.ts';
import type { Database } from '../src/db/database.ts';
import { asCaller, userCaller } from '../src/db/transaction.ts';
import { startPgCluster } from '../test/harness/pg-cluster.ts';
import { fmt, machine, percentile, ROOT, spawnServer, writeSection } from './lib.ts';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const DURATION = Number(args.get('--duration') || 5);
const CONNECTIONS = (args.get('--connections') || '1,10,50').split(',').map(Number);
const BACKENDS = (args.get('--backends') || 'embedded,postgres').split(',');
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const KEYS = `1:${Buffer.alloc(32, 9).toString('base64')}`;

interface Result { backend: string; scenario: string; connections: number; apiRps: number; apiP50: number; apiP99: number; drvRps: number; drvP50: number; drvP99: number; errors: number }

const tripBody = () => JSON.stringify({ name: 'Bench', start_date: '2026-07-01', end_date: '2026-07-09', destination: 'Oslo', budget: '1234.50' });

async function http(url: string, path: string, init: RequestInit & { token?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const r = await fetch(`${url}${path}`, { ...init, headers });
  return (await r.json()) as Record<string, unknown>;
}

async function cannon(url: string, token: string, c: number, req: { method: 'GET' | 'POST'; path: string; body?: string }) {
  const r = await autocannon({
    url: `${url}${req.path}`, connections: c, duration: DURATION, method: req.method, body: req.body,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/** The same transaction the API runs, straight through the driver, `c` at a time. */
async function driver(db: Database, userId: string, c: number, scenario: string, tripId: number) {
  const caller = userCaller(userId, { email: 'bench@example.test' });
  const lat: number[] = [];
  const until = performance.now() + DURATION * 1000;
  const work = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      await asCaller(db, caller, async (trx) => {
        if (scenario === 'get') await trx.selectFrom('trips').selectAll().where('id', '=', tripId).executeTakeFirst();
        else if (scenario === 'list') await trx.selectFrom('trips').selectAll().orderBy('start_date').orderBy('id').limit(20).execute();
        else await trx.insertInto('trips').values({ user_id: userId, name: 'Bench', start_date: '2026-07-01', end_date: '2026-07-09', destination: 'Oslo', budget: '1234.50' }).returningAll().executeTakeFirst();
      }, { readOnly: scenario !== 'post' });
      lat.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: c }, work));
  lat.sort((a, b) => a - b);
  return { rps: lat.length / DURATION, p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

async function benchBackend(name: string, serverArgs: string[], env: Record<string, string>, openDriver: () => Promise<Database>): Promise<Result[]> {
  const server = await spawnServer(serverArgs, env);
  const email = `bench-${Date.now()}@example.test`;
  const session = await http(server.url, '/auth/v1/signup', { method: 'POST', body: JSON.stringify({ email, password: 'bench-password' }) });
  const token = session.access_token as string;
  const userId = (session.user as { id: string }).id;
  const writer = await http(server.url, '/auth/v1/signup', { method: 'POST', body: JSON.stringify({ email: `w-${email}`, password: 'bench-password' }) });
  const writerToken = writer.access_token as string;
  const writerId = (writer.user as { id: string }).id;
  const trip = await http(server.url, '/api/v1/trips', { method: 'POST', token, body: tripBody() });
  for (let i = 0; i < 30; i++) await http(server.url, '/api/v1/trips', { method: 'POST', token, body: tripBody() });
  const scenarios = [
    { scenario: 'get', method: 'GET' as const, path: `/api/v1/trips/${trip.id}` },
    { scenario: 'list', method: 'GET' as const, path: '/api/v1/trips?limit=20' },
    { scenario: 'post', method: 'POST' as const, path: '/api/v1/trips', body: tripBody() },
  ];
  const api = new Map<string, Awaited<ReturnType<typeof cannon>>>();
  for (const s of scenarios) for (const c of CONNECTIONS) {
    // Writes go to a second user, so the reader's list and trip stay the same for every run.
    api.set(`${s.scenario}/${c}`, await cannon(server.url, s.scenario === 'post' ? writerToken : token, c, s));
    console.error(`${name} api ${s.scenario} c=${c}: ${fmt(api.get(`${s.scenario}/${c}`)!.rps)} req/s`);
  }
  await server.stop(); // frees the embedded data directory for the driver run
  const db = await openDriver();
  const out: Result[] = [];
  try {
    for (const s of scenarios) for (const c of CONNECTIONS) {
      const d = await driver(db, s.scenario === 'post' ? writerId : userId, c, s.scenario, trip.id as number);
      const a = api.get(`${s.scenario}/${c}`)!;
      console.error(`${name} driver ${s.scenario} c=${c}: ${fmt(d.rps)} tx/s`);
      out.push({ backend: name, scenario: s.scenario, connections: c, apiRps: a.rps, apiP50: a.p50, apiP99: a.p99, drvRps: d.rps, drvP50: d.p50, drvP99: d.p99, errors: a.errors });
    }
  } finally {
    await db.close();
  }
  return out;
}

/** Spawn-to-first-query time of a bare PGlite process on an existing data directory. */
async function bareStart(dataDir: string): Promise<number> {
  const script = `
    import { PGlite } from '@electric-sql/pglite';
    import { vector } from '@electric-sql/pglite-pgvector';
    import { citext } from '@electric-sql/pglite/contrib/citext';
    import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
    import { pg_stat_statements } from '@electric-sql/pglite/contrib/pg_stat_statements';
    const pg = await PGlite.create({ dataDir: ${JSON.stringify(join(dataDir, 'pgdata'))}, extensions: { vector, citext, uuid_ossp, pg_stat_statements } });
    await pg.query('select 1'); await pg.close();`;
  const t0 = performance.now();
  await new Promise((ok, fail) => {
    const c = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: 'inherit' });
    c.on('exit', (code) => (code === 0 ? ok(null) : fail(new Error(`bare PGlite exited ${code}`))));
  });
  return performance.now() - t0;
}

async function startup(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tripsage-bench-start-'));
  const fresh = await spawnServer(['--data-dir', dir], {});
  await fresh.stop();
  const existing: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = await spawnServer(['--data-dir', dir], {});
    existing.push(s.startedMs);
    await s.stop();
    bare.push(await bareStart(dir));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  return [
    '### Start-up (embedded)',
    '',
    '| measurement | ms |',
    '| --- | ---: |',
    `| cold start to /ready, new data directory (initdb + migrations) | ${fmt(fresh.startedMs)} |`,
    `| cold start to /ready, existing data directory (median of 3) | ${fmt(med(existing))} |`,
    `| PGlite bare start + first query, same directory (median of 3) | ${fmt(med(bare))} |`,
    `| ratio existing ÷ bare (target ≤ 2) | ${fmt(med(existing) / med(bare), 2)} |`,
  ].join('\n');
}

const results: Result[] = [];
let startupSection = '';
if (BACKENDS.includes('embedded')) {
  const dir = mkdtempSync(join(tmpdir(), 'tripsage-bench-'));
  results.push(...(await benchBackend('embedded', ['--data-dir', dir], {}, () => openDatabase({ dataDir: dir }))));
  startupSection = await startup();
}
if (BACKENDS.includes('postgres')) {
  const cluster = await startPgCluster();
  try {
    const env = { DATABASE_URL: cluster.url, TRIPSAGE_MEMORY: 'off', TRIPSAGE_JWT_SECRET: SECRET, TRIPSAGE_ENCRYPTION_KEYS: KEYS };
    results.push(...(await benchBackend('postgres', [], env, () => openDatabase({ databaseUrl: cluster.url, poolSize: 10 }))));
  } finally {
    await cluster.stop();
  }
}

const rows = results.map((r) =>
  `| ${r.backend} | ${r.scenario} | ${r.connections} | ${fmt(r.apiRps)} | ${fmt(r.apiP50, 1)} / ${fmt(r.apiP99, 1)} | ${fmt(r.drvRps)} | ${fmt(r.drvP50, 2)} / ${fmt(r.drvP99, 2)} | ${fmt(r.apiRps / r.drvRps, 2)} | ${r.errors} |`);
writeSection('api', [
  '## API overhead and start-up',
  '',
  `Machine: ${machine()}. Command: \`npm run bench:api -- --duration ${DURATION} --connections ${CONNECTIONS.join(',')} --backends ${BACKENDS.join(',')}\`.`,
  'The API runs as `tripsage serve` in its own process, loaded by autocannon from the benchmark process; the driver column runs the same transaction (BEGIN, role switch + claims, the query, COMMIT) through Kysely in the benchmark process at the same concurrency. Both share the 2 cores with the load generator.',
  '',
  '| backend | request | connections | API req/s | API p50 / p99 ms | driver tx/s | driver p50 / p99 ms | API ÷ driver | API errors |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
  '',
  startupSection,
].join('\n'));
console.error('written to docs/benchmarks.md (section api)');
