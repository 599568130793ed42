/**
 * Duplicating a trip is the API's export followed by its import (all or nothing), with the
 * copy's name marked so the two can be told apart.
 */
import type { Api } from '../../api/client.ts';
import type { Trip } from '../../api/types.ts';

export function copyName(name: string): string {
  const copy = `${name} (copy)`;
  return copy.length <= 500 ? copy : name;
}

export async function duplicateTrip(client: Pick<Api, 'get' | 'post'>, tripId: number): Promise<Trip> {
  const doc = await client.get<{ trip: Trip } & Record<string, unknown>>(`/api/v1/trips/${tripId}/export`);
  const renamed = { ...doc, trip: { ...doc.trip, name: copyName(doc.trip.name) } };
  const result = await client.post<{ trip: Trip }>('/api/v1/trips/import', renamed);
  return result.trip;
}
