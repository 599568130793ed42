-- 000002: the seed's tables, their constraints, comments and indexes.
--
-- Copied from the schema reference (shared/seed/tripsage-database-schema.md) section by section,
-- so names, types, defaults and constraint names are the seed's own. Deviations are marked
-- `-- deviation:` and listed in docs/schema.md. memory_embeddings lives in 000006 (it needs
-- pgvector, which TRIPSAGE_MEMORY=off may leave out).

CREATE TABLE IF NOT EXISTS public.users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    auth_user_id UUID REFERENCES auth.users(id) ON DELETE SET NULL,
    name TEXT,
    email TEXT NOT NULL UNIQUE,
    preferences_json JSONB,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

COMMENT ON TABLE public.users IS 'User profiles and preferences, linking to Supabase authentication';
COMMENT ON COLUMN public.users.auth_user_id IS 'Links to Supabase auth.users table';
COMMENT ON COLUMN public.users.preferences_json IS 'User travel preferences and settings';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_users_auth_user_id ON public.users (auth_user_id);
CREATE INDEX IF NOT EXISTS idx_users_email ON public.users (email);

CREATE TABLE IF NOT EXISTS public.api_keys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    service_name TEXT NOT NULL,
    key_name TEXT NOT NULL,
    encrypted_value TEXT NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    last_used_at TIMESTAMP WITH TIME ZONE,
    expires_at TIMESTAMP WITH TIME ZONE,
    usage_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

    CONSTRAINT api_keys_user_service_key_unique UNIQUE (user_id, service_name, key_name)
);

COMMENT ON TABLE public.api_keys IS 'Encrypted storage of user-provided API keys for external services';
COMMENT ON COLUMN public.api_keys.encrypted_value IS 'AES-256 encrypted API key value';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_api_keys_user_id ON public.api_keys (user_id);
CREATE INDEX IF NOT EXISTS idx_api_keys_service_name ON public.api_keys (service_name);

CREATE TABLE IF NOT EXISTS public.chat_sessions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    title TEXT NOT NULL DEFAULT 'New Chat',
    context_data JSONB NOT NULL DEFAULT '{}',
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    last_message_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

COMMENT ON TABLE public.chat_sessions IS 'AI chat sessions for travel planning conversations';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_chat_sessions_user_id ON public.chat_sessions (user_id);
CREATE INDEX IF NOT EXISTS idx_chat_sessions_last_message_at ON public.chat_sessions (last_message_at DESC);

