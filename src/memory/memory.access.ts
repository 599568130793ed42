/**
 * What every adapter of the memory feature needs besides the database: whether the feature is on,
 * and the embedder for a user — the operator's provider, or (BYOK) one that embeds with the
 * user's own stored key. Shared by the memories API and the assistant's memory tools.
 */
import type { Config } from '../config.ts';
import { relationExists } from '../db/catalog.ts';
import type { Database } from '../db/database.ts';
import { unavailable, type DomainError } from '../domain/errors.ts';
import { loadKeyRing, type KeyRing } from '../keys/crypto.ts';
import { userKeyEmbedder, userProviderKey } from './byok.ts';
import { createEmbedder, embedderConfigFromEnv, type Embedder } from './embedders.ts';

export const ENABLE_HINT =
  'To enable the AI memory: install the pgvector extension on the PostgreSQL server (the embedded PGlite has it built in), ' +
  'unset TRIPSAGE_MEMORY=off (or set it to on), run `tripsage db migrate`, and restart the server.';

export interface MemoryAccess {
  /** Why the feature is unavailable (switched off, table absent), or null when it is on. */
  whyDisabled(): Promise<string | null>;
  /** 503 feature_disabled when the feature is off. */
  requireEnabled(): Promise<void>;
  embedderFor(userId: string): Embedder;
}

export function memoryDisabled(why: string): DomainError {
  return unavailable('feature_disabled', `${why}. ${ENABLE_HINT}`, { hint: ENABLE_HINT });
}

export function createMemoryAccess(deps: { config: Config; db: Database }, opts: { embedder?: Embedder } = {}): MemoryAccess {
  const embedderConfig = embedderConfigFromEnv(process.env);
  // The operator's provider and key; or, for the OpenAI-compatible provider without a key of the
  // server's own, each caller's stored `openai` key (BYOK, through the key vault).
  const shared = opts.embedder ?? (embedderConfig.provider === 'hashing' || embedderConfig.apiKey ? createEmbedder(embedderConfig) : undefined);
  let ring: KeyRing | undefined;
  let present = false;
  const whyDisabled = async (): Promise<string | null> => {
    if (!deps.config.memory) return 'the AI memory is switched off (TRIPSAGE_MEMORY=off)';
    if (present) return null;
    present = await relationExists(deps.db, 'public.memory_embeddings');
    return present ? null : 'the memory table public.memory_embeddings does not exist (the pgvector migration was skipped or has not run)';
  };
  return {
    whyDisabled,
    async requireEnabled() {
      const why = await whyDisabled();
      if (why) throw memoryDisabled(why);
    },
    embedderFor: (userId) =>
      shared ?? userKeyEmbedder(embedderConfig, () => userProviderKey(deps.db, (ring ??= loadKeyRing(deps.config)), userId)),
  };
}
