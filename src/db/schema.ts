/**
 * Kysely's view of the tables (db/migrations is the truth; the conformance test checks that the
 * migrations match the seed). Values are typed as they arrive through `types.ts`: NUMERIC, DATE,
 * TIME and TIMESTAMPTZ as strings, BIGINT as number.
 */
import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** Written as text or a Date, read back as an ISO 8601 string. */
export type Timestamptz = ColumnType<string, string | Date, string | Date>;
export type Numeric = ColumnType<string, string | number, string | number>;
type Created = ColumnType<string, string | Date | undefined, never>;
type Updated = ColumnType<string, string | Date | undefined, string | Date | undefined>;

export interface AuthUsers {
  id: Generated<string>;
  instance_id: string | null;
  aud: string | null;
  role: string | null;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Timestamptz | null;
  last_sign_in_at: Timestamptz | null;
  raw_app_meta_data: Json | null;
  raw_user_meta_data: Json | null;
  is_super_admin: boolean | null;
  is_anonymous: Generated<boolean>;
  created_at: Generated<Timestamptz | null>;
  updated_at: Generated<Timestamptz | null>;
  deleted_at: Timestamptz | null;
}

export interface Users {
  id: GeneratedAlways<number>;
  auth_user_id: string | null;
  name: string | null;
  email: string;
  preferences_json: Json | null;
  created_at: Created;
  updated_at: Updated;
}

export interface ApiKeys {
  id: GeneratedAlways<number>;
  user_id: string;
  service_name: string;
  key_name: string;
  encrypted_value: string;
  is_active: Generated<boolean>;
  last_used_at: Timestamptz | null;
  expires_at: Timestamptz | null;
  usage_count: Generated<number>;
  key_hint: string | null;
  created_at: Created;
  updated_at: Updated;
}

export interface ChatSessions {
  id: Generated<string>;
  user_id: string;
  title: Generated<string>;
  context_data: Generated<Json>;
  is_active: Generated<boolean>;
  last_message_at: Timestamptz | null;
  created_at: Created;
  updated_at: Updated;
}

export interface ChatMessages {
  id: Generated<string>;
  session_id: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  metadata: Generated<Json>;
  created_at: Created;
}

export interface Trips {
  id: GeneratedAlways<number>;
  user_id: string;
  name: string;
  start_date: string;
  end_date: string;
  destination: string;
  budget: Numeric;
  travelers: Generated<number>;
  status: Generated<'planning' | 'booked' | 'completed' | 'canceled'>;
  trip_type: Generated<'leisure' | 'business' | 'family' | 'solo' | 'other'>;
  flexibility: Json | null;
  description: string | null;
  currency: Generated<string>;
  created_at: Created;
  updated_at: Updated;
}

export interface Flights {
  id: GeneratedAlways<number>;
  trip_id: number;
  origin: string;
  destination: string;
  airline: string | null;
  departure_time: Timestamptz;
  arrival_time: Timestamptz;
  price: Numeric;
  booking_link: string | null;
  segment_number: number | null;
  search_timestamp: Generated<Timestamptz>;
  booking_status: Generated<string>;
  data_source: string | null;
  /** ISO 4217; the trip's currency when not given (trigger). */
  currency: Generated<string>;
  created_at: Created;
  updated_at: Updated;
}

export interface Accommodations {
  id: GeneratedAlways<number>;
  trip_id: number;
  name: string;
  type: string;
  check_in_date: string;
  check_out_date: string;
  price_per_night: Numeric;
  total_price: Numeric;
  location: string;
  rating: Numeric | null;
  amenities: Json | null;
  booking_link: string | null;
  search_timestamp: Generated<Timestamptz>;
  booking_status: Generated<string>;
  cancellation_policy: string | null;
  distance_to_center: Numeric | null;
  neighborhood: string | null;
  /** ISO 4217; the trip's currency when not given (trigger). */
  currency: Generated<string>;
  created_at: Created;
  updated_at: Updated;
}

export interface Transportation {
  id: GeneratedAlways<number>;
  trip_id: number;
  type: string;
  origin: string;
  destination: string;
  departure_time: Timestamptz;
  arrival_time: Timestamptz;
  price: Numeric;
  provider_name: string | null;
  booking_reference: string | null;
  status: Generated<string>;
  /** ISO 4217; the trip's currency when not given (trigger). */
  currency: Generated<string>;
  created_at: Created;
  updated_at: Updated;
}

export interface ItineraryItems {
  id: GeneratedAlways<number>;
  trip_id: number;
  day_number: number;
  start_time: string;
  end_time: string;
  title: string;
  description: string | null;
  location: string | null;
  category: string | null;
  cost: Numeric | null;
  priority: number | null;
  notes: string | null;
  /** ISO 4217; the trip's currency when not given (trigger). */
  currency: Generated<string>;
  created_at: Created;
  updated_at: Updated;
}

