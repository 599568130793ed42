/**
 * Typed configuration, validated once at start-up from the environment and CLI flags (flags win).
 * Every setting is documented in docs/operations.md.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1');

/**
 * `false`, `true` (trust every proxy: only when the server is reachable through proxies alone), or
 * comma-separated proxy addresses/CIDRs (or proxy-addr's names loopback, linklocal, uniquelocal).
 * A hop count is not offered: Fastify refuses to trust hops it cannot check.
 */
const trustProxySchema = z.string().transform((v, ctx): boolean | string[] => {
  const t = v.trim().toLowerCase();
  if (t === 'false' || t === 'off' || t === '0' || t === '') return false;
  if (t === 'true' || t === 'on') return true;
  const list = t.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.every((a) => /^([0-9a-f.:]+(\/\d{1,3})?|loopback|linklocal|uniquelocal)$/.test(a))) return list;
  ctx.addIssue({ code: 'custom', message: 'false, true, or comma-separated proxy addresses/CIDRs (or loopback, linklocal, uniquelocal)' });
  return z.NEVER;
});

const schema = z
  .object({
    databaseUrl: z.string().url().optional(),
    migrationDatabaseUrl: z.string().url().optional(),
    dataDir: z.string().min(1).default('./.tripsage/data'),
    memory: onOff.default(true),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(8787),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** local: TripSage issues tokens (/auth/v1). external: it only verifies a Supabase project's. */
    authMode: z.enum(['local', 'external']).default('local'),
    jwtSecret: z.string().min(32, 'must be at least 32 characters').optional(),
    jwksUrl: z.string().url().optional(),
    jwtAudience: z.string().min(1).default('authenticated'),
    jwtIssuer: z.string().min(1).optional(),
    jwtExpirySeconds: z.coerce.number().int().min(30).max(86_400 * 7).default(3600),
    publicUrl: z.string().url().optional(),
    corsOrigins: z.string().default(''),
    bodyLimitBytes: z.coerce.number().int().min(1024).default(1_048_576),
    authRateLimitPerMinute: z.coerce.number().int().min(1).default(30),
    /** Fastify's trustProxy: which proxies' X-Forwarded-For to believe (docs/operations.md). */
    trustProxy: trustProxySchema.default(false),
    /** Require Supabase's `apikey` header (the anon or service key) on /auth/v1 and /rest/v1. */
    requireApikey: onOff.default(false),
    /** GoTrue's settings: sign-ups allowed, anonymous sign-ins allowed. */
    authSignup: onOff.default(true),
    authAnonymous: onOff.default(false),
    /** A password change needs a sign-in this recent (seconds), or a /reauthenticate nonce. */
    authReauthWindowSeconds: z.coerce.number().int().min(0).max(86_400).default(600),
    /** Lifetime of emailed codes and links (recovery, email change, reauthentication). */
    authOtpExpirySeconds: z.coerce.number().int().min(60).max(86_400).default(3600),
    /** At most one email of a kind per user per this many seconds (GoTrue's max_frequency). */
    authEmailIntervalSeconds: z.coerce.number().int().min(0).max(3600).default(60),
    /** Where users land after an emailed link (GET /auth/v1/verify), and the allowed redirect_to URLs. */
    siteUrl: z.string().url().optional(),
    authRedirectUrls: z.string().default(''),
    /** Signing of access tokens in local mode: the HS256 secret, or an ES256 key published as a JWKS. */
    jwtAlgorithm: z.enum(['HS256', 'ES256']).default('HS256'),
    jwtPrivateKey: z.string().min(1).optional(),
    /** Mail: SMTP when configured, otherwise .eml files in the outbox directory. */
    smtpUrl: z.string().url().optional(),
    mailFrom: z.string().min(3).default('TripSage <noreply@localhost>'),
    mailOutbox: z.string().min(1).optional(),
    /** `VERSION:BASE64KEY,…` (32-byte keys); the highest version encrypts, all decrypt. */
    encryptionKeys: z.string().min(1).optional(),
    /** Requests waiting for or holding a database transaction beyond this get 503 + Retry-After. */
    maxPendingTransactions: z.coerce.number().int().min(1).default(256),
    /** Event-loop delay (ms) beyond which requests get 503 + Retry-After; 0 turns the check off. */
    maxEventLoopDelayMs: z.coerce.number().int().min(0).default(1000),
    /** HTTP processes of `tripsage serve` (server mode); default one per CPU core. */
    workers: z.coerce.number().int().min(1).optional(),
    /** No statement of a request may run longer (ms); 0 turns it off. */
    statementTimeoutMs: z.coerce.number().int().min(0).default(120_000),
    /** Prepared statements per PostgreSQL connection; 0 for a transaction pooler that cannot keep them. */
    pgPreparedStatements: z.coerce.number().int().min(0).max(10_000).default(100),
    /** The in-process scheduler of daily jobs (where pg_cron does not schedule them). */
    jobs: onOff.default(true),
    jobsFirstCheckMs: z.coerce.number().int().min(0).default(10_000),
    /** The assistant's language model (docs/assistant.md). Unset: OpenAI with each user's own key. */
    llmProvider: z.enum(['openai-compatible', 'openai', 'anthropic']).optional(),
    llmBaseUrl: z.string().url().optional(),
    llmModel: z.string().min(1).max(200).optional(),
    llmApiKey: z.string().min(1).optional(),
    /** The service_name of users' stored keys (BYOK) when the server has no key of its own. */
    llmKeyService: z.string().min(1).max(100).optional(),
    /** Per provider call (one step of a turn), in milliseconds. */
    llmTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(60_000),
    /** Retries of a provider call on 429/5xx, with exponential backoff (Retry-After honoured). */
    llmMaxRetries: z.coerce.number().int().min(0).max(5).default(2),
    /** Model calls per turn at most (each tool round is one step). */
    assistantMaxSteps: z.coerce.number().int().min(1).max(32).default(8),
    /** Assistant turns per minute per user (429 beyond it). */
    assistantRateLimitPerMinute: z.coerce.number().int().min(1).default(20),
    /** /rest/v1: the exposed schemas (the first is the default), comma-separated. */
    restSchemas: z.string().regex(/^\s*[^,\s]+(\s*,\s*[^,\s]+)*\s*$/, 'a comma-separated list of schema names').default('public'),
    /** /rest/v1: no response (nor embedded list) carries more rows than this (PostgREST's db-max-rows). */
    restMaxRows: z.coerce.number().int().min(1).default(1000),
    /** /rest/v1: Accept: application/vnd.pgrst.plan (EXPLAIN) allowed (PostgREST's db-plan-enabled). */
    restPlans: onOff.default(false),
    /** /rest/v1: aggregate functions in select (PostgREST's db-aggregates-enabled). */
    restAggregates: onOff.default(false),
    /** /rest/v1: statement_timeout of each request's transaction (server backend; PGlite cannot interrupt). */
    restStatementTimeoutMs: z.coerce.number().int().min(0).default(10_000),
  })
  .superRefine((c, ctx) => {
    if (c.authMode === 'external' && !c.jwtSecret && !c.jwksUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['authMode'],
        message: 'TRIPSAGE_AUTH=external needs TRIPSAGE_JWKS_URL or TRIPSAGE_JWT_SECRET (the Supabase project\'s)',
      });
    }
    if (!c.llmProvider && (c.llmBaseUrl || c.llmModel || c.llmApiKey)) {
      ctx.addIssue({ code: 'custom', path: ['llmProvider'], message: 'TRIPSAGE_LLM_BASE_URL, _MODEL and _API_KEY need TRIPSAGE_LLM_PROVIDER (openai-compatible | openai | anthropic)' });
    }
    if (c.llmProvider === 'openai-compatible' && (!c.llmBaseUrl || !c.llmModel)) {
      ctx.addIssue({ code: 'custom', path: ['llmProvider'], message: 'TRIPSAGE_LLM_PROVIDER=openai-compatible needs TRIPSAGE_LLM_BASE_URL (e.g. http://127.0.0.1:11434/v1) and TRIPSAGE_LLM_MODEL' });
    }
  });

