-- 000070: travelling together — trip collaborators with roles, and invitations by email
-- (docs/trip-planning.md "Travelling together", docs/schema.md).
--
-- Roles on a trip, enforced by RLS on every trip table:
--   viewer  reads the trip and everything under it;
--   editor  also creates, changes and deletes what is under it, and edits the trip's fields;
--   admin   also manages collaborators and invitations;
--   owner   (trips.user_id) everything: deleting the trip, transferring it.
-- The policies call SECURITY DEFINER helpers with a fixed search_path: they read trips and
-- trip_collaborators with their owner's rights, so a policy on trips never re-enters the policies
-- of trip_collaborators (and the other way round): no recursion.

CREATE TABLE IF NOT EXISTS public.trip_collaborators (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trip_id BIGINT NOT NULL REFERENCES public.trips(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT 'viewer',
    invited_by UUID DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE SET NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

    CONSTRAINT trip_collaborators_role_check CHECK (role IN ('viewer', 'editor', 'admin')),
    CONSTRAINT trip_collaborators_trip_user_unique UNIQUE (trip_id, user_id)
);

COMMENT ON TABLE public.trip_collaborators IS 'Users other than the owner who take part in a trip, with their role';
COMMENT ON COLUMN public.trip_collaborators.role IS 'viewer: reads; editor: also writes the trip and its plans; admin: also manages collaborators';

-- The helpers look up (trip_id, user_id): the unique constraint's index. "Trips shared with me"
-- looks up by user_id.
CREATE INDEX IF NOT EXISTS idx_trip_collaborators_user_id ON public.trip_collaborators (user_id, trip_id);
CREATE INDEX IF NOT EXISTS idx_trip_collaborators_invited_by ON public.trip_collaborators (invited_by);

-- An invitation for an email that has no account yet: it becomes a trip_collaborators row when
-- an identity with that (confirmed) email appears. Emails are stored lower-cased.
CREATE TABLE IF NOT EXISTS public.trip_invitations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trip_id BIGINT NOT NULL REFERENCES public.trips(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'viewer',
    invited_by UUID DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE SET NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

    CONSTRAINT trip_invitations_role_check CHECK (role IN ('viewer', 'editor', 'admin')),
    CONSTRAINT trip_invitations_email_check CHECK (email = lower(email) AND email ~ '^[^[:space:]@]+@[^[:space:]@]+$' AND length(email) <= 255),
    CONSTRAINT trip_invitations_trip_email_unique UNIQUE (trip_id, email)
);

COMMENT ON TABLE public.trip_invitations IS 'Pending invitations to a trip for emails without an account; claimed on sign-up';

CREATE INDEX IF NOT EXISTS idx_trip_invitations_email ON public.trip_invitations (email);
CREATE INDEX IF NOT EXISTS idx_trip_invitations_invited_by ON public.trip_invitations (invited_by);

CREATE TRIGGER trip_collaborators_update_updated_at BEFORE UPDATE ON public.trip_collaborators
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER trip_invitations_update_updated_at BEFORE UPDATE ON public.trip_invitations
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

-- The helpers --------------------------------------------------------------------------------
-- STABLE, SECURITY DEFINER (they read with their owner's rights, which bypass RLS: no policy
-- recursion), search_path ''. They answer for auth.uid() only, so they disclose nothing about
-- other users; anon and service_role (auth.uid() null) get null / false.

CREATE OR REPLACE FUNCTION public.trip_role(p_trip_id bigint)
RETURNS text
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
    SELECT CASE WHEN t.user_id = auth.uid() THEN 'owner' ELSE c.role END
    FROM public.trips t
    LEFT JOIN public.trip_collaborators c ON c.trip_id = t.id AND c.user_id = auth.uid()
    WHERE t.id = p_trip_id
$$;

CREATE OR REPLACE FUNCTION public.user_can_view_trip(p_trip_id bigint)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
    SELECT EXISTS (SELECT 1 FROM public.trips t WHERE t.id = p_trip_id AND t.user_id = auth.uid())
        OR EXISTS (SELECT 1 FROM public.trip_collaborators c WHERE c.trip_id = p_trip_id AND c.user_id = auth.uid())
$$;

CREATE OR REPLACE FUNCTION public.user_can_edit_trip(p_trip_id bigint)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
    SELECT EXISTS (SELECT 1 FROM public.trips t WHERE t.id = p_trip_id AND t.user_id = auth.uid())
        OR EXISTS (SELECT 1 FROM public.trip_collaborators c
                   WHERE c.trip_id = p_trip_id AND c.user_id = auth.uid() AND c.role IN ('editor', 'admin'))
$$;

CREATE OR REPLACE FUNCTION public.user_can_manage_trip(p_trip_id bigint)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
    SELECT EXISTS (SELECT 1 FROM public.trips t WHERE t.id = p_trip_id AND t.user_id = auth.uid())
        OR EXISTS (SELECT 1 FROM public.trip_collaborators c
                   WHERE c.trip_id = p_trip_id AND c.user_id = auth.uid() AND c.role = 'admin')
$$;

-- Owners and authors never change through the API roles ----------------------------------------
-- trips.user_id changes only through transfer_trip_ownership() (below), and the author of a note
-- or saved option never changes: an editor may edit another member's note, but not hand it to
-- someone. current_user is the API role for a client's statement, and the function's owner inside
-- a SECURITY DEFINER function; service_role (trusted jobs) is not restricted.
CREATE OR REPLACE FUNCTION public.forbid_owner_change()
RETURNS TRIGGER
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF NEW.user_id IS DISTINCT FROM OLD.user_id AND current_user IN ('anon', 'authenticated') THEN
        RAISE EXCEPTION 'the user_id of % cannot be changed', TG_TABLE_NAME
            USING ERRCODE = '42501',
                  HINT = CASE WHEN TG_TABLE_NAME = 'trips'
                              THEN 'the owner transfers a trip with POST /api/v1/trips/{trip_id}/transfer'
                              ELSE 'the author of a row stays its author' END;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trips_forbid_owner_change BEFORE UPDATE OF user_id ON public.trips
  FOR EACH ROW EXECUTE FUNCTION public.forbid_owner_change();
CREATE TRIGGER trip_notes_forbid_owner_change BEFORE UPDATE OF user_id ON public.trip_notes
  FOR EACH ROW EXECUTE FUNCTION public.forbid_owner_change();
CREATE TRIGGER saved_options_forbid_owner_change BEFORE UPDATE OF user_id ON public.saved_options
  FOR EACH ROW EXECUTE FUNCTION public.forbid_owner_change();

-- Membership rules: the owner is never also a collaborator, and a trip has at most 50
-- collaborators and pending invitations together (every collection a user can grow is capped).
-- The trip row is locked so that two concurrent invitations cannot both take the last place.
-- SECURITY INVOKER: a caller who may not add members sees neither the trip nor its members here,
-- and RLS then refuses the row anyway.
CREATE OR REPLACE FUNCTION public.check_trip_membership()
RETURNS TRIGGER
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    v_owner uuid;
    v_members integer;
BEGIN
    SELECT t.user_id INTO v_owner FROM public.trips t WHERE t.id = NEW.trip_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NEW;
    END IF;
    -- Nested: NEW of an invitation has no user_id, and an AND is not guaranteed to short-circuit.
    IF TG_TABLE_NAME = 'trip_collaborators' THEN
        IF NEW.user_id = v_owner THEN
            RAISE EXCEPTION 'this user owns the trip, so cannot also be a collaborator'
                USING ERRCODE = 'P0001', HINT = 'the owner already has every right on the trip';
        END IF;
    END IF;
    SELECT (SELECT count(*) FROM public.trip_collaborators c WHERE c.trip_id = NEW.trip_id)
         + (SELECT count(*) FROM public.trip_invitations i WHERE i.trip_id = NEW.trip_id)
      INTO v_members;
    IF v_members >= 50 THEN
        RAISE EXCEPTION 'a trip has at most 50 collaborators and pending invitations'
            USING ERRCODE = 'P0001', HINT = 'remove a collaborator or revoke an invitation first';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trip_collaborators_membership BEFORE INSERT ON public.trip_collaborators
  FOR EACH ROW EXECUTE FUNCTION public.check_trip_membership();
CREATE TRIGGER trip_invitations_membership BEFORE INSERT ON public.trip_invitations
  FOR EACH ROW EXECUTE FUNCTION public.check_trip_membership();

-- Inviting by email ------------------------------------------------------------------------------
-- The one way to find a user by email: a trip's owner or admin invites an address, and learns
-- only the outcome — 'added' (the address has an account: it is now a collaborator) or 'invited'
-- (a pending invitation). No function lists or searches accounts.
CREATE OR REPLACE FUNCTION public.invite_trip_collaborator(p_trip_id bigint, p_email text, p_role text)
RETURNS TABLE (status text, user_id uuid, invitation_id bigint)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    v_email text := lower(btrim(p_email));
    v_user uuid;
    v_invitation bigint;
BEGIN
    IF NOT public.user_can_manage_trip(p_trip_id) THEN
        RAISE EXCEPTION 'only the trip''s owner or an admin can invite collaborators'
            USING ERRCODE = '42501';
    END IF;
    SELECT u.id INTO v_user FROM auth.users u WHERE lower(u.email) = v_email AND u.deleted_at IS NULL;
    IF v_user IS NOT NULL THEN
        INSERT INTO public.trip_collaborators (trip_id, user_id, role, invited_by)
        VALUES (p_trip_id, v_user, p_role, auth.uid());
        RETURN QUERY SELECT 'added'::text, v_user, NULL::bigint;
    ELSE
        INSERT INTO public.trip_invitations (trip_id, email, role, invited_by)
        VALUES (p_trip_id, v_email, p_role, auth.uid())
        RETURNING id INTO v_invitation;
        RETURN QUERY SELECT 'invited'::text, NULL::uuid, v_invitation;
    END IF;
END;
$$;

-- Claiming invitations: when an identity gets a confirmed email (sign-up with auto-confirm, a
-- later confirmation, or an email change), the invitations for that email become collaborator
-- rows. Unconfirmed emails claim nothing, so signing up with someone else's address (where
-- confirmation is on) does not take their invitations. Deleted first, then inserted, so the
-- membership cap counts each place once.
CREATE OR REPLACE FUNCTION public.claim_trip_invitations()
RETURNS TRIGGER
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    r record;
BEGIN
    IF NEW.email IS NULL OR NEW.email_confirmed_at IS NULL THEN
        RETURN NEW;
    END IF;
    FOR r IN DELETE FROM public.trip_invitations i WHERE i.email = lower(NEW.email)
             RETURNING i.trip_id, i.role, i.invited_by LOOP
        INSERT INTO public.trip_collaborators (trip_id, user_id, role, invited_by)
        SELECT r.trip_id, NEW.id, r.role, r.invited_by
        FROM public.trips t
        WHERE t.id = r.trip_id AND t.user_id <> NEW.id
        ON CONFLICT (trip_id, user_id) DO NOTHING;
    END LOOP;
    RETURN NEW;