export interface SearchHistory {
  id: GeneratedAlways<number>;
  user_id: string;
  search_type: 'flight' | 'accommodation' | 'activity' | 'destination' | 'general_web';
  search_params: Json;
  results_count: number | null;
  created_at: Created;
}

export interface PriceHistory {
  id: GeneratedAlways<number>;
  entity_type: string;
  entity_ref: string;
  price: Numeric;
  currency: string;
  timestamp: Timestamptz;
  source: string;
  created_at: Created;
}

export interface TripNotes {
  id: GeneratedAlways<number>;
  trip_id: number;
  user_id: string;
  title: string;
  content: string;
  created_at: Created;
  updated_at: Updated;
}

export interface SavedOptions {
  id: GeneratedAlways<number>;
  trip_id: number;
  user_id: string;
  option_type: string;
  option_data: Json;
  is_selected: Generated<boolean>;
  created_at: Created;
  updated_at: Updated;
}

export interface TripComparisons {
  id: GeneratedAlways<number>;
  user_id: string;
  title: string;
  description: string | null;
  comparison_data: Json;
  created_at: Created;
  updated_at: Updated;
}

export interface MemoryEmbeddings {
  id: Generated<string>;
  user_id: string;
  content_text: string;
  content_type: string;
  /** pgvector text form '[0.1,0.2,…]'; compare with raw sql (the builder has no <=>). */
  embedding: string;
  metadata: Generated<Json>;
  created_at: Created;
  updated_at: Updated;
}

export interface KgEntityReferences {
  id: GeneratedAlways<number>;
  entity_id: string;
  entity_type: string;
  primary_db_table: string;
  primary_db_id: string;
  properties: Json | null;
  created_at: Created;
  updated_at: Updated;
}

export interface TripCollaborators {
  id: GeneratedAlways<number>;
  trip_id: number;
  user_id: string;
  role: Generated<'viewer' | 'editor' | 'admin'>;
  invited_by: Generated<string | null>;
  created_at: Created;
  updated_at: Updated;
}

export interface TripInvitations {
  id: GeneratedAlways<number>;
  trip_id: number;
  email: string;
  role: Generated<'viewer' | 'editor' | 'admin'>;
  invited_by: Generated<string | null>;
  created_at: Created;
  updated_at: Updated;
}

export interface TripShareLinks {
  id: GeneratedAlways<number>;
  trip_id: number;
  /** SHA-256 of the token (32 bytes); the token itself is never stored. */
  token_hash: Buffer | Uint8Array;
  include_costs: Generated<boolean>;
  expires_at: Timestamptz | null;
  created_by: Generated<string | null>;
  created_at: Created;
}

export interface ExchangeRates {
  id: GeneratedAlways<number>;
  base: string;
  quote: string;
  rate: Numeric;
  as_of: string;
  source: string | null;
  created_at: Created;
  updated_at: Updated;
}

export interface DB {
  'auth.users': AuthUsers;
  users: Users;
  api_keys: ApiKeys;
  chat_sessions: ChatSessions;
  chat_messages: ChatMessages;
  trips: Trips;
  flights: Flights;
  accommodations: Accommodations;
  transportation: Transportation;
  itinerary_items: ItineraryItems;
  search_history: SearchHistory;
  price_history: PriceHistory;
  trip_notes: TripNotes;
  saved_options: SavedOptions;
  trip_comparisons: TripComparisons;
  memory_embeddings: MemoryEmbeddings;
  kg_entity_references: KgEntityReferences;
  trip_collaborators: TripCollaborators;
  trip_invitations: TripInvitations;
  trip_share_links: TripShareLinks;
  exchange_rates: ExchangeRates;
}

/** The 16 tables of the seed, in the seed's order. */
export const SEED_TABLES = [
  'users', 'api_keys', 'chat_sessions', 'chat_messages', 'trips', 'flights', 'accommodations',
  'transportation', 'itinerary_items', 'search_history', 'price_history', 'trip_notes',
  'saved_options', 'trip_comparisons', 'memory_embeddings', 'kg_entity_references',
] as const;
export type SeedTable = (typeof SEED_TABLES)[number];

/**
 * The json/jsonb columns. Drivers bind a JS array as a PostgreSQL array and a string as raw JSON
 * text, so values for these columns are sent as JSON text (see crud.repo.ts).
 */
export const JSON_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  users: ['preferences_json'],
  trips: ['flexibility'],
  accommodations: ['amenities'],
  saved_options: ['option_data'],
  trip_comparisons: ['comparison_data'],
  chat_sessions: ['context_data'],
  chat_messages: ['metadata'],
  search_history: ['search_params'],
  memory_embeddings: ['metadata'],
  kg_entity_references: ['properties'],
};