CREATE TABLE IF NOT EXISTS public.chat_messages (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id UUID NOT NULL REFERENCES public.chat_sessions(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content TEXT NOT NULL,
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

COMMENT ON TABLE public.chat_messages IS 'Individual messages within chat sessions';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_chat_messages_session_id ON public.chat_messages (session_id);
CREATE INDEX IF NOT EXISTS idx_chat_messages_created_at ON public.chat_messages (created_at);

CREATE TABLE IF NOT EXISTS public.trips (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    destination TEXT NOT NULL,
    budget NUMERIC NOT NULL,
    travelers INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL DEFAULT 'planning',
    trip_type TEXT NOT NULL DEFAULT 'leisure',
    flexibility JSONB,
    description TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

    CONSTRAINT trips_date_check CHECK (end_date >= start_date),
    CONSTRAINT trips_travelers_check CHECK (travelers > 0),
    CONSTRAINT trips_budget_check CHECK (budget > 0),
    CONSTRAINT trips_status_check CHECK (status IN ('planning', 'booked', 'completed', 'canceled')),
    CONSTRAINT trips_type_check CHECK (trip_type IN ('leisure', 'business', 'family', 'solo', 'other'))
);

COMMENT ON TABLE public.trips IS 'Core trip information and planning details';
COMMENT ON COLUMN public.trips.flexibility IS 'JSONB field for storing flexibility preferences (date ranges, budget flexibility)';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_trips_user_id ON public.trips (user_id);
CREATE INDEX IF NOT EXISTS idx_trips_status ON public.trips (status);
CREATE INDEX IF NOT EXISTS idx_trips_start_date ON public.trips (start_date);

CREATE TABLE IF NOT EXISTS public.flights (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trip_id BIGINT NOT NULL REFERENCES public.trips(id) ON DELETE CASCADE,
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    airline TEXT,
    departure_time TIMESTAMP WITH TIME ZONE NOT NULL,
    arrival_time TIMESTAMP WITH TIME ZONE NOT NULL,
    price NUMERIC NOT NULL,
    booking_link TEXT,
    segment_number INTEGER,
    search_timestamp TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    booking_status TEXT NOT NULL DEFAULT 'saved',
    data_source TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

    CONSTRAINT flights_price_check CHECK (price >= 0),
    CONSTRAINT flights_time_check CHECK (arrival_time >= departure_time)
);

COMMENT ON TABLE public.flights IS 'Flight information and booking details for trips';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_flights_trip_id ON public.flights (trip_id);
CREATE INDEX IF NOT EXISTS idx_flights_departure_time ON public.flights (departure_time);
CREATE INDEX IF NOT EXISTS idx_flights_origin_destination ON public.flights (origin, destination);

CREATE TABLE IF NOT EXISTS public.accommodations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trip_id BIGINT NOT NULL REFERENCES public.trips(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    check_in_date DATE NOT NULL,
    check_out_date DATE NOT NULL,
    price_per_night NUMERIC NOT NULL,
    total_price NUMERIC NOT NULL,
    location TEXT NOT NULL,
    rating NUMERIC,
    amenities JSONB,
    booking_link TEXT,
    search_timestamp TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    booking_status TEXT NOT NULL DEFAULT 'saved',
    cancellation_policy TEXT,
    distance_to_center NUMERIC,
    neighborhood TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

    CONSTRAINT accommodations_date_check CHECK (check_out_date >= check_in_date),
    CONSTRAINT accommodations_price_per_night_check CHECK (price_per_night >= 0),
    CONSTRAINT accommodations_total_price_check CHECK (total_price >= 0),
    CONSTRAINT accommodations_rating_check CHECK (rating IS NULL OR (rating >= 0 AND rating <= 5))
);

COMMENT ON TABLE public.accommodations IS 'Accommodation options and booking information';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_accommodations_trip_id ON public.accommodations (trip_id);
CREATE INDEX IF NOT EXISTS idx_accommodations_check_in_date ON public.accommodations (check_in_date);
CREATE INDEX IF NOT EXISTS idx_accommodations_type ON public.accommodations (type);

CREATE TABLE IF NOT EXISTS public.transportation (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trip_id BIGINT NOT NULL REFERENCES public.trips(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    departure_time TIMESTAMP WITH TIME ZONE NOT NULL,
    arrival_time TIMESTAMP WITH TIME ZONE NOT NULL,
    price NUMERIC NOT NULL,
    provider_name TEXT,
    booking_reference TEXT,
    status TEXT NOT NULL DEFAULT 'planned',
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

    CONSTRAINT transportation_price_check CHECK (price >= 0),
    CONSTRAINT transportation_time_check CHECK (arrival_time >= departure_time)
);

COMMENT ON TABLE public.transportation IS 'Local transportation options during trips';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_transportation_trip_id ON public.transportation (trip_id);
CREATE INDEX IF NOT EXISTS idx_transportation_type ON public.transportation (type);

CREATE TABLE IF NOT EXISTS public.itinerary_items (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trip_id BIGINT NOT NULL REFERENCES public.trips(id) ON DELETE CASCADE,
    day_number INTEGER NOT NULL,
    start_time TIME WITHOUT TIME ZONE NOT NULL,
    end_time TIME WITHOUT TIME ZONE NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    location TEXT,
    category TEXT,
    cost NUMERIC,
    priority INTEGER,
    notes TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

    CONSTRAINT itinerary_items_day_number_check CHECK (day_number > 0),
    CONSTRAINT itinerary_items_time_check CHECK (end_time >= start_time),
    CONSTRAINT itinerary_items_cost_check CHECK (cost IS NULL OR cost >= 0)
);

COMMENT ON TABLE public.itinerary_items IS 'Detailed daily activities and events for trips';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_itinerary_items_trip_id ON public.itinerary_items (trip_id);
CREATE INDEX IF NOT EXISTS idx_itinerary_items_day_number ON public.itinerary_items (trip_id, day_number);

CREATE TABLE IF NOT EXISTS public.search_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    search_type TEXT NOT NULL,
    search_params JSONB NOT NULL,
    results_count INTEGER,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

    CONSTRAINT search_history_type_check CHECK (search_type IN ('flight', 'accommodation', 'activity', 'destination', 'general_web'))
);

COMMENT ON TABLE public.search_history IS 'User search history for analytics and recommendations';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_search_history_user_id ON public.search_history (user_id);
CREATE INDEX IF NOT EXISTS idx_search_history_search_type ON public.search_history (search_type);
CREATE INDEX IF NOT EXISTS idx_search_history_created_at ON public.search_history (created_at DESC);

CREATE TABLE IF NOT EXISTS public.price_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_ref TEXT NOT NULL,
    price NUMERIC NOT NULL,
    currency TEXT NOT NULL,
    timestamp TIMESTAMP WITH TIME ZONE NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

    CONSTRAINT price_history_price_check CHECK (price >= 0)
);

COMMENT ON TABLE public.price_history IS 'Historical pricing data for travel entities and trend analysis';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_price_history_entity_ref_timestamp ON public.price_history (entity_ref, timestamp DESC);
CREATE INDEX IF NOT EXISTS idx_price_history_entity_type ON public.price_history (entity_type);

CREATE TABLE IF NOT EXISTS public.trip_notes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trip_id BIGINT NOT NULL REFERENCES public.trips(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

COMMENT ON TABLE public.trip_notes IS 'User-specific notes related to trips';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_trip_notes_trip_id ON public.trip_notes (trip_id);
CREATE INDEX IF NOT EXISTS idx_trip_notes_user_id ON public.trip_notes (user_id);

CREATE TABLE IF NOT EXISTS public.saved_options (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trip_id BIGINT NOT NULL REFERENCES public.trips(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    option_type TEXT NOT NULL,
    option_data JSONB NOT NULL,
    is_selected BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

COMMENT ON TABLE public.saved_options IS 'Alternative travel options saved during planning';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_saved_options_trip_id ON public.saved_options (trip_id);
CREATE INDEX IF NOT EXISTS idx_saved_options_user_id ON public.saved_options (user_id);
CREATE INDEX IF NOT EXISTS idx_saved_options_type ON public.saved_options (option_type);

CREATE TABLE IF NOT EXISTS public.trip_comparisons (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT,
    comparison_data JSONB NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

COMMENT ON TABLE public.trip_comparisons IS 'Data for comparing different trip configurations';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_trip_comparisons_user_id ON public.trip_comparisons (user_id);

CREATE TABLE IF NOT EXISTS public.kg_entity_references (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    primary_db_table TEXT NOT NULL,
    primary_db_id TEXT NOT NULL,
    properties JSONB,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

    CONSTRAINT uq_kg_primary_db_link UNIQUE (primary_db_table, primary_db_id, entity_type)
);

COMMENT ON TABLE public.kg_entity_references IS 'Links relational database records to knowledge graph entities';

-- Indexes
CREATE INDEX IF NOT EXISTS idx_kg_entity_references_entity_id ON public.kg_entity_references (entity_id);
CREATE INDEX IF NOT EXISTS idx_kg_entity_references_primary_db ON public.kg_entity_references (primary_db_table, primary_db_id);

-- Performance indexes (seed: Indexes and Performance)
-- User-centric queries
CREATE INDEX IF NOT EXISTS idx_trips_user_status_date ON public.trips (user_id, status, start_date);
CREATE INDEX IF NOT EXISTS idx_flights_trip_departure ON public.flights (trip_id, departure_time);
CREATE INDEX IF NOT EXISTS idx_accommodations_trip_checkin ON public.accommodations (trip_id, check_in_date);

-- Search and filtering
CREATE INDEX IF NOT EXISTS idx_price_history_entity_timestamp ON public.price_history (entity_type, entity_ref, timestamp DESC);
CREATE INDEX IF NOT EXISTS idx_search_history_user_type_date ON public.search_history (user_id, search_type, created_at DESC);

-- Chat and messaging
CREATE INDEX IF NOT EXISTS idx_chat_messages_session_created ON public.chat_messages (session_id, created_at);
CREATE INDEX IF NOT EXISTS idx_chat_sessions_user_active ON public.chat_sessions (user_id, is_active, last_message_at DESC);

-- Trip planning workflows
CREATE INDEX IF NOT EXISTS idx_trips_planning_workflow
ON public.trips (user_id, status)
WHERE status IN ('planning', 'booked');

-- Price tracking and analysis
CREATE INDEX IF NOT EXISTS idx_price_history_analysis
ON public.price_history (entity_type, timestamp DESC);
-- deviation: the seed's predicate `WHERE timestamp > NOW() - INTERVAL '90 days'` cannot run
-- (functions in an index predicate must be IMMUTABLE); the plain index serves the same queries.

-- Active chat sessions
CREATE INDEX IF NOT EXISTS idx_active_chat_sessions
ON public.chat_sessions (user_id, last_message_at DESC)
WHERE is_active = true;
