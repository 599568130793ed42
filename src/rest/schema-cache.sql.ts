/**
 * The catalog queries behind the /rest/v1 schema cache, in one place. Each takes the exposed
 * schema names as $1 (text[]) and returns plain rows; arrays come back as JSON so both drivers
 * decode them alike. They run with `search_path = pg_catalog`, so `format_type` qualifies every
 * type outside pg_catalog with its schema (`public.user_status`) — the names are later written
 * into SQL as casts and record definitions, and must not depend on a request's search_path.
 */

/** Tables, views, materialized views and foreign tables; partitions are reached through their parent. */
export const TABLES_SQL = `
SELECT c.oid::int8 AS oid,
       n.nspname AS schema,
       c.relname AS name,
       c.relkind AS kind,
       (SELECT d.description FROM pg_description d
         WHERE d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0) AS description,
       CASE WHEN c.relkind IN ('r', 'p') THEN 28
            WHEN c.relkind IN ('v', 'f') THEN pg_relation_is_updatable(c.oid::regclass, true)
            ELSE 0 END AS updatable_mask,
       coalesce((SELECT json_agg(a.attname ORDER BY a.attname)
                   FROM pg_constraint k
                   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
                  WHERE k.conrelid = c.oid AND k.contype = 'p'), '[]') AS primary_key
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY ($1::text[])
   AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND NOT c.relispartition`;

/**
 * Columns of those relations. A domain's base type (two levels deep) tells how to treat its values
 * (json, tsvector …); descriptions and enum labels come from joins, not per-row function calls.
 */
export const COLUMNS_SQL = `
SELECT a.attrelid::int8 AS table_oid,
       a.attname AS name,
       a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS type,
       bt.typname AS base_type,
       bt.typcategory AS category,
       NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)) AS nullable,
       CASE WHEN a.attidentity = 'd' THEN format('nextval(%L)', pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname))
            WHEN a.attgenerated <> '' OR a.attidentity = 'a' THEN NULL
            WHEN ad.adbin IS NOT NULL THEN pg_get_expr(ad.adbin, ad.adrelid)
            WHEN t.typtype = 'd' THEN pg_get_expr(t.typdefaultbin, 0)
       END AS default_sql,
       a.attgenerated <> '' OR a.attidentity = 'a' AS read_only,
       (SELECT d.description FROM pg_description d
         WHERE d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum) AS description,
       CASE WHEN bt.typtype = 'e'
            THEN (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = bt.oid)
       END AS enum_values
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_type t1 ON t1.oid = t.typbasetype
  LEFT JOIN pg_type t2 ON t2.oid = t1.typbasetype
  JOIN pg_type bt ON bt.oid = coalesce(t2.oid, t1.oid, t.oid)
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  WHERE n.nspname = ANY ($1::text[])
   AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND a.attnum > 0
   AND NOT a.attisdropped
 ORDER BY a.attrelid, a.attnum`;

/**
 * Foreign keys touching an exposed schema, with their column pairs in key order, and whether the
 * referencing columns are exactly a primary key or unique constraint (then it is one-to-one).
 */
export const FOREIGN_KEYS_SQL = `
SELECT k.conname AS name,
       k.conrelid::int8 AS table_oid,
       k.confrelid::int8 AS foreign_oid,
       (SELECT json_agg(json_build_array(a.attname, f.attname) ORDER BY u.ord)
          FROM unnest(k.conkey, k.confkey) WITH ORDINALITY AS u(col, ref, ord)
          JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.col
          JOIN pg_attribute f ON f.attrelid = k.confrelid AND f.attnum = u.ref) AS columns,
       EXISTS (SELECT 1 FROM pg_constraint uk
                WHERE uk.conrelid = k.conrelid AND uk.contype IN ('p', 'u')
                  AND (SELECT array_agg(x ORDER BY x) FROM unnest(uk.conkey) x)
                    = (SELECT array_agg(x ORDER BY x) FROM unnest(k.conkey) x)) AS one_to_one
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class fc ON fc.oid = k.confrelid
  JOIN pg_namespace fn ON fn.oid = fc.relnamespace
 WHERE k.contype = 'f'
   AND k.conparentid = 0
   AND (n.nspname = ANY ($1::text[]) OR fn.nspname = ANY ($1::text[]))
 ORDER BY k.conrelid, k.conname`;

/**
 * Plain functions (not procedures, aggregates or window functions) of the exposed schemas: every
 * argument with its mode, the return type and, when it is a relation's row type, that relation.
 */
export const FUNCTIONS_SQL = `
SELECT p.oid::int8 AS oid,
       n.nspname AS schema,
       p.proname AS name,
       (SELECT d.description FROM pg_description d
         WHERE d.objoid = p.oid AND d.classoid = 'pg_proc'::regclass AND d.objsubid = 0) AS description,
       p.provolatile AS volatility,
       p.proretset AS returns_set,
       p.prorows AS rows,
       p.pronargs - p.pronargdefaults AS required_args,
       coalesce((SELECT json_agg(json_build_object(
                          'name', u.name,
                          'type', format_type(u.type, NULL),
                          'mode', coalesce(u.mode, 'i'),
                          'relid', (SELECT nullif(t.typrelid, 0)::int8 FROM pg_type t WHERE t.oid = u.type))
                        ORDER BY u.ord)
                   FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargnames, p.proargmodes)
                        WITH ORDINALITY AS u(type, name, mode, ord)), '[]') AS args,
       format_type(p.prorettype, NULL) AS return_type,
       rt.typtype AS return_kind,
       CASE WHEN rt.typtype = 'c' AND rt.typrelid <> 0 THEN rt.typrelid::int8 END AS return_relid
  FROM pg_namespace n
  JOIN pg_proc p ON p.pronamespace = n.oid
  JOIN pg_type rt ON rt.oid = p.prorettype
 WHERE n.nspname = ANY ($1::text[])
   AND p.prokind = 'f'
   AND p.prorettype <> 'trigger'::regtype
   AND p.prorettype <> 'event_trigger'::regtype
 ORDER BY n.nspname, p.proname, p.oid`;

/** Type names a request may cast to (`select=id::text`): every type of pg_catalog and the exposed schemas. */
export const TYPES_SQL = `
SELECT n.nspname AS schema, t.typname AS name
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE (n.nspname = 'pg_catalog' OR n.nspname = ANY ($1::text[]))
   AND t.typtype IN ('b', 'd', 'e', 'r', 'm', 'c')
   AND t.typisdefined`;

/** The relations and functions the current role may use, for the OpenAPI description (run as the caller). */
export const ACCESSIBLE_SQL = `
SELECT 'table' AS kind, n.nspname AS schema, c.relname AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
   AND (has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE')
        OR has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE'))
UNION ALL
SELECT 'function', n.nspname, p.proname
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = $1 AND p.prokind = 'f' AND has_function_privilege(p.oid, 'EXECUTE')`;

/**
 * Views of the exposed schemas with their query tree as text (pg_rewrite's `_RETURN` rule): which
 * base column each view column shows is read from it (view-columns.ts), so foreign keys of the base
 * tables relate views too, as PostgREST's do.
 */
export const VIEWS_SQL = `
SELECT c.oid::int8 AS oid, r.ev_action::text AS action
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_rewrite r ON r.ev_class = c.oid AND r.rulename = '_RETURN'
 WHERE n.nspname = ANY ($1::text[])
   AND c.relkind IN ('v', 'm')`;
