-- 000003: functions and triggers.
--
-- Every function has a fixed search_path (the seed's had none) and names objects with their
-- schema, so a caller's search_path can never redirect them.

-- updated_at, for every table that has the column (the seed lists four and says "continue").
CREATE OR REPLACE FUNCTION public.update_updated_at_column()
RETURNS TRIGGER
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER users_update_updated_at BEFORE UPDATE ON public.users
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER api_keys_update_updated_at BEFORE UPDATE ON public.api_keys
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER chat_sessions_update_updated_at BEFORE UPDATE ON public.chat_sessions
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER trips_update_updated_at BEFORE UPDATE ON public.trips
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER flights_update_updated_at BEFORE UPDATE ON public.flights
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER accommodations_update_updated_at BEFORE UPDATE ON public.accommodations
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER transportation_update_updated_at BEFORE UPDATE ON public.transportation
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER itinerary_items_update_updated_at BEFORE UPDATE ON public.itinerary_items
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER trip_notes_update_updated_at BEFORE UPDATE ON public.trip_notes
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER saved_options_update_updated_at BEFORE UPDATE ON public.saved_options
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER trip_comparisons_update_updated_at BEFORE UPDATE ON public.trip_comparisons
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER kg_entity_references_update_updated_at BEFORE UPDATE ON public.kg_entity_references
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

-- Chat session activity. SECURITY INVOKER on purpose: the message's insert has already passed
-- chat_messages' WITH CHECK (the session is the caller's), and chat_sessions' own UPDATE policy
-- lets the owner touch it, so the end user's trigger works under RLS without elevated rights.
-- Only moves forward, so an out-of-order insert cannot rewind it.
CREATE OR REPLACE FUNCTION public.update_chat_session_activity()
RETURNS TRIGGER
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    UPDATE public.chat_sessions
    SET last_message_at = NEW.created_at
    WHERE id = NEW.session_id
      AND (last_message_at IS NULL OR last_message_at < NEW.created_at);
    RETURN NEW;
END;
$$;

CREATE TRIGGER chat_messages_update_session_activity
AFTER INSERT ON public.chat_messages
FOR EACH ROW
EXECUTE FUNCTION public.update_chat_session_activity();

-- Price history retention: rows ingested more than a year ago. Scheduled by pg_cron where the
-- database has it, otherwise by the server's own scheduler (see docs/operations.md).
CREATE OR REPLACE FUNCTION public.cleanup_old_price_history()
RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    DELETE FROM public.price_history
    WHERE created_at < now() - INTERVAL '1 year';
END;
$$;

REVOKE EXECUTE ON FUNCTION public.cleanup_old_price_history() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.cleanup_old_price_history() TO service_role;

-- A profile row in public.users for every auth.users row: created on sign-up, email kept in step,
-- removed with the identity: the profile holds personal data, so this BEFORE DELETE trigger deletes
-- it before the seed's ON DELETE SET NULL (kept as the seed has it) could orphan it. SECURITY
-- DEFINER because sign-up writes auth.users as a trusted role that has no business writing
-- public.users directly; fixed search_path.
CREATE OR REPLACE FUNCTION public.handle_auth_user_change()
RETURNS TRIGGER
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public.users (auth_user_id, email, name)
        VALUES (NEW.id, public.profile_email(NEW.id, NEW.email), NEW.raw_user_meta_data ->> 'name');
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE public.users
        SET email = public.profile_email(NEW.id, NEW.email)
        WHERE auth_user_id = NEW.id
          AND email IS DISTINCT FROM public.profile_email(NEW.id, NEW.email);
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM public.users WHERE auth_user_id = OLD.id;
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

-- public.users.email is NOT NULL UNIQUE but an identity may have no email (anonymous or phone
-- sign-ins): such profiles get a unique placeholder in the reserved .invalid domain.
CREATE OR REPLACE FUNCTION public.profile_email(user_id uuid, email text)
RETURNS text
LANGUAGE sql
IMMUTABLE
SET search_path = ''
AS $$
    SELECT coalesce(lower(email), 'user-' || user_id::text || '@anonymous.invalid')
$$;

REVOKE EXECUTE ON FUNCTION public.handle_auth_user_change() FROM PUBLIC;

CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users
  FOR EACH ROW EXECUTE FUNCTION public.handle_auth_user_change();
CREATE TRIGGER on_auth_user_email_updated AFTER UPDATE OF email ON auth.users
  FOR EACH ROW EXECUTE FUNCTION public.handle_auth_user_change();
CREATE TRIGGER on_auth_user_deleted BEFORE DELETE ON auth.users
  FOR EACH ROW EXECUTE FUNCTION public.handle_auth_user_change();

-- Identities that existed before this migration (an existing Supabase project) get theirs too.
INSERT INTO public.users (auth_user_id, email, name)
SELECT u.id, public.profile_email(u.id, u.email), u.raw_user_meta_data ->> 'name'
FROM auth.users u
WHERE NOT EXISTS (SELECT 1 FROM public.users p WHERE p.auth_user_id = u.id)
ON CONFLICT (email) DO NOTHING;