END;
$$;

CREATE TRIGGER on_auth_user_claim_invitations
AFTER INSERT OR UPDATE OF email, email_confirmed_at ON auth.users
FOR EACH ROW EXECUTE FUNCTION public.claim_trip_invitations();

-- The members of a trip with their emails, for anyone who can view it: the owner first, then the
-- collaborators. Profiles (public.users) are otherwise readable only by their own user.
CREATE OR REPLACE FUNCTION public.trip_members(p_trip_id bigint)
RETURNS TABLE (user_id uuid, email text, name text, role text, invited_by uuid, created_at timestamptz, updated_at timestamptz)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
    SELECT m.user_id, p.email, p.name, m.role, m.invited_by, m.created_at, m.updated_at
    FROM (
        SELECT t.user_id, 'owner' AS role, NULL::uuid AS invited_by, t.created_at, t.updated_at, 0 AS rank
        FROM public.trips t WHERE t.id = p_trip_id
        UNION ALL
        SELECT c.user_id, c.role, c.invited_by, c.created_at, c.updated_at, 1
        FROM public.trip_collaborators c WHERE c.trip_id = p_trip_id
    ) m
    LEFT JOIN public.users p ON p.auth_user_id = m.user_id
    WHERE public.user_can_view_trip(p_trip_id)
    ORDER BY m.rank, m.created_at, m.user_id