export type Config = z.infer<typeof schema>;

export interface ConfigFlags {
  databaseUrl?: string;
  dataDir?: string;
  host?: string;
  port?: string | number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const empty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

/** `NAME` or, failing that, the trimmed contents of the file named by `NAME_FILE`. */
function secretFrom(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const direct = empty(env[name]);
  if (direct) return direct;
  const file = empty(env[`${name}_FILE`]);
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new ConfigError(`${name}_FILE=${file} cannot be read: ${(e as Error).message}`);
  }
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse({
    databaseUrl: empty(flags.databaseUrl) ?? empty(env.DATABASE_URL),
    migrationDatabaseUrl: empty(env.TRIPSAGE_MIGRATION_DATABASE_URL),
    dataDir: empty(flags.dataDir) ?? empty(env.TRIPSAGE_DATA_DIR),
    memory: empty(env.TRIPSAGE_MEMORY?.toLowerCase()),
    host: empty(flags.host) ?? empty(env.HOST),
    port: flags.port ?? empty(env.PORT),
    logLevel: empty(env.LOG_LEVEL),
    authMode: empty(env.TRIPSAGE_AUTH),
    jwtSecret: secretFrom(env, 'TRIPSAGE_JWT_SECRET'),
    jwksUrl: empty(env.TRIPSAGE_JWKS_URL),
    jwtAudience: empty(env.TRIPSAGE_JWT_AUDIENCE),
    jwtIssuer: empty(env.TRIPSAGE_JWT_ISSUER),
    jwtExpirySeconds: empty(env.TRIPSAGE_JWT_EXPIRY),
    publicUrl: empty(env.TRIPSAGE_PUBLIC_URL),
    corsOrigins: empty(env.TRIPSAGE_CORS_ORIGINS),
    bodyLimitBytes: empty(env.TRIPSAGE_BODY_LIMIT),
    authRateLimitPerMinute: empty(env.TRIPSAGE_AUTH_RATE_LIMIT),
    trustProxy: empty(env.TRIPSAGE_TRUST_PROXY),
    requireApikey: empty(env.TRIPSAGE_REQUIRE_APIKEY?.toLowerCase()),
    authSignup: empty(env.TRIPSAGE_AUTH_SIGNUP?.toLowerCase()),
    authAnonymous: empty(env.TRIPSAGE_AUTH_ANONYMOUS?.toLowerCase()),
    authReauthWindowSeconds: empty(env.TRIPSAGE_AUTH_REAUTH_WINDOW),
    authOtpExpirySeconds: empty(env.TRIPSAGE_AUTH_OTP_EXPIRY),
    authEmailIntervalSeconds: empty(env.TRIPSAGE_AUTH_EMAIL_INTERVAL),
    siteUrl: empty(env.TRIPSAGE_SITE_URL),
    authRedirectUrls: empty(env.TRIPSAGE_AUTH_REDIRECT_URLS),
    jwtAlgorithm: empty(env.TRIPSAGE_JWT_ALG?.toUpperCase()),
    jwtPrivateKey: secretFrom(env, 'TRIPSAGE_JWT_PRIVATE_KEY'),
    smtpUrl: secretFrom(env, 'TRIPSAGE_SMTP_URL'),
    mailFrom: empty(env.TRIPSAGE_MAIL_FROM),
    mailOutbox: empty(env.TRIPSAGE_MAIL_OUTBOX),
    encryptionKeys: secretFrom(env, 'TRIPSAGE_ENCRYPTION_KEYS'),
    maxPendingTransactions: empty(env.TRIPSAGE_MAX_PENDING_TX),
    maxEventLoopDelayMs: empty(env.TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS),
    statementTimeoutMs: empty(env.TRIPSAGE_STATEMENT_TIMEOUT_MS),
    pgPreparedStatements: empty(env.TRIPSAGE_PG_PREPARED_STATEMENTS),
    workers: empty(env.TRIPSAGE_WORKERS),
    jobs: empty(env.TRIPSAGE_JOBS?.toLowerCase()),
    jobsFirstCheckMs: empty(env.TRIPSAGE_JOBS_FIRST_CHECK_MS),
    llmProvider: empty(env.TRIPSAGE_LLM_PROVIDER?.toLowerCase()),
    llmBaseUrl: empty(env.TRIPSAGE_LLM_BASE_URL),
    llmModel: empty(env.TRIPSAGE_LLM_MODEL),
    llmApiKey: secretFrom(env, 'TRIPSAGE_LLM_API_KEY'),
    llmKeyService: empty(env.TRIPSAGE_LLM_KEY_SERVICE),
    llmTimeoutMs: empty(env.TRIPSAGE_LLM_TIMEOUT_MS),
    llmMaxRetries: empty(env.TRIPSAGE_LLM_MAX_RETRIES),
    assistantMaxSteps: empty(env.TRIPSAGE_ASSISTANT_MAX_STEPS),
    assistantRateLimitPerMinute: empty(env.TRIPSAGE_ASSISTANT_RATE_LIMIT),
    restSchemas: empty(env.TRIPSAGE_REST_SCHEMAS),
    restMaxRows: empty(env.TRIPSAGE_REST_MAX_ROWS),
    restPlans: empty(env.TRIPSAGE_REST_PLAN?.toLowerCase()),
    restAggregates: empty(env.TRIPSAGE_REST_AGGREGATES?.toLowerCase()),
    restStatementTimeoutMs: empty(env.TRIPSAGE_REST_STATEMENT_TIMEOUT_MS),
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
