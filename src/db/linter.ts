/**
 * Our own port of the Supabase database linter ("splinter", github.com/supabase/splinter), run by
 * `tripsage db verify` against a live database (PGlite or PostgreSQL 15+).
 *
 * Each check keeps splinter's lint name and level and follows the logic of its SQL file
 * (lints/00NN_<name>.sql), simplified where splinter depends on Supabase-only objects:
 * - "exposed schemas" are `opts.schemas` (default `public`, `memory`) instead of the
 *   `pgrst.db_schemas` setting; the table-level checks are all scoped to them;
 * - "exposed to the API" means `anon` or `authenticated` holds SELECT on the relation (as in
 *   splinter); a role that does not exist simply counts as not having the privilege.
 *
 * Only catalog columns present in PostgreSQL 15 are read, so the same queries run on native
 * PostgreSQL 15+ and on PGlite (PostgreSQL 18).
 *
 * The policy checks (auth_rls_initplan, rls_policy_always_true, rls_policy_null_auth_disjunct)
 * inspect the deparsed policy text (what `pg_policies.qual` / `with_check` show, i.e.
 * `pg_get_expr(polqual, polrelid)`), as splinter does, but with a small paren/quote-aware scanner
 * in TypeScript instead of splinter's LIKE / regexp patterns. Note that the deparsed text
 * schema-qualifies a function only when its schema is not on the session's search_path, so when
 * `auth` is on the search_path the calls appear as bare `uid()`; we detect that and accept the
 * bare form too.
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

interface LintMeta {
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

function finding(name: LintName, object: string, detail: string, fix: string): LintFinding {
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

// ---------------------------------------------------------------------------------------------
// SQL fragments
// ---------------------------------------------------------------------------------------------

/** `true` when object `<oid>` of catalog `<catalog>` belongs to an extension. */
const extOwned = (catalog: string, oid: string): string =>
  `exists (select 1 from pg_catalog.pg_depend dep where dep.classid = '${catalog}'::regclass and dep.objid = ${oid} and dep.deptype = 'e')`;

/** `true` when anon or authenticated may SELECT from relation `<oid>` (missing roles count as no). */
const exposedToApi = (oid: string): string =>
  `exists (select 1 from pg_catalog.pg_roles api where api.rolname in ('anon', 'authenticated') and pg_catalog.has_table_privilege(api.oid, ${oid}, 'SELECT'))`;

const SECURITY_INVOKER_ON = `lower(coalesce(c.reloptions::text, '{}'))::text[] && array['security_invoker=1', 'security_invoker=true', 'security_invoker=yes', 'security_invoker=on']`;

const qname = (schema: string, name: string): string => `${schema}.${name}`;