$$;

-- Transferring a trip: only its owner, only to a current collaborator. The new owner's
-- collaborator row goes; the previous owner stays on the trip as an admin.
CREATE OR REPLACE FUNCTION public.transfer_trip_ownership(p_trip_id bigint, p_new_owner uuid)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_owner uuid;
BEGIN
    IF public.trip_role(p_trip_id) IS DISTINCT FROM 'owner' THEN
        RAISE EXCEPTION 'only the trip''s owner can transfer it' USING ERRCODE = '42501';
    END IF;
    SELECT t.user_id INTO v_owner FROM public.trips t WHERE t.id = p_trip_id FOR UPDATE;
    DELETE FROM public.trip_collaborators c WHERE c.trip_id = p_trip_id AND c.user_id = p_new_owner;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the new owner must be a collaborator of the trip'
            USING ERRCODE = 'P0001', HINT = 'invite them first (POST /api/v1/trips/{trip_id}/collaborators)';
    END IF;
    UPDATE public.trips SET user_id = p_new_owner WHERE id = p_trip_id;
    INSERT INTO public.trip_collaborators (trip_id, user_id, role, invited_by)
    VALUES (p_trip_id, v_owner, 'admin', p_new_owner);
END;
$$;

-- Privileges ---------------------------------------------------------------------------------
ALTER TABLE public.trip_collaborators ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.trip_invitations ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.trip_collaborators, public.trip_invitations FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.trip_collaborators, public.trip_invitations TO service_role;
-- Collaborators: added (by id) and removed under RLS; only the role changes afterwards.
GRANT SELECT, INSERT (trip_id, user_id, role, invited_by), UPDATE (role), DELETE ON public.trip_collaborators TO authenticated;
-- Invitations are created only by invite_trip_collaborator(), which decides between the two tables.
GRANT SELECT, DELETE ON public.trip_invitations TO authenticated;

