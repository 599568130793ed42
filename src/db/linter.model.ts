/**
 * The linter's vocabulary: findings, the lints it implements (splinter's names, levels and
 * numbers), the context every check receives, and the catalog SQL fragments checks share.
 */

/** Runs one SQL statement with optional positional parameters. */
export type QueryFn = (text: string, params?: unknown[]) => Promise<{ rows: any[] }>;

export type LintLevel = 'ERROR' | 'WARN' | 'INFO';

export interface LintFinding {
  /** Splinter's lint name, e.g. `rls_disabled_in_public`. */
  name: string;
  level: LintLevel;
  title: string;
  detail: string;
  /** The object at fault: `schema.table`, `schema.table (policy name)`, `schema.fn(args)`, ... */
  object: string;
  remediation: string;
}

export interface LintOptions {
  /** Schemas exposed through the API. Default `['public', 'memory']`. */
  schemas?: string[];
}

export const DEFAULT_EXPOSED_SCHEMAS: readonly string[] = ['public', 'memory'];

export interface LintMeta {
  level: LintLevel;
  title: string;
  /** splinter's number, used for the documentation link. */
  id: string;
}

/** Every lint this module implements, by name. */
export const LINTS = {
  rls_disabled_in_public: { level: 'ERROR', title: 'RLS Disabled in Public', id: '0013' },
  policy_exists_rls_disabled: { level: 'ERROR', title: 'Policy Exists RLS Disabled', id: '0007' },
  security_definer_view: { level: 'ERROR', title: 'Security Definer View', id: '0010' },
  auth_users_exposed: { level: 'ERROR', title: 'Exposed Auth Users', id: '0002' },
  sensitive_columns_exposed: { level: 'ERROR', title: 'Sensitive Columns Exposed', id: '0023' },
  fkey_to_auth_unique: { level: 'ERROR', title: 'Foreign Key to Auth Unique Constraint', id: '0021' },
  auth_rls_initplan: { level: 'WARN', title: 'Auth RLS Initialization Plan', id: '0003' },
  function_search_path_mutable: { level: 'WARN', title: 'Function Search Path Mutable', id: '0011' },
  multiple_permissive_policies: { level: 'WARN', title: 'Multiple Permissive Policies', id: '0006' },
  duplicate_index: { level: 'WARN', title: 'Duplicate Index', id: '0009' },
  extension_in_public: { level: 'WARN', title: 'Extension in Public', id: '0014' },
  rls_policy_always_true: { level: 'WARN', title: 'RLS Policy Always True', id: '0024' },
  rls_policy_null_auth_disjunct: { level: 'WARN', title: 'RLS Policy True When Auth Is Null', id: '0030' },
  unindexed_foreign_keys: { level: 'INFO', title: 'Unindexed foreign keys', id: '0001' },
  rls_enabled_no_policy: { level: 'INFO', title: 'RLS Enabled No Policy', id: '0008' },
  no_primary_key: { level: 'INFO', title: 'No Primary Key', id: '0004' },
} as const satisfies Record<string, LintMeta>;

export type LintName = keyof typeof LINTS;

export function finding(name: LintName, object: string, detail: string, fix: string): LintFinding {
  const meta: LintMeta = LINTS[name];
  return {
    name,
    level: meta.level,
    title: meta.title,
    detail,
    object,
    remediation: `${fix} (see https://supabase.com/docs/guides/database/database-linter?lint=${meta.id}_${name})`,
  };
}

export const LEVEL_ORDER: Record<LintLevel, number> = { ERROR: 0, WARN: 1, INFO: 2 };

export interface Ctx {
  query: QueryFn;
  schemas: string[];
  bareAuthNames: boolean;
}

export type Check = (ctx: Ctx) => Promise<LintFinding[]>;

// Catalog SQL fragments

/** `true` when object `<oid>` of catalog `<catalog>` belongs to an extension. */
export const extOwned = (catalog: string, oid: string): string =>
  `exists (select 1 from pg_catalog.pg_depend dep where dep.classid = '${catalog}'::regclass and dep.objid = ${oid} and dep.deptype = 'e')`;

/** `true` when anon or authenticated may SELECT from relation `<oid>` (missing roles count as no). */
export const exposedToApi = (oid: string): string =>
  `exists (select 1 from pg_catalog.pg_roles api where api.rolname in ('anon', 'authenticated') and pg_catalog.has_table_privilege(api.oid, ${oid}, 'SELECT'))`;

export const SECURITY_INVOKER_ON = `lower(coalesce(c.reloptions::text, '{}'))::text[] && array['security_invoker=1', 'security_invoker=true', 'security_invoker=yes', 'security_invoker=on']`;

export const qname = (schema: string, name: string): string => `${schema}.${name}`;

/** Column-name fragments that mark a column as sensitive (splinter 0023's list plus a few). */
export const SENSITIVE_PATTERNS: readonly string[] = [
  // authentication & credentials
  'password', 'passwd', 'pwd', 'passphrase', 'secret', 'secret_key', 'private_key', 'api_key', 'apikey',
  'auth_key', 'token', 'jwt', 'access_token', 'refresh_token', 'oauth_token', 'session_token',
  'bearer_token', 'auth_code', 'session_id', 'session_key', 'session_secret', 'recovery_code',
  'backup_code', 'verification_code', 'otp', 'two_factor', '2fa_secret', '2fa_code',
  'encrypted', 'encryption_key', 'client_secret', 'hashed_password', 'password_hash',
  // personal identifiers
  'ssn', 'social_security', 'social_security_number', 'driver_license', 'drivers_license',
  'license_number', 'passport_number', 'passport_id', 'national_id', 'tax_id',
  // financial
  'credit_card', 'card_number', 'cvv', 'cvc', 'cvn', 'bank_account', 'account_number',
  'routing_number', 'iban', 'swift_code', 'bic',
  // health
  'health_record', 'medical_record', 'patient_id', 'insurance_number', 'health_insurance',
  'medical_insurance', 'treatment',
  // devices, keys, biometrics
  'mac_address', 'macaddr', 'imei', 'device_uuid', 'pgp_key', 'gpg_key', 'ssh_key', 'certificate',
  'license_key', 'activation_key', 'facial_recognition',
];

/**
 * Splinter matches the whole column name against its list. We also match a pattern appearing as
 * a run of `_`-separated words inside the name (`password_hash`, `stripe_api_key`,
 * `encrypted_password`), which catches the common variants.
 */
export function sensitivePattern(column: string): string | undefined {
  const words = `_${column.toLowerCase().replace(/-/g, '_')}_`;
  return SENSITIVE_PATTERNS.find((p) => words.includes(`_${p}_`));
}
