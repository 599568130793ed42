/**
 * The API's rows as the app reads them (snake_case, the database's names; money and ratings are
 * decimal strings). See docs/api.md and /openapi.json.
 */
export type Decimal = string;

export const TRIP_STATUSES = ['planning', 'booked', 'completed', 'canceled'] as const;
export const TRIP_TYPES = ['leisure', 'business', 'family', 'solo', 'other'] as const;
export type TripStatus = (typeof TRIP_STATUSES)[number];
/** The caller's role on a trip (owner on their own; docs/trip-planning.md, "Travelling together"). */
export const TRIP_ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type TripRole = (typeof TRIP_ROLES)[number];
/** The roles a collaborator can be given (the owner is not one: ownership is transferred). */
export const COLLABORATOR_ROLES = ['viewer', 'editor', 'admin'] as const;
export type CollaboratorRole = (typeof COLLABORATOR_ROLES)[number];

export interface Audit {
  created_at: string;
  updated_at: string;
}

export interface Trip extends Audit {
  id: number;
  user_id: string;
  name: string;
  start_date: string;
  end_date: string;
  destination: string;
  budget: Decimal;
  travelers: number;
  status: TripStatus;
  trip_type: (typeof TRIP_TYPES)[number];
  flexibility: unknown;
  description: string | null;
  /** ISO 4217: the budget's currency, and the one every cost is converted into. */
  currency: string;
  role: TripRole;
}

export interface Flight extends Audit {
  id: number;
  trip_id: number;
  origin: string;
  destination: string;
  airline: string | null;
  departure_time: string;
  arrival_time: string;
  price: Decimal;
  currency: string;
  booking_link: string | null;
  booking_status: string;
}

export interface Accommodation extends Audit {
  id: number;
  trip_id: number;
  name: string;
  type: string;
  check_in_date: string;
  check_out_date: string;
  price_per_night: Decimal;
  total_price: Decimal;
  currency: string;
  location: string;
  rating: Decimal | null;
  booking_status: string;
}

export interface Transportation extends Audit {
  id: number;
  trip_id: number;
  type: string;
  origin: string;
  destination: string;
  departure_time: string;
  arrival_time: string;
  price: Decimal;
  currency: string;
  provider_name: string | null;
  status: string;
}

export interface ItineraryItem extends Audit {
  id: number;
  trip_id: number;
  day_number: number;
  start_time: string;
  end_time: string;
  title: string;
  description: string | null;
  location: string | null;
  category: string | null;
  cost: Decimal | null;
  currency: string;
  notes: string | null;
}

export interface Note extends Audit {
  id: number;
  trip_id: number;
  title: string;
  content: string;
}

export interface SavedOption extends Audit {
  id: number;
  trip_id: number;
  option_type: string;
  option_data: unknown;
  is_selected: boolean;
}

export interface TripSummary {
  trip_id: number;
  name: string;
  destination: string;
  status: string;
  start_date: string;
  end_date: string;
  duration_days: number;
  travelers: number;
  /** The trip's currency: every amount here is in it, except by_currency and unconverted. */
  currency: string;
  budget: Decimal;
  planned: { flights: Decimal; accommodations: Decimal; transportation: Decimal; itinerary: Decimal };
  total: Decimal;
  remaining: Decimal;
  over_budget: boolean;
  budget_used_percent: Decimal;
  per_traveller: Decimal;
  per_day: Decimal;
  counts: Record<string, number>;
  /** false when some cost has no exchange rate: it is in `unconverted`, and in no total. */
  complete: boolean;
  by_currency: CurrencySubtotal[];
  unconverted: UnconvertedCost[];
}

/** Per original currency: `amount` and `unconverted` in that currency, `converted` in the trip's. */
export interface CurrencySubtotal {
  currency: string;
  amount: Decimal;
  converted: Decimal;
  unconverted: Decimal;
  costs: number;
  unconverted_costs: number;
}

export interface UnconvertedCost {
  kind: 'flight' | 'accommodation' | 'transportation' | 'itinerary_item';
  id: number;
  currency: string;
  amount: Decimal;
  date: string;
}