REVOKE EXECUTE ON FUNCTION
  public.trip_role(bigint), public.user_can_view_trip(bigint), public.user_can_edit_trip(bigint),
  public.user_can_manage_trip(bigint), public.forbid_owner_change(), public.check_trip_membership(),
  public.invite_trip_collaborator(bigint, text, text), public.claim_trip_invitations(),
  public.trip_members(bigint), public.transfer_trip_ownership(bigint, uuid)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  public.trip_role(bigint), public.user_can_view_trip(bigint), public.user_can_edit_trip(bigint),
  public.user_can_manage_trip(bigint), public.forbid_owner_change(), public.check_trip_membership(),
  public.invite_trip_collaborator(bigint, text, text), public.trip_members(bigint),
  public.transfer_trip_ownership(bigint, uuid)
TO authenticated, service_role;

-- Policies -----------------------------------------------------------------------------------
-- trips: members read; owner, admins and editors update; only the owner creates (as owner) and
-- deletes. The owner's own rows pass on the plain column test before any helper is called.
DROP POLICY IF EXISTS "Users can view own trips" ON public.trips;
DROP POLICY IF EXISTS "Users can update own trips" ON public.trips;
CREATE POLICY "Trip members can view trips" ON public.trips
  FOR SELECT TO authenticated
  USING ((select auth.uid()) = user_id OR public.user_can_view_trip(id));