/** Column-name fragments that mark a column as sensitive (splinter 0023's list plus a few). */
const SENSITIVE_PATTERNS: readonly string[] = [
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
function sensitivePattern(column: string): string | undefined {
  const words = `_${column.toLowerCase().replace(/-/g, '_')}_`;
  return SENSITIVE_PATTERNS.find((p) => words.includes(`_${p}_`));
}

// ---------------------------------------------------------------------------------------------
// Policy-expression text analysis
// ---------------------------------------------------------------------------------------------

interface ParenGroup {
  /** Top-level text of the group (nested groups and quoted text blanked out). */
  top: string;
  parent: number;
}

interface Scan {
  groups: ParenGroup[];
  /** Same length as the input: depth-0 text, with quoted text and parenthesised text blanked. */
  masked: string;
  /** For each character position, the index of the innermost enclosing group (-1 at depth 0). */
  groupAt: Int32Array;
  /** For each `(`, the index of the matching `)` (or -1). */
  closeOf: Map<number, number>;
}

/** A paren- and quote-aware scan of a deparsed SQL expression. */
function scan(expr: string): Scan {
  const groups: ParenGroup[] = [];
  const groupAt = new Int32Array(expr.length).fill(-1);
  const closeOf = new Map<number, number>();
  const stack: { group: number; open: number }[] = [];
  let masked = '';
  let i = 0;
  const append = (s: string, at: number) => {
    const cur = stack[stack.length - 1];
    if (cur) {
      const g = groups[cur.group]!;
      g.top += s;
      groupAt.fill(cur.group, at, at + s.length);
      masked += ' '.repeat(s.length);
    } else {
      masked += s;
    }
  };
  while (i < expr.length) {
    const ch = expr[i]!;
    if (ch === "'" || ch === '"') {
      // quoted literal or identifier; a doubled quote is an escaped one
      let j = i + 1;
      while (j < expr.length) {
        if (expr[j] === ch) {
          if (expr[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      const len = Math.min(j, expr.length - 1) - i + 1;
      // keep the quotes, blank the content (so keywords inside strings are never seen)
      append(ch + '_'.repeat(Math.max(0, len - 2)) + (len > 1 ? ch : ''), i);
      i += len;
      continue;
    }
    if (ch === '(') {
      append(' ', i);
      const parent = stack[stack.length - 1]?.group ?? -1;
      groups.push({ top: '', parent });
      stack.push({ group: groups.length - 1, open: i });
      i++;
      continue;
    }
    if (ch === ')') {
      const cur = stack.pop();
      if (cur) closeOf.set(cur.open, i);
      append(' ', i);
      i++;
      continue;
    }
    append(ch, i);
    i++;
  }
  return { groups, masked, groupAt, closeOf };
}

/** Removes parentheses enclosing the whole expression: `((a = b))` -> `a = b`. */
function stripOuterParens(expr: string): string {
  let s = expr.trim();
  for (;;) {
    if (!s.startsWith('(')) return s;
    const close = scan(s).closeOf.get(0);
    if (close !== s.length - 1) return s;
    s = s.slice(1, -1).trim();
  }
}

/** Splits on a connective (`OR` / `AND`) at the top level only. */
function splitTopLevel(expr: string, connective: 'OR' | 'AND'): string[] {
  const { masked } = scan(expr);
  const re = new RegExp(`\\s${connective}\\s`, 'gi');
  const parts: string[] = [];
  let last = 0;
  for (const m of masked.matchAll(re)) {
    parts.push(expr.slice(last, m.index));
    last = m.index + m[0].length;
  }
  parts.push(expr.slice(last));
  return parts.map((p) => p.trim());
}

/** Builds the regexps for auth calls; `bare` also accepts unqualified names (auth on search_path). */
function authCallSources(bare: boolean): { call: string; nullableCall: string } {
  const schema = bare ? '(?:auth\\.)?' : 'auth\\.';
  return {
    // auth.uid() / auth.jwt() / auth.role() / auth.email() / current_setting(...)
    call: `(?<![\\w."$])(?:${schema}(?:uid|jwt|role|email)\\(\\)|current_setting\\()`,
    // calls that return NULL for an anonymous session (current_setting(x) without `true` raises)
    nullableCall: `(?<![\\w."$])(?:${schema}(?:uid|jwt|role|email)\\(\\)|current_setting\\([^()]*,\\s*true\\))`,
  };
}

/**
 * The auth calls in `expr` that are NOT wrapped in a scalar `( SELECT ... )` sub-select, i.e. that
 * are evaluated per row (splinter 0003). A call counts as wrapped when the innermost sub-select
 * around it has no FROM (a scalar sub-select becomes an InitPlan, evaluated once); a call inside a
 * correlated `EXISTS (SELECT 1 FROM ... WHERE x = auth.uid())` is still evaluated per row.
 */
export function unwrappedAuthCalls(expr: string, bareAuthNames = false): string[] {
  const { groups, groupAt } = scan(expr);
  const re = new RegExp(authCallSources(bareAuthNames).call, 'gi');
  const found: string[] = [];
  for (const m of expr.matchAll(re)) {
    // skip matches that lie inside quoted text (the scanner blanks those in group text only,
    // so re-check against the raw quotes)
    if (insideQuotes(expr, m.index)) continue;
    let g = m.index < groupAt.length ? groupAt[m.index]! : -1;
    let wrapped = false;
    while (g >= 0) {
      const group = groups[g]!;
      if (/^\s*select\b/i.test(group.top)) {
        wrapped = !/\bfrom\b/i.test(group.top);
        break;
      }
      g = group.parent;
    }
    if (!wrapped) found.push(m[0].replace(/\($/, '(...)'));
  }
  return found;
}

function insideQuotes(expr: string, at: number): boolean {
  let quote: string | null = null;
  for (let i = 0; i < at; i++) {
    const ch = expr[i]!;
    if (quote) {
      if (ch === quote) {
        if (expr[i + 1] === quote) i++;
        else quote = null;
      }
    } else if (ch === "'" || ch === '"') quote = ch;
  }
  return quote !== null;
}

/** `auth.uid() IS NULL`, `( SELECT auth.uid() AS uid) IS NULL`, `NOT (auth.uid() IS NOT NULL)`... */
function isNullAuthCheck(disjunct: string, bareAuthNames: boolean): boolean {
  const nullable = new RegExp(authCallSources(bareAuthNames).nullableCall, 'i');
  let d = stripOuterParens(disjunct);
  let operand: string | undefined;
  const isNull = /^([\s\S]*\S)\s+IS\s+NULL$/i.exec(d);
  if (isNull) operand = isNull[1];
  else {
    const not = /^NOT\s+([\s\S]*)$/i.exec(d);
    if (not) {
      d = stripOuterParens(not[1]!);
      const isNotNull = /^([\s\S]*\S)\s+IS\s+NOT\s+NULL$/i.exec(d);
      if (isNotNull) operand = isNotNull[1];
    }
  }
  if (operand === undefined) return false;
  // the operand must be a single term (no top-level connective) ...
  if (/\s(AND|OR)\s/i.test(scan(operand).masked)) return false;
  let op = stripOuterParens(operand);
  // ... optionally a scalar sub-select `SELECT <call> AS x` (no FROM) ...
  const sub = /^SELECT\s+([\s\S]*?)(?:\s+AS\s+\w+)?$/i.exec(op);
  if (sub && !/\bfrom\b/i.test(scan(op).masked)) op = sub[1]!;
  // ... of a nullable auth function call
  return nullable.test(op);
}

/** `true` when the top-level connective of `expr` is OR and one disjunct is a null-auth check. */
export function hasNullAuthDisjunct(expr: string, bareAuthNames = false): boolean {
  const disjuncts = splitTopLevel(stripOuterParens(expr), 'OR');
  if (disjuncts.length < 2) return false;
  return disjuncts.some((d) => isNullAuthCheck(d, bareAuthNames));
}

/** Literally `true` / `1 = 1` once whitespace, case and outer parentheses are gone (splinter 0024). */
export function isLiterallyTrue(expr: string | null): boolean {
  if (expr == null) return false;
  const norm = expr.toLowerCase().replace(/\s+/g, '');
  return ['true', '(true)', '1=1', '(1=1)', "'t'::boolean", "('t'::boolean)"].includes(norm);
}

// ---------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------

interface Ctx {
  query: QueryFn;
  schemas: string[];
  bareAuthNames: boolean;
}

type Check = (ctx: Ctx) => Promise<LintFinding[]>;

/** 0013: a table in an exposed schema without row level security. */
const rlsDisabledInPublic: Check = async ({ query, schemas }) => {
  const { rows } = await query(
    `select n.nspname as schema, c.relname as name
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any($1::text[]) and not c.relrowsecurity
        and not ${extOwned('pg_class', 'c.oid')}
      order by 1, 2`,
    [schemas],
  );
  return rows.map((r) =>
    finding(
      'rls_disabled_in_public',
      qname(r.schema, r.name),
      `Table \`${r.schema}.${r.name}\` is in an exposed schema but RLS has not been enabled.`,
      `alter table ${r.schema}.${r.name} enable row level security, then add policies`,
    ),
  );
};

/** 0007: policies exist but RLS is off, so they are silently ignored. */
const policyExistsRlsDisabled: Check = async ({ query, schemas }) => {
  const { rows } = await query(
    `select n.nspname as schema, c.relname as name, string_agg(p.polname, ', ' order by p.polname) as policies
       from pg_catalog.pg_policy p
       join pg_catalog.pg_class c on c.oid = p.polrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any($1::text[]) and not c.relrowsecurity
      group by n.nspname, c.relname
      order by 1, 2`,
    [schemas],
  );
  return rows.map((r) =>
    finding(
      'policy_exists_rls_disabled',
      qname(r.schema, r.name),
      `Table \`${r.schema}.${r.name}\` has RLS policies but RLS is not enabled on the table. Policies include ${r.policies}.`,
      `alter table ${r.schema}.${r.name} enable row level security`,
    ),
  );
};

/** 0010: a view reachable by anon/authenticated that runs with its owner's rights. */
const securityDefinerView: Check = async ({ query, schemas }) => {
  const { rows } = await query(
    `select n.nspname as schema, c.relname as name
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'v' and n.nspname = any($1::text[])
        and ${exposedToApi('c.oid')}
        and not ${extOwned('pg_class', 'c.oid')}
        and not (${SECURITY_INVOKER_ON})
      order by 1, 2`,
    [schemas],
  );
  return rows.map((r) =>
    finding(
      'security_definer_view',
      qname(r.schema, r.name),
      `View \`${r.schema}.${r.name}\` is defined with the SECURITY DEFINER property (no security_invoker): it enforces the permissions and RLS policies of the view owner, not of the querying user.`,
      `alter view ${r.schema}.${r.name} set (security_invoker = true)`,
    ),
  );
};

/** 0002: a view / materialized view over auth.users that anon or authenticated can read. */
const authUsersExposed: Check = async ({ query, schemas }) => {
  const { rows } = await query(
    `select n.nspname as schema, c.relname as name, c.relkind::text as kind,
            string_agg(distinct api.rolname, ', ') as exposed_to
       from pg_catalog.pg_class au
       join pg_catalog.pg_namespace aun on aun.oid = au.relnamespace and aun.nspname = 'auth' and au.relname = 'users'
       join pg_catalog.pg_depend d on d.refobjid = au.oid and d.classid = 'pg_rewrite'::regclass and d.deptype = 'n'
       join pg_catalog.pg_rewrite r on r.oid = d.objid
       join pg_catalog.pg_class c on c.oid = r.ev_class
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       join pg_catalog.pg_roles api on api.rolname in ('anon', 'authenticated')
                                   and pg_catalog.has_table_privilege(api.oid, c.oid, 'SELECT')
      where c.relkind in ('v', 'm') and n.nspname = any($1::text[])
        and (
          c.relkind = 'm'                                   -- no RLS on materialized views
          or not (${SECURITY_INVOKER_ON})                   -- security definer view
          or not au.relrowsecurity                          -- invoker view, but auth.users has no RLS
        )
      group by n.nspname, c.relname, c.relkind
      order by 1, 2`,
    [schemas],
  );
  return rows.map((r) =>
    finding(
      'auth_users_exposed',
      qname(r.schema, r.name),
      `${r.kind === 'm' ? 'Materialized view' : 'View'} \`${r.schema}.${r.name}\` in an exposed schema may expose \`auth.users\` data to ${r.exposed_to}.`,
      `revoke select on ${r.schema}.${r.name} from anon, authenticated, or move it to a private schema; expose only the columns you need through a security_invoker view or a security definer function`,
    ),
  );
};

/** 0023: an API-readable table without RLS that has credential/PII-looking columns. */
const sensitiveColumnsExposed: Check = async ({ query, schemas }) => {
  const { rows } = await query(
    `select n.nspname as schema, c.relname as name, a.attname as column
       from pg_catalog.pg_class c
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relkind in ('r', 'p') and n.nspname = any($1::text[]) and not c.relrowsecurity
        and ${exposedToApi('c.oid')}
        and not ${extOwned('pg_class', 'c.oid')}
      order by 1, 2, a.attnum`,
    [schemas],
  );
  const byTable = new Map<string, string[]>();
  for (const r of rows as { schema: string; name: string; column: string }[]) {
    if (!sensitivePattern(r.column)) continue;
    const key = qname(r.schema, r.name);
    byTable.set(key, [...(byTable.get(key) ?? []), r.column]);
  }
  return [...byTable.entries()].map(([key, columns]) =>
    finding(
      'sensitive_columns_exposed',
      key,
      `Table \`${key}\` is exposed via the API without RLS and contains potentially sensitive column(s): ${columns.join(', ')}.`,
      `alter table ${key} enable row level security and add policies, or revoke access from anon/authenticated`,
    ),
  );
};

/** 0021: a foreign key to a unique constraint of auth.users other than its primary key. */
const fkeyToAuthUnique: Check = async ({ query }) => {
  const { rows } = await query(
    `select n.nspname as schema, cr.relname as name, c.conname as fkey,
            rn.nspname || '.' || rr.relname as target, ir.relname as index
       from pg_catalog.pg_constraint c
       join pg_catalog.pg_class cr on cr.oid = c.conrelid
       join pg_catalog.pg_namespace n on n.oid = cr.relnamespace
       join pg_catalog.pg_class rr on rr.oid = c.confrelid
       join pg_catalog.pg_namespace rn on rn.oid = rr.relnamespace
       join pg_catalog.pg_index i on i.indexrelid = c.conindid
       join pg_catalog.pg_class ir on ir.oid = i.indexrelid
      where c.contype = 'f' and rn.nspname = 'auth' and n.nspname <> 'auth'
        and i.indisunique and not i.indisprimary
      order by 1, 2, 3`,
  );
  return rows.map((r) =>
    finding(
      'fkey_to_auth_unique',
      `${qname(r.schema, r.name)} (${r.fkey})`,
      `Table \`${r.schema}.${r.name}\` has a foreign key \`${r.fkey}\` referencing the auth unique constraint/index \`${r.index}\` on \`${r.target}\` (not its primary key); such keys can change and block auth schema updates.`,
      `alter table ${r.schema}.${r.name} drop constraint ${r.fkey}; reference ${r.target}(id) instead`,
    ),
  );
};

/** The policies of the exposed schemas, with their deparsed expressions (like pg_policies). */
async function loadPolicies(ctx: Ctx) {
  const { rows } = await ctx.query(
    `select n.nspname as schema, c.relname as name, p.polname as policy, c.relrowsecurity as rls,
            p.polpermissive as permissive,
            case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE'
                          when 'd' then 'DELETE' when '*' then 'ALL' end as command,
            pg_catalog.pg_get_expr(p.polqual, p.polrelid) as qual,
            pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as with_check,
            coalesce((select string_agg(case when x.r = 0 then 'public' else pg_catalog.quote_ident(ro.rolname) end, ', ' order by x.r)
                        from unnest(p.polroles) as x(r) left join pg_catalog.pg_roles ro on ro.oid = x.r), '') as roles,
            (0::oid = any(p.polroles)
              or exists (select 1 from pg_catalog.pg_roles ro
                          where ro.oid = any(p.polroles) and ro.rolname <> 'service_role' and not ro.rolbypassrls)
            ) as applies_to_clients
       from pg_catalog.pg_policy p
       join pg_catalog.pg_class c on c.oid = p.polrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any($1::text[])
      order by 1, 2, 3`,
    [ctx.schemas],
  );
  return rows as {
    schema: string;
    name: string;
    policy: string;
    rls: boolean;
    permissive: boolean;
    command: 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'ALL';
    qual: string | null;
    with_check: string | null;
    roles: string;
    applies_to_clients: boolean;
  }[];
}

type PolicyRow = Awaited<ReturnType<typeof loadPolicies>>[number];
type PolicyCheck = (ctx: Ctx, policies: PolicyRow[]) => LintFinding[];

/** 0003: auth.<fn>() / current_setting() evaluated per row instead of once via `(select ...)`. */
const authRlsInitplan: PolicyCheck = (ctx, policies) =>
  policies
    .filter((p) => p.rls)
    .flatMap((p) => {
      const calls = [
        ...(p.qual ? unwrappedAuthCalls(p.qual, ctx.bareAuthNames) : []),
        ...(p.with_check ? unwrappedAuthCalls(p.with_check, ctx.bareAuthNames) : []),
      ];
      if (calls.length === 0) return [];
      const list = [...new Set(calls)].join(', ');
      return [
        finding(
          'auth_rls_initplan',
          `${qname(p.schema, p.name)} (${p.policy})`,
          `Table \`${p.schema}.${p.name}\` has a row level security policy \`${p.policy}\` that re-evaluates ${list} for each row. This produces suboptimal query performance at scale.`,
          `wrap each call in a sub-select: replace \`auth.<function>()\` with \`(select auth.<function>())\` (and \`current_setting(...)\` with \`(select current_setting(...))\`)`,
        ),
      ];
    });

/** 0024: a write policy (or ALL) whose USING / WITH CHECK is literally true. */
const rlsPolicyAlwaysTrue: PolicyCheck = (_ctx, policies) =>
  policies
    .filter((p) => p.rls && p.permissive && p.applies_to_clients)
    .flatMap((p) => {
      // USING filters rows for UPDATE/DELETE (and ALL); WITH CHECK defaults to USING when absent.
      // A missing expression grants nothing (PostgreSQL skips it), so only literal `true` counts.
      const usingTrue = ['UPDATE', 'DELETE', 'ALL'].includes(p.command) && isLiterallyTrue(p.qual);
      const checkTrue =
        ['INSERT', 'UPDATE', 'ALL'].includes(p.command) && isLiterallyTrue(p.with_check ?? p.qual);
      if (!usingTrue && !checkTrue) return [];
      const which =
        usingTrue && checkTrue
          ? 'both USING and WITH CHECK are always true'
          : usingTrue
            ? 'USING clause is always true'
            : 'WITH CHECK clause is always true';
      return [
        finding(
          'rls_policy_always_true',
          `${qname(p.schema, p.name)} (${p.policy})`,
          `Table \`${p.schema}.${p.name}\` has an RLS policy \`${p.policy}\` for ${p.command} that allows unrestricted access (${which}). This effectively bypasses row-level security for ${p.roles}.`,
          `restrict the policy with a real predicate, e.g. \`using ((select auth.uid()) = user_id)\`, or limit it to service_role`,
        ),
      ];
    });

/** 0030: `auth.uid() IS NULL OR ...` at the top level: every anonymous session passes. */
const rlsPolicyNullAuthDisjunct: PolicyCheck = (ctx, policies) =>
  policies
    .filter((p) => p.rls && p.permissive && p.applies_to_clients)
    .flatMap((p) => {
      const where: string[] = [];
      if (p.qual && hasNullAuthDisjunct(p.qual, ctx.bareAuthNames)) where.push('USING');
      if (p.with_check && hasNullAuthDisjunct(p.with_check, ctx.bareAuthNames)) where.push('WITH CHECK');
      if (where.length === 0) return [];
      return [
        finding(
          'rls_policy_null_auth_disjunct',
          `${qname(p.schema, p.name)} (${p.policy})`,
          `Table \`${p.schema}.${p.name}\` has a permissive policy \`${p.policy}\` for ${p.command} whose ${where.join(' and ')} clause is unconditionally true when auth.uid() / auth.jwt() / auth.role() (or current_setting(..., true)) is NULL, so every anonymous session passes (roles: ${p.roles}).`,
          `remove the \`IS NULL\` disjunct (you probably meant \`IS NOT NULL AND ...\`) or replace it with an explicit deny`,
        ),
      ];
    });

/** 0011: functions without a pinned search_path (in the exposed schemas and auth). */
const functionSearchPathMutable: Check = async ({ query, schemas }) => {
  const { rows } = await query(
    `select n.nspname as schema, p.proname as name,
            pg_catalog.pg_get_function_identity_arguments(p.oid) as args
       from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any($1::text[]) and p.prokind in ('f', 'p')
        and not ${extOwned('pg_proc', 'p.oid')}
        and not exists (select 1 from unnest(coalesce(p.proconfig, '{}'::text[])) as cfg(s)
                         where cfg.s like 'search\\_path=%')
      order by 1, 2, 3`,
    [[...new Set([...schemas, 'auth'])]],
  );
  return rows.map((r) =>
    finding(
      'function_search_path_mutable',
      `${qname(r.schema, r.name)}(${r.args})`,
      `Function \`${r.schema}.${r.name}(${r.args})\` has a role mutable search_path.`,
      `alter function ${r.schema}.${r.name}(${r.args}) set search_path = '' (and schema-qualify the names it uses)`,
    ),
  );
};

/** 0006: more than one permissive policy for the same role and action on a table. */
const multiplePermissivePolicies: Check = async ({ query, schemas }) => {
  const { rows } = await query(
    `select n.nspname as schema, c.relname as name, r.rolname as role, act.cmd as action,
            string_agg(p.polname, ', ' order by p.polname) as policies
       from pg_catalog.pg_policy p
       join pg_catalog.pg_class c on c.oid = p.polrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       join pg_catalog.pg_roles r on p.polroles @> array[r.oid] or p.polroles = array[0::oid]
       cross join lateral unnest(case p.polcmd
                when 'r' then array['SELECT'] when 'a' then array['INSERT']
                when 'w' then array['UPDATE'] when 'd' then array['DELETE']
                else array['SELECT', 'INSERT', 'UPDATE', 'DELETE'] end) as act(cmd)
      where c.relkind in ('r', 'p') and n.nspname = any($1::text[]) and p.polpermissive
        and r.rolname not like 'pg\\_%' and r.rolname not like 'supabase%admin' and not r.rolbypassrls
      group by n.nspname, c.relname, r.rolname, act.cmd
     having count(*) > 1
      order by 1, 2, 3, 4`,
    [schemas],
  );
  return rows.map((r) =>
    finding(
      'multiple_permissive_policies',
      `${qname(r.schema, r.name)} (${r.role}, ${r.action})`,
      `Table \`${r.schema}.${r.name}\` has multiple permissive policies for role \`${r.role}\` for action \`${r.action}\`. Policies include ${r.policies}.`,
      `merge them into one policy per role and action (OR the conditions), or make the extra ones RESTRICTIVE`,
    ),
  );
};

/** 0009: two or more identical indexes on one table. */
const duplicateIndex: Check = async ({ query, schemas }) => {
  const { rows } = await query(
    `select n.nspname as schema, c.relname as name,
            string_agg(ic.relname, ', ' order by ic.relname) as indexes
       from pg_catalog.pg_index i
       join pg_catalog.pg_class ic on ic.oid = i.indexrelid
       join pg_catalog.pg_class c on c.oid = i.indrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'm', 'p') and n.nspname = any($1::text[])
        and not ${extOwned('pg_class', 'c.oid')}
      group by n.nspname, c.relname, i.indrelid, ic.relam, i.indkey::text, i.indclass::text,
               i.indcollation::text, i.indoption::text, i.indisunique, i.indnullsnotdistinct,
               coalesce(pg_catalog.pg_get_expr(i.indexprs, i.indrelid), ''),
               coalesce(pg_catalog.pg_get_expr(i.indpred, i.indrelid), '')
     having count(*) > 1
      order by 1, 2, 3`,
    [schemas],
  );
  return rows.map((r) =>
    finding(
      'duplicate_index',
      qname(r.schema, r.name),
      `Table \`${r.schema}.${r.name}\` has identical indexes ${r.indexes}. Drop all except one of them.`,
      `drop the redundant indexes (keep the one backing a constraint, if any)`,
    ),
  );
};

/** 0014: extensions installed into public (or another exposed schema). */
const extensionInPublic: Check = async ({ query, schemas }) => {
  const { rows } = await query(
    `select e.extname as name, n.nspname as schema
       from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
      where e.extname <> 'plpgsql' and (n.nspname = 'public' or n.nspname = any($1::text[]))
      order by 1`,
    [schemas],
  );
  return rows.map((r) =>
    finding(
      'extension_in_public',
      r.name,
      `Extension \`${r.name}\` is installed in the ${r.schema} schema. Move it to another schema.`,
      `create schema if not exists extensions; alter extension ${r.name} set schema extensions (or create it there: create extension ${r.name} with schema extensions)`,
    ),
  );
};

/** 0001: a foreign key whose columns are not the leading columns of any index. */
const unindexedForeignKeys: Check = async ({ query, schemas }) => {
  const { rows } = await query(
    `select n.nspname as schema, c.relname as name, ct.conname as fkey,
            (select string_agg(a.attname, ', ' order by k.ord) from unnest(ct.conkey) with ordinality as k(attnum, ord)
               join pg_catalog.pg_attribute a on a.attrelid = ct.conrelid and a.attnum = k.attnum) as columns
       from pg_catalog.pg_constraint ct
       join pg_catalog.pg_class c on c.oid = ct.conrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where ct.contype = 'f' and n.nspname = any($1::text[])
        and not ${extOwned('pg_class', 'c.oid')}
        and not exists (
          select 1 from pg_catalog.pg_index i
           where i.indrelid = ct.conrelid and i.indisvalid
             and cardinality(ct.conkey) <= i.indnkeyatts
             and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(ct.conkey)] @> ct.conkey
             and ct.conkey @> (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(ct.conkey)]
        )
      order by 1, 2, 3`,
    [schemas],
  );
  return rows.map((r) =>
    finding(
      'unindexed_foreign_keys',
      `${qname(r.schema, r.name)} (${r.fkey})`,
      `Table \`${r.schema}.${r.name}\` has a foreign key \`${r.fkey}\` (${r.columns}) without a covering index. This can lead to suboptimal query performance.`,
      `create index on ${r.schema}.${r.name} (${r.columns})`,
    ),
  );
};

/** 0008: RLS on but no policy: nobody but the owner / bypassrls roles sees any row. */
const rlsEnabledNoPolicy: Check = async ({ query, schemas }) => {
  const { rows } = await query(
    `select n.nspname as schema, c.relname as name
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any($1::text[]) and c.relrowsecurity
        and not exists (select 1 from pg_catalog.pg_policy p where p.polrelid = c.oid)
        and not ${extOwned('pg_class', 'c.oid')}
      order by 1, 2`,
    [schemas],
  );
  return rows.map((r) =>
    finding(
      'rls_enabled_no_policy',
      qname(r.schema, r.name),
      `Table \`${r.schema}.${r.name}\` has RLS enabled, but no policies exist.`,
      `add policies for the roles that should reach it (or keep it service-only on purpose)`,
    ),
  );
};

/** 0004: a table without a primary key. */
const noPrimaryKey: Check = async ({ query, schemas }) => {
  const { rows } = await query(
    `select n.nspname as schema, c.relname as name
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any($1::text[])
        and not exists (select 1 from pg_catalog.pg_index i where i.indrelid = c.oid and i.indisprimary)
        and not ${extOwned('pg_class', 'c.oid')}
      order by 1, 2`,
    [schemas],
  );
  return rows.map((r) =>
    finding(
      'no_primary_key',
      qname(r.schema, r.name),
      `Table \`${r.schema}.${r.name}\` does not have a primary key.`,
      `alter table ${r.schema}.${r.name} add primary key (...)`,
    ),
  );
};

const LEVEL_ORDER: Record<LintLevel, number> = { ERROR: 0, WARN: 1, INFO: 2 };

/** Runs every check against the database behind `query`; findings sorted by level, name, object. */
export async function lintDatabase(query: QueryFn, opts: LintOptions = {}): Promise<LintFinding[]> {
  const schemas = [...(opts.schemas ?? DEFAULT_EXPOSED_SCHEMAS)];
  const { rows } = await query(`select 'auth' = any(pg_catalog.current_schemas(false)) as auth_visible`);
  const ctx: Ctx = { query, schemas, bareAuthNames: Boolean(rows[0]?.auth_visible) };

  const checks: Check[] = [
    rlsDisabledInPublic,
    policyExistsRlsDisabled,
    securityDefinerView,
    authUsersExposed,
    sensitiveColumnsExposed,
    fkeyToAuthUnique,
    functionSearchPathMutable,
    multiplePermissivePolicies,
    duplicateIndex,
    extensionInPublic,
    unindexedForeignKeys,
    rlsEnabledNoPolicy,
    noPrimaryKey,
  ];
  const findings: LintFinding[] = [];
  // Sequential on purpose: PGlite has a single connection, and a pool gains little here.
  for (const check of checks) findings.push(...(await check(ctx)));
  const policies = await loadPolicies(ctx);
  for (const check of [authRlsInitplan, rlsPolicyAlwaysTrue, rlsPolicyNullAuthDisjunct]) {
    findings.push(...check(ctx, policies));
  }
  return findings.sort(
    (a, b) =>
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      a.name.localeCompare(b.name) ||
      a.object.localeCompare(b.object),
  );
}

/** A readable report: a summary line, then the findings grouped by level and lint. */
export function formatFindings(findings: readonly LintFinding[]): string {
  if (findings.length === 0) return 'Database linter: no findings.';
  const count = (l: LintLevel) => findings.filter((f) => f.level === l).length;
  const lines: string[] = [
    `Database linter: ${findings.length} finding(s): ${count('ERROR')} error(s), ${count('WARN')} warning(s), ${count('INFO')} info.`,
  ];
  let lastGroup = '';
  for (const f of [...findings].sort(
    (a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.name.localeCompare(b.name),
  )) {
    const group = `${f.level} ${f.name}`;
    if (group !== lastGroup) {
      lines.push('', `${f.level.padEnd(5)} ${f.name} — ${f.title}`);
      lastGroup = group;
    }
    lines.push(`  - ${f.object}`, `      ${f.detail}`, `      fix: ${f.remediation}`);
  }
  return lines.join('\n');
}
