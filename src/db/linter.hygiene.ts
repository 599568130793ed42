/**
 * The WARN- and INFO-level lints about how the schema is built: functions without a pinned
 * search_path, overlapping permissive policies, duplicate and missing indexes, extensions in an
 * exposed schema, RLS without policies, tables without a primary key.
 */

import { finding, type Check, extOwned, qname } from './linter.model.ts';

/** 0011: functions without a pinned search_path (in the exposed schemas and auth). */
export const functionSearchPathMutable: Check = async ({ query, schemas }) => {
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
export const multiplePermissivePolicies: Check = async ({ query, schemas }) => {
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
export const duplicateIndex: Check = async ({ query, schemas }) => {
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
export const extensionInPublic: Check = async ({ query, schemas }) => {
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
export const unindexedForeignKeys: Check = async ({ query, schemas }) => {
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
export const rlsEnabledNoPolicy: Check = async ({ query, schemas }) => {
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
export const noPrimaryKey: Check = async ({ query, schemas }) => {
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
