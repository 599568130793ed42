-- 000008: a masked hint for stored API keys.
--
-- Lists show which key is which by its last four characters, never the value. The ciphertext is
-- unreadable to the user's role (column privileges), so the hint is kept beside it, written when
-- the key is stored. A deviation from the seed, listed in docs/schema.md.
ALTER TABLE public.api_keys ADD COLUMN IF NOT EXISTS key_hint text;
COMMENT ON COLUMN public.api_keys.key_hint IS 'Masked hint of the key: its last 4 characters';
GRANT SELECT (key_hint), INSERT (key_hint), UPDATE (key_hint) ON public.api_keys TO authenticated;
