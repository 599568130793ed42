/**
 * Tools that plan under a trip: itinerary items (add, update, delete — the delete needs the
 * user's approval), flights, stays, transport, notes and saved options. Adding goes through the
 * trips feature's own service (addTripChild), the same code the HTTP routes run; changing or
 * deleting an item first asks requireTripRole, as the HTTP routes do (a viewer is refused).
 */
import { z } from 'zod';
import { byId, type Row } from '../../db/crud.repo.ts';
import type { Tx } from '../../db/transaction.ts';
import { notFound, nothingToUpdate } from '../../domain/errors.ts';
import { requireTripRole } from '../../trips/collaborators.service.ts';
import { addTripChild, type TripChildKind } from '../../trips/trip-children.service.ts';
import { itineraryItemsRepo } from '../../trips/trips.repo.ts';
import * as s from '../../trips/trips.schemas.ts';
import { defineTool, itemIdField, tripIdField, type ToolDef } from './registry.ts';

function addTool(name: string, title: string, description: string, kind: TripChildKind, body: z.ZodObject, key: string): ToolDef {
  return defineTool({
    name,
    title,
    description,
    input: body.extend({ trip_id: tripIdField }),
    readOnly: false,
    destructive: false,
    run: (ctx, { trip_id, ...values }) =>
      ctx.tx(async (trx) => ({ [key]: await addTripChild(trx, kind, trip_id as number, ctx.caller, values as Row) }), { readOnly: false }),
  });
}

/** The item, when the caller may change its trip (not_found when they cannot see it). */
async function editableItem(trx: Tx, itemId: number): Promise<Row> {
  const item = await itineraryItemsRepo.get(trx, byId(itemId));
  if (!item) throw notFound('itinerary item');
  await requireTripRole(trx, item.trip_id as number, 'edit');
  return item;
}

export const addItineraryItem = addTool(
  'add_itinerary_item', 'Add an itinerary item',
  'Add an activity to a trip\'s itinerary: day_number (1 = the trip\'s first day), local start_time and end_time (HH:MM), title, and optionally location, category, cost, priority, notes.',
  'itinerary_item', s.itineraryItemCreate, 'itinerary_item',
);

export const updateItineraryItem = defineTool({
  name: 'update_itinerary_item',
  title: 'Update an itinerary item',
  description: 'Change fields of an itinerary item (only the fields given change).',
  input: s.patchOf(s.itineraryItemCreate).extend({ item_id: itemIdField }),
  readOnly: false,
  destructive: false,
  run: (ctx, { item_id, ...patch }) => ctx.tx(async (trx) => {
    if (!Object.keys(patch).length) throw nothingToUpdate();
    await editableItem(trx, item_id as number);
    const item = await itineraryItemsRepo.update(trx, byId(item_id as number), patch);
    if (!item) throw notFound('itinerary item');
    return { itinerary_item: item };
  }, { readOnly: false }),
});

export const deleteItineraryItem = defineTool({
  name: 'delete_itinerary_item',
  title: 'Delete an itinerary item',
  description: 'Delete an itinerary item. The user is asked to approve first; if they decline, do not try again.',
  input: z.strictObject({ item_id: itemIdField }),
  readOnly: false,
  destructive: true,
  run: (ctx, i) => ctx.tx(async (trx) => {
    const item = await editableItem(trx, i.item_id);
    if (!(await itineraryItemsRepo.remove(trx, byId(i.item_id)))) throw notFound('itinerary item');
    return { deleted: item };
  }, { readOnly: false }),
});

export const addFlight = addTool(
  'add_flight', 'Add a flight',
  'Add a flight to a trip: origin, destination, departure_time and arrival_time (ISO 8601 with offset), price; optionally airline, booking_link, segment_number, booking_status.',
  'flight', s.flightCreate, 'flight',
);

export const addAccommodation = addTool(
  'add_accommodation', 'Add an accommodation',
  'Add a stay to a trip: name, type (hotel, apartment, …), check_in_date and check_out_date (YYYY-MM-DD), price_per_night, total_price, location; optionally rating (0–5), amenities, booking_link, neighborhood.',
  'accommodation', s.accommodationCreate, 'accommodation',
);

export const addTransportation = addTool(
  'add_transportation', 'Add transportation',
  'Add local or intercity transport to a trip: type (train, bus, car, ferry, …), origin, destination, departure_time and arrival_time (ISO 8601 with offset), price; optionally provider_name, booking_reference.',
  'transportation', s.transportationCreate, 'transportation',
);

export const addNote = addTool('add_note', 'Add a note', 'Add a note (title and content) to a trip.', 'note', s.noteCreate, 'note');

export const saveOption = addTool(
  'save_option', 'Save an option',
  'Save a candidate option for a trip (a flight, hotel, activity… still being considered): option_type and option_data (any JSON). is_selected: true selects it and deselects the other options of that type.',
  'saved_option', s.savedOptionCreate, 'saved_option',
);
