/**
 * SQL of the trips module: the generic table repositories with each table's returned columns,
 * and the ownership probe that child routes use to answer 404 for a trip the caller cannot see.
 */
import { tableRepo } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';

const AUDIT = ['created_at', 'updated_at'] as const;

export const TRIP_COLUMNS = [
  'id', 'user_id', 'name', 'start_date', 'end_date', 'destination', 'budget', 'travelers', 'status',
  'trip_type', 'flexibility', 'description', 'currency', ...AUDIT,
] as const;
export const tripsRepo = tableRepo('trips', TRIP_COLUMNS);
export const flightsRepo = tableRepo('flights', [
  'id', 'trip_id', 'origin', 'destination', 'airline', 'departure_time', 'arrival_time', 'price',
  'booking_link', 'segment_number', 'search_timestamp', 'booking_status', 'data_source', 'currency', ...AUDIT,
]);
export const accommodationsRepo = tableRepo('accommodations', [
  'id', 'trip_id', 'name', 'type', 'check_in_date', 'check_out_date', 'price_per_night', 'total_price',
  'location', 'rating', 'amenities', 'booking_link', 'search_timestamp', 'booking_status',
  'cancellation_policy', 'distance_to_center', 'neighborhood', 'currency', ...AUDIT,
]);
export const transportationRepo = tableRepo('transportation', [
  'id', 'trip_id', 'type', 'origin', 'destination', 'departure_time', 'arrival_time', 'price',
  'provider_name', 'booking_reference', 'status', 'currency', ...AUDIT,
]);
export const itineraryItemsRepo = tableRepo('itinerary_items', [
  'id', 'trip_id', 'day_number', 'start_time', 'end_time', 'title', 'description', 'location',
  'category', 'cost', 'priority', 'notes', 'currency', ...AUDIT,
]);
export const notesRepo = tableRepo('trip_notes', ['id', 'trip_id', 'user_id', 'title', 'content', ...AUDIT]);
export const savedOptionsRepo = tableRepo('saved_options', [
  'id', 'trip_id', 'user_id', 'option_type', 'option_data', 'is_selected', ...AUDIT,
]);
export const comparisonsRepo = tableRepo('trip_comparisons', [
  'id', 'user_id', 'title', 'description', 'comparison_data', ...AUDIT,
]);

/** Whether the caller can see the trip (RLS decides). */
export async function tripVisible(trx: Tx, tripId: unknown): Promise<boolean> {
  const row = await trx.selectFrom('trips').select('id').where('id', '=', tripId as number).executeTakeFirst();
  return row !== undefined;
}
