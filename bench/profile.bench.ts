/**
 * Where a request's CPU goes: `tripsage serve` under `node --cpu-prof` (every thread: HTTP, the
 * database worker), loaded by autocannon with one kind of request, then each thread's profile
 * summed by where the code lives (a package, a TripSage module, Node, the garbage collector).
 *
 *   npm run bench:profile [-- --backend embedded|postgres --scenario get|list|post --seconds 15
 *                            --connections 10 --ref <commit>]
 *
 * `--ref` profiles another commit (git archive'd, as the API benchmark's baseline). Prints a
 * Markdown table per thread: share of the samples and µs per request.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from './drivers.ts';
import { fmt } from './lib.ts';
import { cannon, checkout, tripsage } from './targets.ts';
import { startPgCluster } from '../test/harness/pg-cluster.ts';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const BACKEND = args.get('--backend') || 'embedded';
const SCENARIO = (args.get('--scenario') || 'get') as Scenario;
const SECONDS = Number(args.get('--seconds') || 15);
const CONNECTIONS = Number(args.get('--connections') || 10);
const REF = args.get('--ref');

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number }

/** Where a frame's code lives. */
function place(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native / builtins)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/(src|dist)\/(.+?)\.(ts|js)$/.exec(url);
  if (ours) return `tripsage ${ours[2]}`;
  if (url.startsWith('node:')) return `node ${url.slice(5).split('/')[0]}`;
  return url;
}

/** CLOCK_MONOTONIC in µs: V8 stamps its profile samples with the same clock. */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** Self time within the measured window, by where the code lives and by function. */
function summarise(file: string, requests: number, window: { from: number; to: number }): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  let t = p.startTime;
  p.samples.forEach((id, i) => {
    const us = p.timeDeltas[i] ?? 0;
    t += us;
    if (t < window.from || t > window.to) return;
    const n = byId.get(id)!;
    const where = place(n.callFrame.url, n.callFrame.functionName);
    if (where === '(idle)') return;
    total += us;
    byPlace.set(where, (byPlace.get(where) ?? 0) + us);
    const fn = `${n.callFrame.functionName || '(anonymous)'} — ${where}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  });
  if (!total) return '(no samples in the measured window)';
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([w, us]) => `| ${w.replace(/\|/g, '\\|')} | ${fmt((100 * us) / total, 1)} % | ${fmt(us / requests)} |`);
  return [
    '| where (self time) | share | µs per request |',
    '| --- | ---: | ---: |',
    ...top(byPlace, 14),
    `| **busy total** | 100 % | **${fmt(total / requests)}** |`,
    '',
    '| function (self time) | share | µs per request |',
    '| --- | ---: | ---: |',
    ...top(byFunction, 12),
  ].join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'tripsage-profile-'));
const bin = REF ? checkout(REF) : undefined;
const env: Record<string, string> = { TRIPSAGE_JOBS: 'off' };
const cluster = BACKEND === 'postgres' ? await startPgCluster({ own: true }) : undefined;
try {
  const serverArgs = cluster ? [] : ['--data-dir', mkdtempSync(join(tmpdir(), 'tripsage-profile-data-'))];
  if (cluster) Object.assign(env, { DATABASE_URL: cluster.url, TRIPSAGE_MEMORY: 'off', TRIPSAGE_WORKERS: '1', TRIPSAGE_JWT_SECRET: 'profile-secret-profile-secret-profile-0123456789', TRIPSAGE_ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 4).toString('base64')}` });
  const t = await tripsage(REF ? `ref ${REF}` : 'tripsage', serverArgs, env, { bin, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  await cannon(t.url, t.requests[SCENARIO], CONNECTIONS, 3); // warm-up
  const window = { from: nowUs(), to: 0 };
  const r = await cannon(t.url, t.requests[SCENARIO], CONNECTIONS, SECONDS);
  window.to = nowUs();
  await t.stop();
  const requests = r.rps * SECONDS;
  console.log(`## ${REF ?? 'this checkout'}, ${BACKEND}, ${SCENARIO}, ${CONNECTIONS} connections, ${SECONDS} s: ${fmt(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms\n`);
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.cpuprofile')).sort()) {
    console.log(`### ${f}\n\n${summarise(join(dir, f), requests, window)}\n`);
  }
} finally {
  await cluster?.stop();
}
