-- tripsage:supersedes-checksum 9846296d2c2a73adc4fa2c2dabbbcc79defdba48f39c3dad9e39e4f65566c428
-- 000010: scheduled maintenance. public.cleanup_old_price_history() runs daily:
--   * by pg_cron, where the server has it (available AND loadable: shared_preload_libraries, and
--     this is cron.database_name): scheduled here as 'cleanup-price-history' at 02:00;
--   * otherwise by the server's own scheduler (src/ops/scheduler.ts), which records its runs in
--     tripsage.job_runs so that several instances, or a restarted one, run it once a day.
-- See docs/operations-jobs.md.

CREATE TABLE IF NOT EXISTS tripsage.job_runs (
    job text PRIMARY KEY,
    last_started_at timestamptz NOT NULL,
    last_finished_at timestamptz NOT NULL,
    rows_affected bigint NOT NULL DEFAULT 0,
    triggered_by text NOT NULL CHECK (triggered_by IN ('scheduler', 'manual')),
    runs bigint NOT NULL DEFAULT 1
);
COMMENT ON TABLE tripsage.job_runs IS 'Last run of each maintenance job (in-process scheduler and `tripsage jobs run`)';
GRANT SELECT, INSERT, UPDATE ON tripsage.job_runs TO service_role;

DO $$
DECLARE
  preloaded boolean;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'pg_cron') THEN
    RAISE NOTICE 'pg_cron is not available: the server''s scheduler runs cleanup_old_price_history()';
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
    -- Reading shared_preload_libraries needs pg_read_all_settings, which a database owner that is
    -- not a superuser lacks: then pg_cron is left alone, as when it is not preloaded.
    BEGIN
      preloaded := coalesce(current_setting('shared_preload_libraries', true), '') LIKE '%pg_cron%';
    EXCEPTION WHEN insufficient_privilege THEN
      preloaded := false;
    END;
    IF NOT preloaded THEN
      RAISE NOTICE 'pg_cron is not in shared_preload_libraries (or this role may not read it): the server''s scheduler runs cleanup_old_price_history()';
      RETURN;
    END IF;
    BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_cron;
    EXCEPTION WHEN OTHERS THEN
      -- e.g. not cron.database_name, or no privilege to create it.
      RAISE NOTICE 'pg_cron could not be installed here (%): the server''s scheduler runs cleanup_old_price_history()', SQLERRM;
      RETURN;
    END;
  END IF;
  BEGIN
    EXECUTE $cron$SELECT cron.schedule('cleanup-price-history', '0 2 * * *', 'SELECT public.cleanup_old_price_history()')$cron$;
    RAISE NOTICE 'pg_cron schedules cleanup_old_price_history() daily at 02:00 (job cleanup-price-history)';
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_cron could not schedule the cleanup (%): the server''s scheduler runs it', SQLERRM;
  END;
END
$$;
