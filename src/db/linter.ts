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

import { DEFAULT_EXPOSED_SCHEMAS, LEVEL_ORDER, type Check, type Ctx, type LintFinding, type LintOptions, type QueryFn } from './linter.model.ts';
import { rlsDisabledInPublic, policyExistsRlsDisabled, securityDefinerView, authUsersExposed, sensitiveColumnsExposed, fkeyToAuthUnique } from './linter.security.ts';
import { functionSearchPathMutable, multiplePermissivePolicies, duplicateIndex, extensionInPublic, unindexedForeignKeys, rlsEnabledNoPolicy, noPrimaryKey } from './linter.hygiene.ts';
import { loadPolicies, authRlsInitplan, rlsPolicyAlwaysTrue, rlsPolicyNullAuthDisjunct } from './linter.policies.ts';

export { formatFindings } from './linter.format.ts';
export { DEFAULT_EXPOSED_SCHEMAS, LINTS, type LintFinding, type LintLevel, type LintName, type LintOptions, type QueryFn } from './linter.model.ts';

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
