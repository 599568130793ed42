/**
 * Search history: the caller's own searches (select, insert, delete — no updates).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { tableRepo } from '../db/crud.repo.ts';
import { bigintId, registerResource } from '../http/crud.routes.ts';
import { id, int, jsonObject, timestamp, ts, uuid } from '../http/schemas.ts';

export const SEARCH_TYPES = ['flight', 'accommodation', 'activity', 'destination', 'general_web'] as const;
const searchHistoryRepo = tableRepo('search_history', ['id', 'user_id', 'search_type', 'search_params', 'results_count', 'created_at']);

const create = z.strictObject({
  search_type: z.enum(SEARCH_TYPES),
  search_params: jsonObject,
  results_count: int(0).nullable().optional(),
});
const row = z.object({ id, user_id: uuid, search_type: z.string(), search_params: z.unknown(), results_count: z.number().nullable(), created_at: ts });

export function registerSearchHistoryRoutes(app: FastifyInstance): void {
  registerResource(app, {
    tag: 'search history', noun: 'search', schemaName: 'SearchHistoryEntry', path: '/api/v1/search-history', repo: searchHistoryRepo, idSchema: bigintId,
    row, create, patch: create.partial().strict(), ownerColumn: 'user_id', without: ['get', 'patch'],
    list: {
      orderable: ['created_at', 'search_type', 'id'],
      defaultOrder: [{ column: 'created_at', desc: true }],
      filters: {
        search_type: { column: 'search_type', op: '=', schema: z.enum(SEARCH_TYPES), description: 'only this kind of search' },
        since: { column: 'created_at', op: '>=', schema: timestamp, description: 'only searches at or after this instant' },
      },
    },
  });
}