export interface DayWarning {
  type: 'overlap' | 'beyond_trip';
  message: string;
  item_ids: number[];
}

export interface TripDay {
  day_number: number;
  date: string;
  beyond_trip: boolean;
  planned_cost: Decimal;
  /** The day's item costs with no exchange rate, in their own currency (not in planned_cost). */
  unconverted: { item_id: number; currency: string; amount: Decimal }[];
  items: ItineraryItem[];
  warnings: DayWarning[];
}

export interface TripDays {
  trip_id: number;
  start_date: string;
  end_date: string;
  duration_days: number;
  currency: string;
  next_from_day: number | null;
  days: TripDay[];
}

export interface TimelineEntry {
  kind: 'flight' | 'accommodation' | 'transportation' | 'itinerary_item';
  id: number;
  title: string;
  start_at: string;
  end_at: string;
  all_day: boolean;
  date: string | null;
  end_date: string | null;
  day_number: number | null;
  start_time: string | null;
  end_time: string | null;
  origin: string | null;
  destination: string | null;
  location: string | null;
  price: Decimal | null;
  currency: string | null;
  status: string | null;
}

export interface ComparisonTrip {
  trip_id: number;
  name: string;
  destination: string;
  start_date: string;
  end_date: string;
  days: number;
  travelers: number;
  /** Version 2 comparisons: each trip's amounts are in its own currency. */
  currency?: string;
  budget: Decimal;
  total_planned: Decimal;
  per_day: Decimal;
  per_traveller: Decimal;
  budget_headroom: Decimal;
  over_budget: boolean;
  planned_by_category: Record<string, Decimal>;
}

export interface Comparison extends Audit {
  id: number;
  title: string;
  description: string | null;
  comparison_data: { trips?: ComparisonTrip[]; missing_trip_ids?: number[]; computed_at?: string } | null;
}

export interface Profile extends Audit {
  id: number;
  name: string | null;
  email: string;
  preferences_json: Record<string, unknown> | null;
}

export interface Memory extends Audit {
  id: string;
  content_text: string;
  content_type: string;
  metadata: Record<string, unknown>;
  similarity?: number;
}

export interface ApiKey extends Audit {
  id: number;
  service_name: string;
  key_name: string;
  key_hint: string | null;
  is_active: boolean;
  last_used_at: string | null;
  expires_at: string | null;
  usage_count: number;
}

export interface PricePoint {
  id: number;
  entity_type: string;
  entity_ref: string;
  price: Decimal;
  currency: string;
  timestamp: string;
  source: string;
}

export interface PriceStat {
  currency: string;
  count: number;
  min: Decimal;
  max: Decimal;
  mean: Decimal;
  median: Decimal;
  p10: Decimal;
  p90: Decimal;
  latest: { price: Decimal; timestamp: string };
}

export interface Deal {
  entity_type: string;
  entity_ref: string;
  currency: string;
  latest_price: Decimal;
  latest_at: string;
  observations: number;
  median?: Decimal | null;
  p10?: Decimal | null;
  bound?: Decimal | null;
  discount?: Decimal | null;
}

export interface Deals {
  rule: { window_days: number; threshold: string; min_observations: number };
  evaluated: number;
  deals: Deal[];
  no_verdict: Deal[];
}

export interface SearchInsights {
  days: number;
  total_searches: number;
  by_type: { search_type: string; count: number }[];
  top_destinations: { destination: string; count: number; last_searched_at: string }[];
  travel_dates: { search_type: string; earliest: string | null; latest: string | null; searches_with_dates: number }[];
  unbooked_destinations: { destination: string; count: number; last_searched_at: string }[];
}

export type * from './together-types.ts';

/** An assistant conversation; `context_data.trip_id` marks one opened from a trip's page. */
export interface ChatSession extends Audit {
  id: string;
  user_id: string;
  title: string;
  context_data: unknown;
  is_active: boolean;
  last_message_at: string | null;
}

/** A stored chat message; an assistant message's metadata holds its status and tool calls (docs/assistant.md). */
export interface ChatMessageRow {
  id: string;
  session_id: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  metadata: unknown;
  created_at: string;
}
