-- 000004: privileges and row-level security.
--
-- The database is the security boundary. Grants are explicit (new Supabase projects no longer get
-- default grants on public, and plain PostgreSQL never did). `anon` gets nothing on any table.
-- `service_role` is BYPASSRLS, so it needs no policies (the seed's current_setting('role') policy
-- is replaced by the role attribute). Policies are TO authenticated and call (select auth.uid()),
-- which PostgreSQL evaluates once per statement instead of once per row.

ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- RLS on all tables (the seed enabled it on 7 of 16).
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.chat_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.chat_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.trips ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.flights ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.accommodations ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.transportation ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.itinerary_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.search_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.price_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.trip_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.saved_options ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.trip_comparisons ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.kg_entity_references ENABLE ROW LEVEL SECURITY;

-- Table privileges ---------------------------------------------------------------------------
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO service_role;

-- Profiles are created by the auth trigger; users may edit only their own name and preferences.
GRANT SELECT ON public.users TO authenticated;
GRANT UPDATE (name, preferences_json) ON public.users TO authenticated;

GRANT SELECT, INSERT, UPDATE, DELETE ON
  public.trips, public.flights, public.accommodations, public.transportation,
  public.itinerary_items, public.trip_notes, public.saved_options, public.trip_comparisons,
  public.chat_sessions, public.chat_messages
TO authenticated;

-- The ciphertext of a user's key is never readable by the user's role, only by service_role:
-- SELECT is granted column by column, leaving encrypted_value out. usage_count and last_used_at
-- are maintained by the trusted key resolver.
GRANT SELECT (id, user_id, service_name, key_name, is_active, last_used_at, expires_at,
              usage_count, created_at, updated_at) ON public.api_keys TO authenticated;
GRANT INSERT (user_id, service_name, key_name, encrypted_value, is_active, expires_at)
  ON public.api_keys TO authenticated;
GRANT UPDATE (service_name, key_name, encrypted_value, is_active, expires_at)
  ON public.api_keys TO authenticated;
GRANT DELETE ON public.api_keys TO authenticated;

GRANT SELECT, INSERT, DELETE ON public.search_history TO authenticated;

-- Shared reference data: readable by signed-in users, written by trusted jobs only.
GRANT SELECT ON public.price_history, public.kg_entity_references TO authenticated;

-- Policies -----------------------------------------------------------------------------------
-- users: own profile
CREATE POLICY "Users can view own profile" ON public.users
  FOR SELECT TO authenticated USING ((select auth.uid()) = auth_user_id);
CREATE POLICY "Users can update own profile" ON public.users
  FOR UPDATE TO authenticated
  USING ((select auth.uid()) = auth_user_id) WITH CHECK ((select auth.uid()) = auth_user_id);

-- trips: owner-only CRUD (the seed's four policies)
CREATE POLICY "Users can view own trips" ON public.trips
  FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY "Users can create own trips" ON public.trips
  FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY "Users can update own trips" ON public.trips
  FOR UPDATE TO authenticated
  USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY "Users can delete own trips" ON public.trips
  FOR DELETE TO authenticated USING ((select auth.uid()) = user_id);

-- Trip children: through trip ownership, for reads and writes. WITH CHECK on insert and update
-- means a row can never be created under, or moved into, another user's trip.
DO $$
DECLARE
  t text;
  label text;
  owns text;
BEGIN
  FOREACH t IN ARRAY ARRAY['flights', 'accommodations', 'transportation', 'itinerary_items'] LOOP
    label := replace(t, '_', ' ');
    owns := format(
      'EXISTS (SELECT 1 FROM public.trips WHERE trips.id = %1$I.trip_id AND trips.user_id = (select auth.uid()))', t);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR SELECT TO authenticated USING (%s)',
                   'Users can view ' || label || ' for own trips', t, owns);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR INSERT TO authenticated WITH CHECK (%s)',
                   'Users can create ' || label || ' for own trips', t, owns);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR UPDATE TO authenticated USING (%s) WITH CHECK (%s)',
                   'Users can update ' || label || ' for own trips', t, owns, owns);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR DELETE TO authenticated USING (%s)',
                   'Users can delete ' || label || ' for own trips', t, owns);
  END LOOP;
