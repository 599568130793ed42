/**
 * The live schema cache: loaded at start-up, replaced on reload (the service_role endpoint, the
 * `tripsage rest reload` command), and reloaded on its own when a request names a relation,
 * column or function it does not know — at most once per `minReloadMs`, so a stream of requests
 * for missing tables cannot turn into a stream of catalog scans.
 */
import type { Database } from '../db/database.ts';
import { loadSchemaCache, type SchemaCache } from './schema-cache.ts';

export class SchemaCacheHolder {
  private current: SchemaCache | undefined;
  private loading: Promise<SchemaCache> | undefined;

  constructor(
    private readonly db: Database,
    readonly schemas: string[],
    private readonly minReloadMs = 10_000,
  ) {}

  async get(): Promise<SchemaCache> {
    return this.current ?? this.reload();
  }

  /** Reads the catalog again; concurrent callers share one load. */
  reload(): Promise<SchemaCache> {
    this.loading ??= loadSchemaCache(this.db, this.schemas)
      .then((c) => (this.current = c))
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** A reload if the cache is older than the throttle allows; the (possibly new) cache. */
  async refreshIfStale(): Promise<SchemaCache | undefined> {
    if (this.current && Date.now() - this.current.loadedAt < this.minReloadMs) return undefined;
    return this.reload();
  }
}
