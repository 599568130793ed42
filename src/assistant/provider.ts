/**
 * The assistant's language model, through the AI SDK's providers: an OpenAI-compatible endpoint
 * (OpenAI, OpenRouter, Ollama, LM Studio, vLLM…), OpenAI or Anthropic, configured by
 * TRIPSAGE_LLM_* (src/config.ts). Without a server key, the user's own stored key for the
 * provider is resolved through the key vault (BYOK) — once per turn, counted there.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { unavailable, unprocessable } from '../domain/errors.ts';
import { loadKeyRing, type KeyRing } from '../keys/crypto.ts';
import { DecryptError, KeyUnavailableError, resolveKey } from '../keys/resolve.ts';

export type ProviderName = 'openai-compatible' | 'openai' | 'anthropic';

/** Models used when TRIPSAGE_LLM_MODEL is unset (openai-compatible always names its model). */
export const DEFAULT_MODELS = { openai: 'gpt-4o-mini', anthropic: 'claude-3-5-haiku-latest' } as const;

export interface LlmSettings {
  provider: ProviderName;
  model: string;
  baseUrl?: string;
  serverKey?: string;
  /** service_name of the users' stored keys used when the server has no key. */
  keyService: string;
  /** Whether an operator chose the provider (otherwise: OpenAI with each user's own key). */
  configured: boolean;
}

export function llmSettings(config: Config): LlmSettings {
  const provider = config.llmProvider ?? 'openai';
  return {
    provider,
    model: config.llmModel ?? DEFAULT_MODELS[provider as keyof typeof DEFAULT_MODELS],
    baseUrl: config.llmBaseUrl,
    serverKey: config.llmApiKey,
    keyService: config.llmKeyService ?? (provider === 'anthropic' ? 'anthropic' : 'openai'),
    configured: config.llmProvider !== undefined,
  };
}

export interface ResolvedModel {
  model: LanguageModel;
  provider: string;
  modelId: string;
  /** Whose key pays: the server's, or the user's own (BYOK). Never the key itself. */
  key: 'server' | 'user';
}

export const CONFIGURE_HINT =
  'An operator sets TRIPSAGE_LLM_PROVIDER (openai-compatible | openai | anthropic), TRIPSAGE_LLM_MODEL, TRIPSAGE_LLM_API_KEY ' +
  '(or TRIPSAGE_LLM_API_KEY_FILE) and, for openai-compatible, TRIPSAGE_LLM_BASE_URL, then restarts the server (docs/assistant.md); ' +
  'or you store your own key: POST /api/v1/api-keys {"service_name":"SERVICE","key_name":"default","value":"<your key>"}.';

function build(s: LlmSettings, apiKey: string): LanguageModel {
  switch (s.provider) {
    case 'openai-compatible':
      return createOpenAICompatible({ name: 'openai-compatible', baseURL: s.baseUrl!, apiKey, includeUsage: true }).chatModel(s.model);
    case 'openai':
      // The Chat Completions API: what every OpenAI-compatible proxy also speaks.
      return createOpenAI({ apiKey, baseURL: s.baseUrl }).chat(s.model);
    case 'anthropic':
      return createAnthropic({ apiKey, baseURL: s.baseUrl }).languageModel(s.model);
  }
}

async function userKey(db: Database, ring: () => KeyRing, userId: string, s: LlmSettings): Promise<string> {
  const hint = CONFIGURE_HINT.replace('SERVICE', s.keyService);
  try {
    return (await resolveKey(db, userId, s.keyService, ring())).value;
  } catch (e) {
    if (e instanceof KeyUnavailableError && e.reason === 'missing') {
      const message = s.configured
        ? `the assistant is unavailable: the server has no API key for ${s.provider}, and you have not stored a "${s.keyService}" key`
        : `the assistant is unavailable: no language model provider is configured on this server, and you have not stored a "${s.keyService}" key`;
      throw unavailable('assistant_unavailable', message, { details: { reason: s.configured ? 'no_key' : 'no_provider', service: s.keyService }, hint, cause: e });
    }
    if (e instanceof KeyUnavailableError) {
      throw unavailable('assistant_unavailable', `the assistant is unavailable: ${e.message}`, {
        details: { reason: e.reason, service: s.keyService },
        hint: `store a new "${s.keyService}" key (POST /api/v1/api-keys), or renew the stored one: PATCH /api/v1/api-keys/{id} {"is_active":true,"expires_at":null}`,
        cause: e,
      });
    }
    if (e instanceof DecryptError) {
      throw unprocessable('api_key_unreadable', `your stored "${s.keyService}" API key cannot be decrypted: ${e.message}`, { hint: 'store the key again', cause: e });
    }
    throw e;
  }
}

export interface ModelSource {
  /** The model for this user's turn; resolves (and counts) their stored key when needed. */
  resolve(userId: string): Promise<ResolvedModel>;
}

export function modelSource(deps: { config: Config; db: Database; override?: LanguageModel }): ModelSource {
  const s = llmSettings(deps.config);
  let ring: KeyRing | undefined;
  return {
    async resolve(userId) {
      if (deps.override) {
        const m = deps.override as Exclude<LanguageModel, string>;
        return { model: m, provider: m.provider, modelId: m.modelId, key: 'server' };
      }
      const key = s.serverKey ?? (await userKey(deps.db, () => (ring ??= loadKeyRing(deps.config)), userId, s));
      return { model: build(s, key), provider: s.provider, modelId: s.model, key: s.serverKey ? 'server' : 'user' };
    },
  };
}
