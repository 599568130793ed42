/**
 * Query keys and the mutations' cache invalidation, in one place: a write to anything under a
 * trip refreshes that trip's views (summary, days, timeline) as well as its own list.
 */
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';

export const keys = {
  trips: (filters?: object) => (filters ? ['trips', filters] : ['trips']) as readonly unknown[],
  trip: (id: number) => ['trip', id] as const,
  tripPart: (id: number, part: string) => ['trip', id, part] as const,
  comparisons: ['comparisons'] as const,
  profile: ['profile'] as const,
  memories: ['memories'] as const,
  keys: ['api-keys'] as const,
  currencies: ['currencies'] as const,
  /** A share link's read-only view: public, and not tied to the signed-in user. */
  shared: (token: string, fromDay: number) => ['shared', token, fromDay] as const,
};

export function invalidateTrip(qc: QueryClient, tripId: number): Promise<void> {
  return Promise.all([
    qc.invalidateQueries({ queryKey: keys.trip(tripId) }),
    qc.invalidateQueries({ queryKey: ['trips'] }),
  ]).then(() => undefined);
}

/** A mutation that refreshes the given query keys when it succeeds. */
export function useWrite<A, R>(fn: (arg: A) => Promise<R>, refresh: (readonly unknown[])[]) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => Promise.all(refresh.map((queryKey) => qc.invalidateQueries({ queryKey }))),
  });
}
