/**
 * What the /rest/v1 suites add to the migrated schema (test-only, never a migration): functions to
 * call through /rpc, and a table with two foreign keys to trips (embedding that needs `!hint`).
 * Security invoker throughout, so row-level security applies inside them as everywhere.
 */
export const REST_FIXTURE_SQL = `
CREATE FUNCTION public.rest_test_trips_under(max_budget numeric) RETURNS SETOF public.trips
  LANGUAGE sql STABLE AS $$ SELECT * FROM public.trips WHERE budget < max_budget ORDER BY id $$;
CREATE FUNCTION public.rest_test_add(a integer, b integer DEFAULT 1) RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;
CREATE FUNCTION public.rest_test_big() RETURNS bigint
  LANGUAGE sql IMMUTABLE AS $$ SELECT 9007199254740993::bigint $$;
CREATE FUNCTION public.rest_test_rename(trip bigint, new_name text) RETURNS void
  LANGUAGE sql AS $$ UPDATE public.trips SET name = new_name WHERE id = trip $$;
CREATE FUNCTION public.rest_test_teapot() RETURNS text LANGUAGE sql AS $$
  SELECT set_config('response.status', '418', true), set_config('response.headers', '[{"x-brewed": "yes"}]', true);
  SELECT 'short and stout' $$;
CREATE FUNCTION public.rest_test_request() RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object('method', current_setting('request.method', true), 'path', current_setting('request.path', true),
    'client', current_setting('request.headers', true)::json->>'x-client-info', 'role', current_user,
    'sub', current_setting('request.jwt.claims', true)::json->>'sub') $$;
-- PostgreSQL lets PUBLIC execute a new function; these are for signed-in users only.
REVOKE EXECUTE ON FUNCTION public.rest_test_trips_under(numeric), public.rest_test_add(integer, integer),
  public.rest_test_big(), public.rest_test_rename(bigint, text), public.rest_test_teapot(), public.rest_test_request()
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.rest_test_trips_under(numeric), public.rest_test_add(integer, integer),
  public.rest_test_big(), public.rest_test_rename(bigint, text), public.rest_test_teapot(), public.rest_test_request()
  TO authenticated;

CREATE TABLE public.rest_test_links (
  id integer PRIMARY KEY,
  user_id uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE CASCADE,
  from_trip bigint NOT NULL CONSTRAINT rest_test_links_from_fkey REFERENCES public.trips(id) ON DELETE CASCADE,
  to_trip bigint NOT NULL CONSTRAINT rest_test_links_to_fkey REFERENCES public.trips(id) ON DELETE CASCADE,
  note text,
  tags text[],
  span int4range
);
ALTER TABLE public.rest_test_links ENABLE ROW LEVEL SECURITY;
CREATE POLICY rest_test_links_owner ON public.rest_test_links TO authenticated
  USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.rest_test_links TO authenticated;
`;
