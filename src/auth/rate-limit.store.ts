/**
 * A store for @fastify/rate-limit that keeps its counters in the database
 * (tripsage_auth.rate_limit_hit), so the limit holds across every instance of the server and
 * survives restarts — the in-memory store counted per process. Each route gets its own buckets
 * (the plugin makes a child store per route), keyed by the client address as Fastify sees it
 * (see TRIPSAGE_TRUST_PROXY). A hit is its own small transaction, committed before the request's:
 * a request that fails still counts.
 */
import type { Database } from '../db/database.ts';
import { ANON, asCaller } from '../db/transaction.ts';
import { rateLimitHit } from './auth-functions.repo.ts';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

export function databaseRateLimitStore(db: Database) {
  return class DatabaseRateLimitStore {
    constructor(_options: unknown, private readonly route = '*') {}

    incr(key: string, cb: Callback, timeWindow: number): void {
      asCaller(db, ANON, (trx) => rateLimitHit(trx, `${this.route} ${key}`.slice(0, 300), Math.max(1000, Math.min(timeWindow, 86_400_000))))
        .then((r) => cb(null, { current: r.hits, ttl: r.ttl_ms }), (e: Error) => cb(e));
    }

    child(routeOptions: { method?: string | string[]; url?: string; routeInfo?: { method?: string | string[]; url?: string } }) {
      const info = routeOptions.routeInfo ?? routeOptions;
      return new DatabaseRateLimitStore(routeOptions, `${[info.method].flat().join(',')} ${info.url ?? '*'}`);
    }
  };
}
