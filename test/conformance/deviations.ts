/**
 * The deliberate differences between the seed document and the migrations, each with its reason.
 * Every entry is also listed in docs/schema.md. The conformance test fails on any difference not
 * listed here, and on an entry here that no longer matches anything.
 */
import type { FactAllowList } from '../../src/db/conformance.ts';

/** Facts of the seed the migrations do not have (exact fact string → reason). */
const missing: Record<string, string> = {};

/** Facts the migrations add (pattern → reason). */
const extra: FactAllowList['extra'] = [
  {
    pattern: /^trigger public\.(api_keys|chat_sessions|transportation|itinerary_items|trip_notes|saved_options|trip_comparisons|memory_embeddings|kg_entity_references)\.\1_update_updated_at before update row execute public\.update_updated_at_column\(\)$/,
    reason: 'the seed lists updated_at triggers for 4 tables and says "continue for other tables": every table with the column gets one',
  },
];

/** Facts whose presence depends on the backend (native PostgreSQL here has no pgvector). */
export const MEMORY_TABLE_FACT = /^(table|column|constraint|index|trigger|comment (table|column)) public\.memory_embeddings\b/;

export const deviations: FactAllowList = { missing, extra };
