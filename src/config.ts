/**
 * Typed configuration, validated once at start-up from the environment and CLI flags (flags win).
 * Every setting is documented in docs/operations.md.
 */
import { z } from 'zod';

const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1');

const schema = z.object({
  databaseUrl: z.string().url().optional(),
  dataDir: z.string().min(1).default('./.tripsage/data'),
  memory: onOff.default(true),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8787),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse({
    databaseUrl: empty(flags.databaseUrl) ?? empty(env.DATABASE_URL),
    dataDir: empty(flags.dataDir) ?? empty(env.TRIPSAGE_DATA_DIR),
    memory: empty(env.TRIPSAGE_MEMORY?.toLowerCase()),
    host: empty(flags.host) ?? empty(env.HOST),
    port: flags.port ?? empty(env.PORT),
    logLevel: empty(env.LOG_LEVEL),
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
