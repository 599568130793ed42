/**
 * Bring-your-own-key embeddings: where the operator configured the OpenAI-compatible provider
 * without a key of its own, each user's requests embed with that user's stored `openai` key,
 * resolved (and counted) through the key vault only when a text actually needs embedding.
 */
import type { Database } from '../db/database.ts';
import { invalid, unprocessable } from '../domain/errors.ts';
import type { KeyRing } from '../keys/crypto.ts';
import { DecryptError, KeyUnavailableError, resolveKey } from '../keys/resolve.ts';
import { createEmbedder, type Embedder, type EmbedderConfig } from './embedders.ts';

export const BYOK_SERVICE = 'openai';

export async function userProviderKey(db: Database, ring: KeyRing, userId: string): Promise<string> {
  try {
    return (await resolveKey(db, userId, BYOK_SERVICE, ring)).value;
  } catch (e) {
    if (e instanceof KeyUnavailableError) {
      throw invalid('api_key_unavailable', `embedding needs your "${BYOK_SERVICE}" API key: ${e.message}`, {
        details: { reason: e.reason },
        hint: `store one with POST /api/v1/api-keys {"service_name":"${BYOK_SERVICE}","key_name":"…","value":"…"} (or the operator sets TRIPSAGE_EMBEDDINGS_API_KEY)`,
        cause: e,
      });
    }
    if (e instanceof DecryptError) {
      throw unprocessable('api_key_unreadable', `your stored "${BYOK_SERVICE}" API key cannot be decrypted: ${e.message}`, { hint: 'store the key again', cause: e });
    }
    throw e;
  }
}

/** An embedder that resolves the caller's key on first use (a search by vector never does). */
export function userKeyEmbedder(config: EmbedderConfig, key: () => Promise<string>): Embedder {
  let inner: Embedder | undefined;
  return {
    model: config.model,
    get dimension() {
      return inner?.dimension ?? null;
    },
    async embed(texts) {
      inner ??= createEmbedder({ ...config, apiKey: await key() });
      return inner.embed(texts);
    },
  };
}
