-- 000071: budgets in several currencies (docs/trip-planning.md "Currencies", docs/schema.md).
--
-- * The domain currency_code: an ISO 4217 code from the list in iso_currency_codes() (the ISO
--   list of 2024-06-25, plus XCG, in use from 2025). One definition checks every currency column.
-- * trips.currency: the trip's budget currency (default USD, which every existing trip gets: until
--   now amounts had no currency, so existing trips and their costs keep one common unit).
-- * currency on every cost row (flights, accommodations, transportation, itinerary_items),
--   defaulting to its trip's currency on insert (a trigger: a column default cannot read the trip).
-- * exchange_rates (base, quote, rate, as_of): 1 base = rate quote on that day; written by
--   service_role, readable by signed-in users.
-- * convert_amount(): a cost in the trip's currency with the latest rate on or before the cost's
--   date, the pair in either direction, rounded to the target currency's minor unit; NULL when no
--   rate exists (reported as unconverted, never summed).

CREATE OR REPLACE FUNCTION public.iso_currency_codes()
RETURNS text[]
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT ARRAY[
        'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BHD',
        'BIF', 'BMD', 'BND', 'BOB', 'BOV', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHE', 'CHF',
        'CHW', 'CLF', 'CLP', 'CNY', 'COP', 'COU', 'CRC', 'CUC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD',
        'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GNF', 'GTQ', 'GYD', 'HKD',
        'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IQD', 'IRR', 'ISK', 'JMD', 'JOD', 'JPY', 'KES', 'KGS', 'KHR',
        'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA',
        'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MXV', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO',
        'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'PYG', 'QAR', 'RON', 'RSD', 'RUB',
        'RWF', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP',
        'SZL', 'THB', 'TJS', 'TMT', 'TND', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'UGX', 'USD', 'USN', 'UYI',
        'UYU', 'UYW', 'UZS', 'VED', 'VES', 'VND', 'VUV', 'WST', 'XAF', 'XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD',
        'XCD', 'XCG', 'XDR', 'XOF', 'XPD', 'XPF', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX', 'YER', 'ZAR', 'ZMW', 'ZWG'
    ]::text[]
$$;

-- ISO 4217 minor units: 0 and 3 (and 4) where they differ from the usual 2; NULL for the codes
-- without one (precious metals, funds, test codes), which are then not rounded.
CREATE OR REPLACE FUNCTION public.currency_minor_units(p_code text)
RETURNS integer
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT CASE
        WHEN p_code IN ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI',
                        'VND', 'VUV', 'XAF', 'XOF', 'XPF') THEN 0
        WHEN p_code IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND') THEN 3
        WHEN p_code IN ('CLF', 'UYW') THEN 4
        WHEN p_code IN ('XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA',
                        'XXX') THEN NULL
        ELSE 2
    END
$$;

CREATE DOMAIN public.currency_code AS text
  CONSTRAINT currency_code_check CHECK (VALUE = ANY (public.iso_currency_codes()));
COMMENT ON DOMAIN public.currency_code IS 'An ISO 4217 currency code (upper case), e.g. EUR';

-- The trip's currency, and each cost's. Existing rows all get USD (one common unit, as before);
-- the cost columns then lose their default, so a new cost takes its trip's currency (trigger).
ALTER TABLE public.trips ADD COLUMN IF NOT EXISTS currency public.currency_code NOT NULL DEFAULT 'USD';
COMMENT ON COLUMN public.trips.currency IS 'ISO 4217 currency of the budget; costs are converted into it';

-- A cost without a currency takes its trip's. SECURITY INVOKER: it reads only a trip the caller
-- can see. For a trip that does not exist, or that the caller cannot see, it writes XXX (ISO 4217:
-- "no currency") so that the foreign key or RLS, not NOT NULL, refuses the row with the right
-- error; such a row is never stored.
CREATE OR REPLACE FUNCTION public.default_cost_currency()
RETURNS TRIGGER
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF NEW.currency IS NULL THEN
        NEW.currency := coalesce((SELECT t.currency FROM public.trips t WHERE t.id = NEW.trip_id), 'XXX');
    END IF;
    RETURN NEW;
