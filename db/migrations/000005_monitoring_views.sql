-- 000005: monitoring views, fixed (see docs/schema.md) and for service_role only.
-- security_invoker: the view runs with its caller's rights, never its owner's.

-- One row per table (the seed's version joined pg_stats and returned one row per column
-- statistic, missing tables that had never been analysed).
CREATE OR REPLACE VIEW public.table_sizes WITH (security_invoker = true) AS
SELECT
    n.nspname AS schemaname,
    c.relname AS tablename,
    greatest(c.reltuples, 0)::bigint AS row_estimate,
    pg_total_relation_size(c.oid) AS total_bytes,
    pg_relation_size(c.oid) AS table_bytes,
    pg_indexes_size(c.oid) AS index_bytes,
    pg_size_pretty(pg_total_relation_size(c.oid)) AS size
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname IN ('public', 'memory')
ORDER BY pg_total_relation_size(c.oid) DESC;

REVOKE ALL ON public.table_sizes FROM PUBLIC, anon, authenticated;
GRANT SELECT ON public.table_sizes TO service_role;

-- Slow queries: only where pg_stat_statements is installed, with the column names PostgreSQL 13
-- gave them (total_exec_time, mean_exec_time).
DO $$
DECLARE
  ext_schema text;
BEGIN
  SELECT n.nspname INTO ext_schema
  FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
  WHERE e.extname = 'pg_stat_statements';
  IF ext_schema IS NULL THEN
    RAISE NOTICE 'pg_stat_statements is not installed: public.slow_queries is not created';
    RETURN;
  END IF;
  EXECUTE format($v$
    CREATE OR REPLACE VIEW public.slow_queries WITH (security_invoker = true) AS
    SELECT
        query,
        calls,
        total_exec_time,
        mean_exec_time,
        rows,
        100.0 * shared_blks_hit / nullif(shared_blks_hit + shared_blks_read, 0) AS hit_percent
    FROM %I.pg_stat_statements
    WHERE mean_exec_time > 100  -- Queries taking more than 100ms on average
    ORDER BY mean_exec_time DESC
  $v$, ext_schema);
  REVOKE ALL ON public.slow_queries FROM PUBLIC, anon, authenticated;
  GRANT SELECT ON public.slow_queries TO service_role;
  -- Without it a non-superuser sees only its own statements' text. Not every platform lets a
  -- migration grant it (it needs admin on the role); the view still works, with less detail.
  BEGIN
    GRANT pg_read_all_stats TO service_role;
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not grant pg_read_all_stats to service_role: slow_queries shows only its own statements';
  END;
END
$$;
