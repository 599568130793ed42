-- 000020: trip-planning guarantees (docs/trip-planning.md).
--
-- 1. An itinerary item's day lies within its trip: day_number <= end_date - start_date + 1.
--    Checked on insert and on any change of day_number or trip_id, and, from the other side, when
--    a trip's dates change so that items would fall beyond its last day. Raised as P0001 with a
--    plain message, which the API answers as 400.
-- 2. At most one selected saved option per (trip, option_type): a partial unique index. The API
--    deselects the others first, in the same transaction; the index is the guarantee.
--
-- Both functions are SECURITY INVOKER: they read the caller's own trip / items, which the caller's
-- RLS policies already let them see (a trip the caller cannot see is rejected by RLS anyway).

CREATE OR REPLACE FUNCTION public.check_itinerary_day_within_trip()
RETURNS TRIGGER
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    v_start date;
    v_end date;
    v_days integer;
BEGIN
    SELECT t.start_date, t.end_date INTO v_start, v_end
    FROM public.trips t
    WHERE t.id = NEW.trip_id;
    IF NOT FOUND THEN
        RETURN NEW;  -- not visible: RLS (or the foreign key) rejects the row
    END IF;
    v_days := v_end - v_start + 1;
    IF NEW.day_number > v_days THEN
        RAISE EXCEPTION 'day_number % is beyond the trip''s last day (the trip has % day(s), % to %)',
            NEW.day_number, v_days, v_start, v_end
            USING ERRCODE = 'P0001',
                  DETAIL = format('trip %s runs from %s to %s', NEW.trip_id, v_start, v_end),
                  HINT = format('use a day_number from 1 to %s, or extend the trip''s end_date first', v_days);
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER itinerary_items_day_within_trip
BEFORE INSERT OR UPDATE OF day_number, trip_id ON public.itinerary_items
FOR EACH ROW EXECUTE FUNCTION public.check_itinerary_day_within_trip();

CREATE OR REPLACE FUNCTION public.check_trip_covers_itinerary()
RETURNS TRIGGER
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    v_days integer := NEW.end_date - NEW.start_date + 1;
    v_last integer;
BEGIN
    SELECT max(i.day_number) INTO v_last
    FROM public.itinerary_items i
    WHERE i.trip_id = NEW.id;
    IF v_last IS NOT NULL AND v_last > v_days THEN
        RAISE EXCEPTION 'the trip would have % day(s), but its itinerary has items on day %', v_days, v_last
            USING ERRCODE = 'P0001',
                  HINT = format('move or delete the itinerary items after day %s first, or keep the trip at least %s day(s) long', v_days, v_last);
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trips_cover_itinerary
BEFORE UPDATE OF start_date, end_date ON public.trips
FOR EACH ROW EXECUTE FUNCTION public.check_trip_covers_itinerary();

GRANT EXECUTE ON FUNCTION public.check_itinerary_day_within_trip(), public.check_trip_covers_itinerary()
  TO authenticated, service_role;

-- Existing data: keep only the most recently updated selection per (trip, option_type).
UPDATE public.saved_options s
SET is_selected = false
WHERE s.is_selected
  AND EXISTS (
    SELECT 1 FROM public.saved_options o
    WHERE o.trip_id = s.trip_id AND o.option_type = s.option_type AND o.is_selected
      AND (o.updated_at, o.id) > (s.updated_at, s.id)
  );

CREATE UNIQUE INDEX IF NOT EXISTS idx_saved_options_one_selected
ON public.saved_options (trip_id, option_type)
WHERE is_selected;
