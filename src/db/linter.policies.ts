/**
 * The lints that read policy expressions: the exposed schemas' policies with their deparsed
 * USING / WITH CHECK text, and the checks over that text (linter.scan.ts).
 */

import { type LintFinding, finding, type Ctx, qname } from './linter.model.ts';
import { unwrappedAuthCalls, hasNullAuthDisjunct, isLiterallyTrue } from './linter.scan.ts';

/** The policies of the exposed schemas, with their deparsed expressions (like pg_policies). */
export async function loadPolicies(ctx: Ctx) {
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

export type PolicyRow = Awaited<ReturnType<typeof loadPolicies>>[number];
export type PolicyCheck = (ctx: Ctx, policies: PolicyRow[]) => LintFinding[];

/** 0003: auth.<fn>() / current_setting() evaluated per row instead of once via `(select ...)`. */
export const authRlsInitplan: PolicyCheck = (ctx, policies) =>
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
export const rlsPolicyAlwaysTrue: PolicyCheck = (_ctx, policies) =>
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
export const rlsPolicyNullAuthDisjunct: PolicyCheck = (ctx, policies) =>
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
