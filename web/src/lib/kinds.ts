/** The names of the cost and timeline kinds the API uses, as the app shows them. */
export const KIND_LABEL: Record<'flight' | 'accommodation' | 'transportation' | 'itinerary_item', string> = {
  flight: 'Flight',
  accommodation: 'Stay',
  transportation: 'Transport',
  itinerary_item: 'Activity',
};
