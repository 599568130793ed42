/**
 * The deliberate differences between the seed document and the migrations, each with its reason.
 * Every entry is also listed in docs/schema.md. The conformance test fails on any difference not
 * listed here, and on an entry here that no longer matches anything.
 */
import type { FactAllowList } from '../../src/db/conformance.ts';

/** The user-owned tables whose owner column defaults to the caller (migration 000050). */
const OWNED = ['api_keys', 'chat_sessions', 'memory_embeddings', 'saved_options', 'search_history', 'trip_comparisons', 'trip_notes', 'trips'];
const OWNER_DEFAULT = 'migration 000050 (docs/schema.md): user_id defaults to auth.uid(), so a supabase-js insert needs no user_id';

/** Facts of the seed the migrations do not have (exact fact string → reason). */
const missing: Record<string, string> = Object.fromEntries(OWNED.map((t) => [`column public.${t}.user_id uuid not null`, OWNER_DEFAULT]));

/** Facts the migrations add (pattern → reason). */
const extra: FactAllowList['extra'] = [
  {
    pattern: new RegExp(`^column public\\.(${OWNED.join('|')})\\.user_id uuid not null default auth\\.uid\\(\\)$`),
    reason: OWNER_DEFAULT,
  },
  {
    pattern: /^trigger public\.(api_keys|chat_sessions|transportation|itinerary_items|trip_notes|saved_options|trip_comparisons|memory_embeddings|kg_entity_references)\.\1_update_updated_at before update row execute public\.update_updated_at_column\(\)$/,
    reason: 'the seed lists updated_at triggers for 4 tables and says "continue for other tables": every table with the column gets one',
  },
  {
    pattern: /^(column public\.api_keys\.key_hint text|comment column public\.api_keys\.key_hint .*)$/,
    reason: 'the masked hint (last 4 characters) lists show; the ciphertext itself is unreadable to the user role',
  },
  {
    pattern: /^(trigger public\.itinerary_items\.itinerary_items_day_within_trip before insert or update of day_number, trip_id row execute public\.check_itinerary_day_within_trip\(\)|trigger public\.trips\.trips_cover_itinerary before update of start_date, end_date row execute public\.check_trip_covers_itinerary\(\))$/,
    reason: 'migration 000020 (docs/trip-planning.md): an itinerary item lies within its trip\'s days, enforced by the database on both sides (item insert/move, trip date change)',
  },
  {
    pattern: /^index public\.saved_options\.idx_saved_options_one_selected unique btree \(trip_id, option_type\) where is_selected$/,
    reason: 'migration 000020 (docs/trip-planning.md): at most one selected saved option per trip and option_type',
  },
  {
    pattern: /^index public\.memory_embeddings\.idx_memory_embeddings_metadata gin \(metadata jsonb_path_ops\)$/,
    reason: 'migration 000021 (docs/memory.md): the memory search filters on metadata containment (@>)',
  },
  {
    pattern: /^trigger public\.(\w+)\.limit_(\w+)_on_(insert after insert statement referencing new table as new_rows|update after update of [\w, ]+ row when \(.+\)) execute tripsage\.enforce_collection_limit\('\2'\)$/,
    reason: 'migration 000030 (docs/api.md, "Limits"): every collection a user can grow has a cap, enforced by the database',
  },
  {
    pattern: /^(table|column|constraint|index|trigger|comment (table|column)) public\.(trip_collaborators|trip_invitations)\b/,
    reason: 'migration 000070 (issue 13, docs/trip-planning.md "Travelling together"): trip collaborators with roles and pending invitations by email',
  },
  {
    pattern: /^trigger public\.(trips|trip_notes|saved_options)\.\1_forbid_owner_change before update of user_id row execute public\.forbid_owner_change\(\)$/,
    reason: 'migration 000070: a trip changes owner only through transfer_trip_ownership(), and a note or saved option keeps its author, now that editors may edit them',
  },
  {
    pattern: /^(column public\.(trips|flights|accommodations|transportation|itinerary_items)\.currency .*|comment column public\.(trips|flights|accommodations|transportation|itinerary_items)\.currency .*|trigger public\.(flights|accommodations|transportation|itinerary_items)\.\4_default_currency before insert row execute public\.default_cost_currency\(\))$/,
    reason: 'migration 000071 (issue 13, docs/trip-planning.md "Currencies"): an ISO 4217 currency on the trip (its budget) and on every cost, a cost defaulting to its trip\'s',
  },
  {
    pattern: /^(table|column|constraint|index|trigger|comment (table|column)) public\.exchange_rates\b/,
    reason: 'migration 000071: exchange rates (base, quote, rate, as_of) for converting costs into the trip\'s currency',
  },
  {
    pattern: /^(table|column|constraint|index|trigger|comment (table|column)) public\.trip_share_links\b/,
    reason: 'migration 000072 (issue 13, docs/trip-planning.md "Share links"): read-only links to a trip, stored as the SHA-256 of their token',
  },
];

/** Facts whose presence depends on the backend (native PostgreSQL here has no pgvector). */
export const MEMORY_TABLE_FACT = /^(table|column|constraint|index|trigger|comment (table|column)) public\.memory_embeddings\b/;

export const deviations: FactAllowList = { missing, extra };
