-- 000050: owner columns default to the caller.
--
-- On a user-owned table the owner is always the caller (the RLS policies check
-- user_id = auth.uid() on insert), so the database fills it in: a supabase-js insert such as
-- supabase.from('trips').insert({ name: 'Lisbon', … }) needs no user_id, as in Supabase's own
-- guides. A request that gives user_id explicitly still works, and still must give its own id.
-- Outside a user's request (service_role, migrations) auth.uid() is NULL, and NOT NULL refuses
-- the row as before.
ALTER TABLE public.trips ALTER COLUMN user_id SET DEFAULT auth.uid();
ALTER TABLE public.api_keys ALTER COLUMN user_id SET DEFAULT auth.uid();
ALTER TABLE public.chat_sessions ALTER COLUMN user_id SET DEFAULT auth.uid();
ALTER TABLE public.search_history ALTER COLUMN user_id SET DEFAULT auth.uid();
ALTER TABLE public.trip_notes ALTER COLUMN user_id SET DEFAULT auth.uid();
ALTER TABLE public.saved_options ALTER COLUMN user_id SET DEFAULT auth.uid();
ALTER TABLE public.trip_comparisons ALTER COLUMN user_id SET DEFAULT auth.uid();

-- memory_embeddings exists only where the memory feature (pgvector) is migrated.
DO $$
BEGIN
  IF to_regclass('public.memory_embeddings') IS NOT NULL THEN
    ALTER TABLE public.memory_embeddings ALTER COLUMN user_id SET DEFAULT auth.uid();
  END IF;
END
$$;
