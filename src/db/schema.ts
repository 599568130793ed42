/**
 * Kysely's view of the database: the types generated from the migrated schema
 * (schema.generated.ts — `npm run db:types` after changing db/migrations; test/db-types.test.ts
 * fails on drift), and the seed's table list.
 */
export * from './schema.generated.ts';
export type { Json } from './types.ts';

/** The 16 tables of the seed, in the seed's order. */
export const SEED_TABLES = [
  'users', 'api_keys', 'chat_sessions', 'chat_messages', 'trips', 'flights', 'accommodations',
  'transportation', 'itinerary_items', 'search_history', 'price_history', 'trip_notes',
  'saved_options', 'trip_comparisons', 'memory_embeddings', 'kg_entity_references',
] as const;
export type SeedTable = (typeof SEED_TABLES)[number];
