/**
 * Request and response shapes of trips and everything planned under a trip.
 * Requests are strict objects: an unknown field is a 400, not silently dropped.
 */
import { z } from 'zod';
import {
  audit, date, decimal, id, int, jsonObject, jsonValue, money, numericOut, optionalText, text, time, timestamp, ts, uuid,
} from '../http/schemas.ts';

/** ISO 4217 (the database checks it against the list; GET /api/v1/currencies lists it). */
export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code in capitals, e.g. EUR')
  .describe('ISO 4217 currency code, e.g. EUR');
/** A cost's currency: the trip's own when left out. */
const costCurrency = currencyCode.optional().describe('ISO 4217 currency of this cost; default: the trip\'s currency');

const TRIP_STATUS = ['planning', 'booked', 'completed', 'canceled'] as const;
const TRIP_TYPE = ['leisure', 'business', 'family', 'solo', 'other'] as const;

export const tripCreate = z.strictObject({
  name: text(500),
  start_date: date,
  end_date: date,
  destination: text(500),
  budget: money,
  travelers: int(1, 10_000).optional(),
  status: z.enum(TRIP_STATUS).optional(),
  trip_type: z.enum(TRIP_TYPE).optional(),
  flexibility: jsonObject.nullable().optional(),
  description: optionalText(),
  currency: currencyCode.optional().describe('ISO 4217 currency of the budget (default USD); costs are converted into it'),
});
export const tripRow = z.object({
  id, user_id: uuid, name: z.string(), start_date: z.string(), end_date: z.string(), destination: z.string(),
  budget: numericOut, travelers: z.number(), status: z.enum(TRIP_STATUS), trip_type: z.enum(TRIP_TYPE),
  flexibility: jsonValue, description: z.string().nullable(), currency: z.string(), ...audit,
});

export const flightCreate = z.strictObject({
  origin: text(200),
  destination: text(200),
  airline: optionalText(200),
  departure_time: timestamp,
  arrival_time: timestamp,
  price: money,
  booking_link: optionalText(2000),
  segment_number: int(1, 1000).nullable().optional(),
  booking_status: text(50).optional(),
  data_source: optionalText(200),
  currency: costCurrency,
});
export const flightRow = z.object({
  id, trip_id: id, origin: z.string(), destination: z.string(), airline: z.string().nullable(),
  departure_time: ts, arrival_time: ts, price: numericOut, booking_link: z.string().nullable(),
  segment_number: z.number().nullable(), search_timestamp: ts, booking_status: z.string(),
  data_source: z.string().nullable(), currency: z.string(), ...audit,
});

export const accommodationCreate = z.strictObject({
  name: text(500),
  type: text(100),
  check_in_date: date,
  check_out_date: date,
  price_per_night: money,
  total_price: money,
  location: text(500),
  rating: decimal.nullable().optional(),
  amenities: jsonValue.optional(),
  booking_link: optionalText(2000),
  booking_status: text(50).optional(),
  cancellation_policy: optionalText(),
  distance_to_center: decimal.nullable().optional(),
  neighborhood: optionalText(200),
  currency: costCurrency,
});
export const accommodationRow = z.object({
  id, trip_id: id, name: z.string(), type: z.string(), check_in_date: z.string(), check_out_date: z.string(),
  price_per_night: numericOut, total_price: numericOut, location: z.string(), rating: numericOut.nullable(),
  amenities: jsonValue, booking_link: z.string().nullable(), search_timestamp: ts, booking_status: z.string(),
  cancellation_policy: z.string().nullable(), distance_to_center: numericOut.nullable(),
  neighborhood: z.string().nullable(), currency: z.string(), ...audit,
});

export const transportationCreate = z.strictObject({
  type: text(100),
  origin: text(200),
  destination: text(200),
  departure_time: timestamp,
  arrival_time: timestamp,
  price: money,
  provider_name: optionalText(200),
  booking_reference: optionalText(200),
  status: text(50).optional(),
  currency: costCurrency,
});
export const transportationRow = z.object({
  id, trip_id: id, type: z.string(), origin: z.string(), destination: z.string(), departure_time: ts,
  arrival_time: ts, price: numericOut, provider_name: z.string().nullable(),
  booking_reference: z.string().nullable(), status: z.string(), currency: z.string(), ...audit,
});

export const itineraryItemCreate = z.strictObject({
  day_number: int(1, 100_000),
  start_time: time,
  end_time: time,
  title: text(500),
  description: optionalText(),
  location: optionalText(500),
  category: optionalText(100),
  cost: money.nullable().optional(),
  priority: int(-1000, 1000).nullable().optional(),
  notes: optionalText(),
  currency: costCurrency,
});
export const itineraryItemRow = z.object({
  id, trip_id: id, day_number: z.number(), start_time: z.string(), end_time: z.string(), title: z.string(),
  description: z.string().nullable(), location: z.string().nullable(), category: z.string().nullable(),
  cost: numericOut.nullable(), priority: z.number().nullable(), notes: z.string().nullable(), currency: z.string(), ...audit,
});

export const noteCreate = z.strictObject({ title: text(500), content: text(100_000) });
export const noteRow = z.object({ id, trip_id: id, user_id: uuid, title: z.string(), content: z.string(), ...audit });

export const savedOptionCreate = z.strictObject({
  option_type: text(100),
  option_data: jsonValue.refine((v) => v !== undefined, 'required'),
  is_selected: z.boolean().optional(),
});
export const savedOptionRow = z.object({
  id, trip_id: id, user_id: uuid, option_type: z.string(), option_data: jsonValue, is_selected: z.boolean(), ...audit,
});

/** The server computes comparison_data from the trips (see docs/trip-planning.md). */
export const comparisonCreate = z.strictObject({
  title: text(500),
  description: optionalText(),
  trip_ids: z.array(id.positive()).min(1).max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'trip_ids must not repeat')
    .describe('the trips to compare (your own)'),
});
export const comparisonPatch = z.strictObject({ title: text(500), description: optionalText() }).partial().strict();
export const comparisonRow = z.object({
  id, user_id: uuid, title: z.string(), description: z.string().nullable(), comparison_data: jsonValue, ...audit,
});

/** PATCH bodies: any subset of the create fields, at least one. */
export function patchOf(create: z.ZodObject): z.ZodObject {
  return create.partial().strict();
}
