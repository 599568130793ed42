-- 000073: trip visibility the planner can drive from indexes (same rules as 000070).
--
-- 000070's read policies call public.user_can_view_trip(…) for every row a query looks at. A read
-- without a trip filter — a /rest/v1 read of `trips` or `flights`, supabase-js's
-- `from('trips').select()` — therefore ran a SECURITY DEFINER function once per row of *every*
-- user's trips: work that grows with the whole table, not with the caller's data (measured: a
-- 20-row list fell to a few requests a second once the table held other users' 50,000 trips).
-- Here each read policy compares the row's trip id with the caller's trip ids, computed once per
-- statement by a SECURITY DEFINER function (an initplan: `(select …)::bigint[]` is one value, not
-- a subquery for ANY), so the planner can use the primary key and the trip_id indexes. Who may read what is unchanged
-- (test/rls-collaborators.test.ts); the write policies keep the per-row checks (writes name
-- their rows).

-- The trips shared with the caller (not their own: those pass on user_id).
CREATE OR REPLACE FUNCTION public.shared_trip_ids()
RETURNS bigint[]
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
    SELECT coalesce(array_agg(c.trip_id), '{}') FROM public.trip_collaborators c WHERE c.user_id = auth.uid()
$$;

-- Every trip the caller may read: their own (at most trips_per_user) and those shared with them.
CREATE OR REPLACE FUNCTION public.viewable_trip_ids()
RETURNS bigint[]
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
    SELECT coalesce(array_agg(t.id), '{}') || public.shared_trip_ids() FROM public.trips t WHERE t.user_id = auth.uid()
$$;

REVOKE EXECUTE ON FUNCTION public.shared_trip_ids(), public.viewable_trip_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.shared_trip_ids(), public.viewable_trip_ids() TO authenticated, service_role;

DROP POLICY IF EXISTS "Trip members can view trips" ON public.trips;
CREATE POLICY "Trip members can view trips" ON public.trips
  FOR SELECT TO authenticated
  USING ((select auth.uid()) = user_id OR id = ANY ((select public.shared_trip_ids())::bigint[]));

DO $$
DECLARE
  t text;
  label text;
BEGIN
  FOREACH t IN ARRAY ARRAY['flights', 'accommodations', 'transportation', 'itinerary_items', 'trip_notes', 'saved_options'] LOOP
    label := replace(t, '_', ' ');
    EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', 'Trip members can view ' || label, t);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR SELECT TO authenticated USING (trip_id = ANY ((select public.viewable_trip_ids())::bigint[]))',
                   'Trip members can view ' || label, t);
  END LOOP;
END
$$;