CREATE POLICY "Trip editors can update trips" ON public.trips
  FOR UPDATE TO authenticated
  USING ((select auth.uid()) = user_id OR public.user_can_edit_trip(id))
  WITH CHECK ((select auth.uid()) = user_id OR public.user_can_edit_trip(id));

-- Everything planned under a trip: members read; editors and up write. WITH CHECK on insert and
-- update: a row can be created under, or moved into, only a trip the caller may edit.
DO $$
DECLARE
  t text;
  label text;
  author text;
BEGIN
  FOREACH t IN ARRAY ARRAY['flights', 'accommodations', 'transportation', 'itinerary_items', 'trip_notes', 'saved_options'] LOOP
    label := replace(t, '_', ' ');
    -- Notes and saved options keep their author: a new one is the caller's own.
    author := CASE WHEN t IN ('trip_notes', 'saved_options') THEN '(select auth.uid()) = user_id AND ' ELSE '' END;
    IF t IN ('trip_notes', 'saved_options') THEN
      EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', 'Users can view own ' || label, t);
      EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', 'Users can create own ' || label, t);
      EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', 'Users can update own ' || label, t);
      EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', 'Users can delete own ' || label, t);
    ELSE
      EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', 'Users can view ' || label || ' for own trips', t);
      EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', 'Users can create ' || label || ' for own trips', t);
      EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', 'Users can update ' || label || ' for own trips', t);
      EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', 'Users can delete ' || label || ' for own trips', t);
    END IF;
    EXECUTE format('CREATE POLICY %I ON public.%I FOR SELECT TO authenticated USING (public.user_can_view_trip(trip_id))',
                   'Trip members can view ' || label, t);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR INSERT TO authenticated WITH CHECK (%spublic.user_can_edit_trip(trip_id))',
                   'Trip editors can create ' || label, t, author);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR UPDATE TO authenticated USING (public.user_can_edit_trip(trip_id)) WITH CHECK (public.user_can_edit_trip(trip_id))',
                   'Trip editors can update ' || label, t);
    EXECUTE format('CREATE POLICY %I ON public.%I FOR DELETE TO authenticated USING (public.user_can_edit_trip(trip_id))',
                   'Trip editors can delete ' || label, t);
  END LOOP;
END
$$;

-- Collaborators: members see who else is on the trip; the owner and admins add, re-role and
-- remove them; anyone may remove themself (leave).
CREATE POLICY "Trip members can view collaborators" ON public.trip_collaborators
  FOR SELECT TO authenticated USING (public.user_can_view_trip(trip_id));
CREATE POLICY "Trip admins can add collaborators" ON public.trip_collaborators
  FOR INSERT TO authenticated
  WITH CHECK (invited_by = (select auth.uid()) AND public.user_can_manage_trip(trip_id));
CREATE POLICY "Trip admins can change roles" ON public.trip_collaborators
  FOR UPDATE TO authenticated
  USING (public.user_can_manage_trip(trip_id)) WITH CHECK (public.user_can_manage_trip(trip_id));
CREATE POLICY "Trip admins remove collaborators, who can also leave" ON public.trip_collaborators
  FOR DELETE TO authenticated
  USING ((select auth.uid()) = user_id OR public.user_can_manage_trip(trip_id));

-- Invitations: the owner and admins list and revoke them.
CREATE POLICY "Trip admins can view invitations" ON public.trip_invitations
  FOR SELECT TO authenticated USING (public.user_can_manage_trip(trip_id));
CREATE POLICY "Trip admins can revoke invitations" ON public.trip_invitations
  FOR DELETE TO authenticated USING (public.user_can_manage_trip(trip_id));
