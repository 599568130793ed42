/**
 * What the API benchmark loads: TripSage servers (this checkout, or a baseline checkout's) and the
 * nano-supabase peer, each with a reader (31 trips) and a writer, and the three requests — the
 * authenticated GET of one trip, a list of 20, a POST — in each one's own API.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Rate, Scenario } from './drivers.ts';
import type { Launch } from '../test/harness/serve.ts';
import { ROOT, spawnServer } from './lib.ts';
import { startPeer } from './peer.ts';

export interface Req {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Target {
  name: string;
  url: string;
  requests: Record<Scenario, Req>;
  reader: { token: string; id: string };
  /** Who POSTs: not the reader, so the reader's list is the same in every round. */
  writer: { token: string; id: string };
  tripId: number;
  stop(): Promise<void>;
}

const trip = () => JSON.stringify({ name: 'Bench', start_date: '2026-07-01', end_date: '2026-07-09', destination: 'Oslo', budget: '1234.50' });
const auth = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra });

async function call(url: string, r: Req): Promise<Record<string, unknown>> {
  const res = await fetch(url + r.path, { method: r.method, headers: r.headers, body: r.body });
  if (res.status >= 300) throw new Error(`${r.method} ${r.path}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as Record<string, unknown> | Array<Record<string, unknown>>;
  return Array.isArray(body) ? body[0]! : body;
}

async function signUp(url: string, email: string, headers: Record<string, string> = {}) {
  const s = await call(url, { method: 'POST', path: '/auth/v1/signup', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ email, password: 'bench-password' }) });
  return { token: s.access_token as string, id: (s.user as { id: string }).id };
}

/**
 * A baseline checkout (`git archive`); its launcher. It shares this checkout's node_modules while
 * both lockfiles agree, and otherwise gets its own (`npm ci` from the npm cache): the baseline
 * must run with the packages it was written for (e.g. @fastify/helmet, since replaced).
 */
export function checkout(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tripsage-baseline-'));
  execSync(`git archive ${ref} | tar -x -C ${dir}`, { cwd: ROOT, stdio: 'inherit' });
  if (readFileSync(join(dir, 'package-lock.json'), 'utf8') === readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) {
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  } else {
    execSync('npm ci --prefer-offline --no-audit --no-fund --ignore-scripts --loglevel=error', { cwd: dir, stdio: 'inherit' });
  }
  return join(dir, 'bin/tripsage.js');
}

export async function tripsage(name: string, args: string[], env: Record<string, string>, launch?: Launch): Promise<Target & { startedMs: number }> {
  const server = await spawnServer(args, env, launch);
  const email = `${name.replace(/\W/g, '-')}-${Date.now()}@example.test`;
  const reader = await signUp(server.url, email);
  const writer = await signUp(server.url, `w-${email}`);
  const post: Req = { method: 'POST', path: '/api/v1/trips', headers: auth(reader.token), body: trip() };
  const first = await call(server.url, post);
  for (let i = 0; i < 30; i++) await call(server.url, post);
  return {
    name,
    url: server.url,
    startedMs: server.startedMs,
    reader,
    writer,
    tripId: first.id as number,
    requests: {
      get: { method: 'GET', path: `/api/v1/trips/${first.id}`, headers: auth(reader.token) },
      list: { method: 'GET', path: '/api/v1/trips?limit=20', headers: auth(reader.token) },
      // Writes go to a second user, so the reader's list stays the same in every round.
      post: { ...post, headers: auth(writer.token) },
    },
    stop: async () => void (await server.stop()),
  };
}

export async function peer(): Promise<Target> {
  const p = await startPeer();
  const key = { apikey: 'local-anon-key' };
  const reader = await signUp(p.url, `peer-${Date.now()}@example.test`, key);
  const writer = await signUp(p.url, `peer-w-${Date.now()}@example.test`, key);
  const post: Req = { method: 'POST', path: '/rest/v1/trips', headers: auth(reader.token, { ...key, prefer: 'return=representation' }), body: trip() };
  const first = await call(p.url, post);
  for (let i = 0; i < 30; i++) await call(p.url, post);
  return {
    name: 'nano-supabase',
    url: p.url,
    reader,
    writer,
    tripId: first.id as number,
    requests: {
      get: { method: 'GET', path: `/rest/v1/trips?id=eq.${first.id}`, headers: auth(reader.token, key) },
      list: { method: 'GET', path: '/rest/v1/trips?order=start_date,id&limit=20', headers: auth(reader.token, key) },
      post: { ...post, headers: auth(writer.token, { ...key, prefer: 'return=representation' }) },
    },
    stop: p.stop,
  };
}

export async function cannon(url: string, r: Req, connections: number, seconds: number): Promise<Rate> {
  const out = await autocannon({ url: url + r.path, method: r.method, headers: r.headers, body: r.body, connections, duration: seconds });
  return { rps: out.requests.average, p50: out.latency.p50, p99: out.latency.p99, errors: out.errors + out.non2xx };
}
