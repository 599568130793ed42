/**
 * The ERROR-level lints: data exposed to the API's roles that should not be (tables without RLS,
 * policies RLS ignores, views running with their owner's rights, auth.users or credential-like
 * columns readable through the API, foreign keys into auth.users' unique keys).
 */

import { finding, type Check, extOwned, exposedToApi, SECURITY_INVOKER_ON, qname, sensitivePattern } from './linter.model.ts';

/** 0013: a table in an exposed schema without row level security. */
export const rlsDisabledInPublic: Check = async ({ query, schemas }) => {
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
export const policyExistsRlsDisabled: Check = async ({ query, schemas }) => {
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
export const securityDefinerView: Check = async ({ query, schemas }) => {
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
export const authUsersExposed: Check = async ({ query, schemas }) => {
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
export const sensitiveColumnsExposed: Check = async ({ query, schemas }) => {
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
export const fkeyToAuthUnique: Check = async ({ query }) => {
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
