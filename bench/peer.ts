/**
 * The peer of the API benchmark: nano-supabase (npm, MIT) — Supabase-compatible auth and REST
 * over PGlite — installed into a temporary directory at run time (none of it is part of
 * TripSage) and wrapped in a few lines of node:http, serving a `trips` table identical to
 * TripSage's with the same RLS policies (`(select auth.uid()) = user_id`).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './lib.ts';

export const PEER = 'nano-supabase@0.1.0';

/** TripSage's trips table (000002) and its four policies (000004); user_id defaults to the caller. */
const TRIPS = `
CREATE TABLE IF NOT EXISTS public.trips (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id UUID NOT NULL DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE CASCADE,
  name TEXT NOT NULL, start_date DATE NOT NULL, end_date DATE NOT NULL, destination TEXT NOT NULL,
  budget NUMERIC NOT NULL, travelers INTEGER NOT NULL DEFAULT 1, status TEXT NOT NULL DEFAULT 'planning',
  trip_type TEXT NOT NULL DEFAULT 'leisure', flexibility JSONB, description TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT trips_date_check CHECK (end_date >= start_date), CONSTRAINT trips_travelers_check CHECK (travelers > 0),
  CONSTRAINT trips_budget_check CHECK (budget > 0),
  CONSTRAINT trips_status_check CHECK (status IN ('planning', 'booked', 'completed', 'canceled')),
  CONSTRAINT trips_type_check CHECK (trip_type IN ('leisure', 'business', 'family', 'solo', 'other')));
CREATE INDEX IF NOT EXISTS trips_user_id_idx ON public.trips (user_id);
ALTER TABLE public.trips ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.trips TO authenticated;
CREATE POLICY "Users can view own trips" ON public.trips FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY "Users can create own trips" ON public.trips FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY "Users can update own trips" ON public.trips FOR UPDATE TO authenticated USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY "Users can delete own trips" ON public.trips FOR DELETE TO authenticated USING ((select auth.uid()) = user_id);`;

/** The wrapper: nano-supabase exports fetch-style handlers, not a server. */
const SERVER = `
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { AUTH_SCHEMA_SQL, createFetchAdapter } from 'nano-supabase';
// Node 20's fetch cannot read file: URLs, which is how nano-supabase loads its parser's WASM.
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = input instanceof URL ? input : typeof input === 'string' && input.startsWith('file:') ? new URL(input) : null;
  if (url?.protocol === 'file:') return new Response(await readFile(url), { headers: { 'content-type': 'application/wasm' } });
  return realFetch(input, init);
};
console.log = () => {}; // it logs every request it intercepts
const db = new PGlite({ dataDir: process.env.PEER_DATA_DIR, extensions: { pgcrypto } });
await db.exec(AUTH_SCHEMA_SQL);
await db.exec(process.env.PEER_TRIPS_SQL);
const { localFetch } = await createFetchAdapter({ db });
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c)).on('end', async () => {
    const body = ['GET', 'HEAD'].includes(req.method) ? undefined : Buffer.concat(chunks);
    const r = await localFetch('http://localhost:54321' + req.url, { method: req.method, headers: req.headers, body });
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(Buffer.from(await r.arrayBuffer()));
  });
}).listen(0, '127.0.0.1', function () { process.stderr.write('listening on http://127.0.0.1:' + this.address().port + '\\n'); });
`;

export interface Peer {
  url: string;
  stop(): Promise<void>;
}

/** Installs the peer (with the PGlite version TripSage uses) and starts it on a new data directory. */
export async function startPeer(): Promise<Peer> {
  const dir = mkdtempSync(join(tmpdir(), 'tripsage-peer-'));
  const pglite = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'peer', private: true, type: 'module' }));
  await promisify(execFile)('npm', ['install', '--no-audit', '--no-fund', PEER, `@electric-sql/pglite@${pglite}`], { cwd: dir });
  writeFileSync(join(dir, 'server.mjs'), SERVER);
  const child = spawn(process.execPath, ['server.mjs'], {
    cwd: dir,
    env: { ...process.env, PEER_DATA_DIR: join(dir, 'data'), PEER_TRIPS_SQL: TRIPS },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const url = await new Promise<string>((ok, fail) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d;
      const m = /listening on (\S+)/.exec(err);
      if (m) ok(m[1]!);
    });
    void exited.then(() => fail(new Error(`the peer exited:\n${err}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
