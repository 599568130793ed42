-- 000030: every collection a user can grow has a cap, enforced by the database (issue 10).
--
-- A user could add items without end (one import carried 10,000 itinerary items), and every
-- report over a collection then grew with it. The caps live in tripsage.collection_limits (one
-- row per cap: the table, the columns that scope it, the maximum); an operator may change a
-- maximum with an UPDATE, no migration needed. docs/api.md ("Limits") lists them.
--
-- Enforcement: AFTER INSERT … FOR EACH STATEMENT triggers with transition tables, so a multi-row
-- insert (an import) costs one bounded count per scope it touches, not one per row. For each scope
-- (e.g. a trip, or a trip's day) that the statement added rows to, the trigger takes a
-- transaction-level advisory lock on (cap, scope) — concurrent writers to one scope queue, so
-- the count cannot be raced past the cap — then counts the scope's rows, at most max + 1 of
-- them (a range scan of the scope's index: every scope column set has one, from the seed). Over the cap raises SQLSTATE 54000 (program_limit_exceeded) with
-- the cap in the message and a hint, which the API answers as 422; the statement, and so the
-- request, is rolled back. An UPDATE is checked only for rows whose scope changed (row triggers).
--
-- The function is SECURITY DEFINER (owner: the migrating role, which owns the tables and so is
-- not subject to their RLS) because a cap counts every row of the scope, including rows the
-- caller cannot see. It reads only its own arguments and the transition tables; search_path is
-- empty and every name is qualified.

CREATE TABLE IF NOT EXISTS tripsage.collection_limits (
    name text PRIMARY KEY,
    table_name text NOT NULL,
    scope_columns text[] NOT NULL CHECK (cardinality(scope_columns) > 0),
    max_rows integer NOT NULL CHECK (max_rows >= 0),
    description text NOT NULL
);
COMMENT ON TABLE tripsage.collection_limits IS
  'Caps on user-grown collections, enforced by tripsage.enforce_collection_limit() triggers; max_rows may be changed by an operator';

INSERT INTO tripsage.collection_limits (name, table_name, scope_columns, max_rows, description) VALUES
    ('trips_per_user',                'trips',            '{user_id}',              1000,  'trips per user'),
    ('flights_per_trip',              'flights',          '{trip_id}',              500,   'flights per trip'),
    ('accommodations_per_trip',       'accommodations',   '{trip_id}',              500,   'accommodations per trip'),
    ('transportation_per_trip',       'transportation',   '{trip_id}',              500,   'transportation legs per trip'),
    ('itinerary_items_per_trip',      'itinerary_items',  '{trip_id}',              5000,  'itinerary items per trip'),
    ('itinerary_items_per_day',       'itinerary_items',  '{trip_id,day_number}',   1000,  'itinerary items per day of a trip'),
    ('trip_notes_per_trip',           'trip_notes',       '{trip_id}',              1000,  'notes per trip'),
    ('saved_options_per_trip',        'saved_options',    '{trip_id}',              1000,  'saved options per trip'),
    ('trip_comparisons_per_user',     'trip_comparisons', '{user_id}',              1000,  'trip comparisons per user'),
    ('chat_sessions_per_user',        'chat_sessions',    '{user_id}',              1000,  'chat sessions per user'),
    ('chat_messages_per_session',     'chat_messages',    '{session_id}',           10000, 'messages per chat session'),
    ('search_history_per_user',       'search_history',   '{user_id}',              10000, 'saved searches per user'),
    ('api_keys_per_user',             'api_keys',         '{user_id}',              100,   'API keys per user'),
    ('memory_embeddings_per_user',    'memory_embeddings', '{user_id}',             100000, 'memories per user')
ON CONFLICT (name) DO NOTHING;

CREATE OR REPLACE FUNCTION tripsage.enforce_collection_limit()
RETURNS TRIGGER
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_limit tripsage.collection_limits;
    v_scope text;       -- "trip_id, day_number" (quoted identifiers)
    v_match text;       -- "c.trip_id = k.trip_id AND c.day_number = k.day_number"
    v_rows text;        -- the new rows: the statement's transition table, or the one updated row
    v_key jsonb;
BEGIN
    SELECT * INTO v_limit FROM tripsage.collection_limits WHERE name = TG_ARGV[0];
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no collection limit named %', TG_ARGV[0];
    END IF;
    SELECT string_agg(format('%I', c), ', '),
           string_agg(format('c.%1$I = k.%1$I', c), ' AND '),
           string_agg(format('($1).%1$I AS %1$I', c), ', ')
      INTO v_scope, v_match, v_rows
      FROM unnest(v_limit.scope_columns) AS c;
    v_rows := CASE WHEN TG_LEVEL = 'ROW' THEN format('(SELECT %s)', v_rows) ELSE 'new_rows' END;

    -- Lock every touched scope, in a fixed order (no deadlock between two multi-scope writers).
    EXECUTE format(
        'SELECT count(pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext(%L), pg_catalog.hashtext(k::text)))
           FROM (SELECT DISTINCT to_jsonb(s) AS k FROM (SELECT %s FROM %s n) s ORDER BY 1) d',
        v_limit.name, v_scope, v_rows)
      USING NEW;

    EXECUTE format(
        'SELECT to_jsonb(k) FROM (SELECT DISTINCT %1$s FROM %2$s n) k
           CROSS JOIN LATERAL (SELECT count(*) AS n FROM (SELECT 1 FROM public.%3$I c WHERE %4$s LIMIT %5$s) x) cnt
          WHERE n > %6$s
          LIMIT 1',
        v_scope, v_rows, v_limit.table_name, v_match, v_limit.max_rows + 1, v_limit.max_rows)
      INTO v_key
      USING NEW;
    IF v_key IS NOT NULL THEN
        RAISE EXCEPTION 'too many %: at most % (limit %)', v_limit.description, v_limit.max_rows, v_limit.name
            USING ERRCODE = 'program_limit_exceeded',
                  CONSTRAINT = v_limit.name,
                  TABLE = v_limit.table_name,
                  DETAIL = format('%s would hold more than %s', v_key::text, v_limit.max_rows),
                  HINT = format('delete some %s first, or split them up; the limits are listed in docs/api.md (Limits)', v_limit.description);
    END IF;
    RETURN NULL;
END;
$$;

REVOKE EXECUTE ON FUNCTION tripsage.enforce_collection_limit() FROM PUBLIC;

-- Per cap: a statement trigger on INSERT (with its transition table), and a row trigger on an
-- UPDATE of the scope columns that really changes them (the WHEN clause is evaluated without
-- calling the function, so ordinary updates cost nothing).
CREATE OR REPLACE FUNCTION tripsage.add_collection_limit_triggers(p_name text)
RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    v_limit tripsage.collection_limits;
BEGIN
    SELECT * INTO STRICT v_limit FROM tripsage.collection_limits WHERE name = p_name;
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON public.%I REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION tripsage.enforce_collection_limit(%L)',
                   'limit_' || p_name || '_on_insert', v_limit.table_name, p_name);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OF %s ON public.%I
                    FOR EACH ROW WHEN ((%s) IS DISTINCT FROM (%s))
                    EXECUTE FUNCTION tripsage.enforce_collection_limit(%L)',
                   'limit_' || p_name || '_on_update',
                   (SELECT string_agg(format('%I', c), ', ') FROM unnest(v_limit.scope_columns) c),
                   v_limit.table_name,
                   (SELECT string_agg(format('OLD.%I', c), ', ') FROM unnest(v_limit.scope_columns) c),
                   (SELECT string_agg(format('NEW.%I', c), ', ') FROM unnest(v_limit.scope_columns) c),
                   p_name);
END;
$$;

REVOKE EXECUTE ON FUNCTION tripsage.add_collection_limit_triggers(text) FROM PUBLIC;

-- The memory table is optional (pgvector): its cap's triggers are added by 000031, with it.
SELECT tripsage.add_collection_limit_triggers(name)
FROM tripsage.collection_limits
WHERE table_name <> 'memory_embeddings'
ORDER BY name;