END
$$;

-- User-owned rows attached to a trip: the row is the caller's AND, on write, so is the trip.
DO $$
DECLARE
  t text;
  label text;
  mine text;
  mine_on_own_trip text;
BEGIN
  FOREACH t IN ARRAY ARRAY['trip_notes', 'saved_options'] LOOP
    label := replace(t, '_', ' ');
    mine := '(select auth.uid()) = user_id';
    mine_on_own_trip := format(
      '%s AND EXISTS (SELECT 1 FROM public.trips WHERE trips.id = %I.trip_id AND trips.user_id = (select auth.uid()))',
      mine, t);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR SELECT TO authenticated USING (%s)',
                   'Users can view own ' || label, t, mine);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR INSERT TO authenticated WITH CHECK (%s)',
                   'Users can create own ' || label, t, mine_on_own_trip);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR UPDATE TO authenticated USING (%s) WITH CHECK (%s)',
                   'Users can update own ' || label, t, mine, mine_on_own_trip);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR DELETE TO authenticated USING (%s)',
                   'Users can delete own ' || label, t, mine);
  END LOOP;
END
$$;

-- Plain owner-only tables.
DO $$
DECLARE
  t text;
  label text;
  mine text := '(select auth.uid()) = user_id';
BEGIN
  FOREACH t IN ARRAY ARRAY['trip_comparisons', 'chat_sessions', 'api_keys'] LOOP
    label := replace(t, '_', ' ');
    EXECUTE format('CREATE POLICY %I ON public.%I FOR SELECT TO authenticated USING (%s)',
                   'Users can view own ' || label, t, mine);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR INSERT TO authenticated WITH CHECK (%s)',
                   'Users can create own ' || label, t, mine);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR UPDATE TO authenticated USING (%s) WITH CHECK (%s)',
                   'Users can update own ' || label, t, mine, mine);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR DELETE TO authenticated USING (%s)',
                   'Users can delete own ' || label, t, mine);
  END LOOP;
END
$$;

-- Search history is append-only for its owner: select, insert, delete.
CREATE POLICY "Users can view own search history" ON public.search_history
  FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY "Users can create own search history" ON public.search_history
  FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY "Users can delete own search history" ON public.search_history
  FOR DELETE TO authenticated USING ((select auth.uid()) = user_id);

-- chat_messages: through session ownership.
DO $$
DECLARE
  owns text := 'EXISTS (SELECT 1 FROM public.chat_sessions WHERE chat_sessions.id = chat_messages.session_id AND chat_sessions.user_id = (select auth.uid()))';
BEGIN
  EXECUTE format('CREATE POLICY %I ON public.chat_messages FOR SELECT TO authenticated USING (%s)',
                 'Users can view messages from own sessions', owns);
  EXECUTE format('CREATE POLICY %I ON public.chat_messages FOR INSERT TO authenticated WITH CHECK (%s)',
                 'Users can create messages in own sessions', owns);
  EXECUTE format('CREATE POLICY %I ON public.chat_messages FOR UPDATE TO authenticated USING (%s) WITH CHECK (%s)',
                 'Users can update messages in own sessions', owns, owns);
  EXECUTE format('CREATE POLICY %I ON public.chat_messages FOR DELETE TO authenticated USING (%s)',
                 'Users can delete messages in own sessions', owns);
END
$$;

-- Shared reference data: any signed-in user reads; no write policy, so only service_role writes.
CREATE POLICY "Signed-in users can view price history" ON public.price_history
  FOR SELECT TO authenticated USING (true);
CREATE POLICY "Signed-in users can view knowledge-graph references" ON public.kg_entity_references
  FOR SELECT TO authenticated USING (true);

-- Functions: nothing in public is callable by the API roles unless granted.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.update_updated_at_column(), public.update_chat_session_activity()
  TO authenticated, service_role;