END;
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['flights', 'accommodations', 'transportation', 'itinerary_items'] LOOP
    EXECUTE format('ALTER TABLE public.%I ADD COLUMN IF NOT EXISTS currency public.currency_code NOT NULL DEFAULT %L', t, 'USD');
    EXECUTE format('ALTER TABLE public.%I ALTER COLUMN currency DROP DEFAULT', t);
    EXECUTE format('COMMENT ON COLUMN public.%I.currency IS %L', t, 'ISO 4217 currency of this cost; defaults to the trip''s currency');
    EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON public.%I FOR EACH ROW EXECUTE FUNCTION public.default_cost_currency()',
                   t || '_default_currency', t);
  END LOOP;
END
$$;

-- Exchange rates ---------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS public.exchange_rates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    base public.currency_code NOT NULL,
    quote public.currency_code NOT NULL,
    rate NUMERIC NOT NULL,
    as_of DATE NOT NULL,
    source TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

    CONSTRAINT exchange_rates_rate_check CHECK (rate > 0),
    CONSTRAINT exchange_rates_pair_check CHECK (base <> quote),
    CONSTRAINT exchange_rates_pair_date_unique UNIQUE (base, quote, as_of)
);

COMMENT ON TABLE public.exchange_rates IS 'Exchange rates: 1 unit of base is worth rate units of quote on as_of';

-- The unique constraint's index (base, quote, as_of) serves "the latest rate on or before a day"
-- as a backward index scan.

CREATE TRIGGER exchange_rates_update_updated_at BEFORE UPDATE ON public.exchange_rates
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

ALTER TABLE public.exchange_rates ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.exchange_rates FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.exchange_rates TO service_role;
GRANT SELECT ON public.exchange_rates TO authenticated;
CREATE POLICY "Signed-in users can view exchange rates" ON public.exchange_rates
  FOR SELECT TO authenticated USING (true);

-- An amount in another currency, with the latest rate on or before p_on: base→quote multiplies,
-- quote→base divides; on a tie the direct pair wins. Rounded (half away from zero) to the target's
-- minor unit, so the converted lines add up exactly to their total. NULL when no rate exists.
-- SECURITY INVOKER: exchange_rates is readable by the callers that compute summaries.
CREATE OR REPLACE FUNCTION public.convert_amount(p_amount numeric, p_from text, p_to text, p_on date)
RETURNS numeric
LANGUAGE sql
STABLE
SET search_path = ''
AS $$
    SELECT CASE
        WHEN p_amount IS NULL THEN NULL
        WHEN p_from = p_to THEN p_amount
        ELSE (
            SELECT CASE WHEN public.currency_minor_units(p_to) IS NULL THEN x.converted
                        ELSE round(x.converted, public.currency_minor_units(p_to)) END
            FROM (
                (SELECT p_amount * r.rate AS converted, r.as_of, 0 AS preference
                 FROM public.exchange_rates r
                 WHERE r.base = p_from AND r.quote = p_to AND r.as_of <= p_on
                 ORDER BY r.as_of DESC LIMIT 1)
                UNION ALL
                (SELECT p_amount / r.rate, r.as_of, 1
                 FROM public.exchange_rates r
                 WHERE r.base = p_to AND r.quote = p_from AND r.as_of <= p_on
                 ORDER BY r.as_of DESC LIMIT 1)
            ) x
            ORDER BY x.as_of DESC, x.preference
            LIMIT 1)
    END
$$;

REVOKE EXECUTE ON FUNCTION public.iso_currency_codes(), public.currency_minor_units(text),
  public.default_cost_currency(), public.convert_amount(numeric, text, text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.iso_currency_codes(), public.currency_minor_units(text),
  public.default_cost_currency(), public.convert_amount(numeric, text, text, date)
  TO anon, authenticated, service_role;
