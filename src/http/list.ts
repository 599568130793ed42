/**
 * List conventions shared by every collection: `limit` (default 50, max 1000), `offset`,
 * `order=column.asc,other.desc` on documented columns, resource filters, and the total in
 * `Content-Range` when the client sends `Prefer: count=exact` (PostgREST's convention).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Filter, FilterOp, ListParams, OrderBy } from '../db/crud.repo.ts';
import { HttpError } from './errors.ts';

export interface FilterDef<C extends string = string> {
  column: C;
  /** For `contains`: further columns, any of which may match. */
  or?: readonly C[];
  op: FilterOp;
  schema: z.ZodType;
  description: string;
}

/** A collection's query options; `C`: the table's columns (checked where a resource is declared). */
export interface ListQueryOptions<C extends string = string> {
  orderable: readonly C[];
  defaultOrder: OrderBy<C>[];
  filters?: Record<string, FilterDef<C>>;
}

export const MAX_LIMIT = 1000;

export function listQuery(opts: ListQueryOptions) {
  const filters = Object.fromEntries(
    Object.entries(opts.filters ?? {}).map(([k, f]) => [k, f.schema.optional().describe(f.description)]),
  );
  return z.strictObject({
    limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50).describe(`rows per page (1–${MAX_LIMIT})`),
    offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
    order: z
      .string()
      .max(500)
      .optional()
      .describe(`comma-separated column.asc|column.desc; columns: ${opts.orderable.join(', ')}`),
    ...filters,
  });
}

export function parseOrder<C extends string>(text: string | undefined, opts: ListQueryOptions<C>): OrderBy<C>[] {
  // A unique tiebreaker keeps pages stable (every listed table has an id).
  const id = { column: 'id' as C, desc: false };
  if (!text) return [...opts.defaultOrder, ...(opts.defaultOrder.some((o) => o.column === 'id') ? [] : [id])];
  const orderable: readonly string[] = opts.orderable;
  const order = text.split(',').map((part): OrderBy<C> => {
    const [column = '', dir = 'asc', ...rest] = part.trim().split('.');
    if (!orderable.includes(column) || !['asc', 'desc'].includes(dir) || rest.length) {
      throw new HttpError(400, 'invalid_order', `cannot order by "${part}"`, { orderable: opts.orderable }, `use column.asc or column.desc with one of: ${opts.orderable.join(', ')}`);
    }
    return { column: column as C, desc: dir === 'desc' };
  });
  if (!order.some((o) => o.column === 'id')) order.push(id);
  return order;
}

/** `0-49/1234`, or `*\/1234` for an empty page (PostgREST). */
export function contentRange(offset: number, count: number, total: number): string {
  return count === 0 ? `*/${total}` : `${offset}-${offset + count - 1}/${total}`;
}

/**
 * A collection request (validated by `listQuery`) as repository list parameters: the resource's
 * filters that were sent, after `scope` (e.g. the parent trip); order, page and count.
 */
export function listParamsOf<C extends string>(req: FastifyRequest, opts: ListQueryOptions<C>, scope: Filter<C>[] = []): ListParams<C> {
  const q = req.query as Record<string, unknown>;
  const where = [...scope];
  for (const [name, f] of Object.entries(opts.filters ?? {})) {
    if (q[name] !== undefined) where.push({ column: f.column, op: f.op, value: q[name], ...(f.or ? { or: f.or } : {}) });
  }
  return {
    where,
    order: parseOrder(q.order as string | undefined, opts),
    limit: q.limit as number,
    offset: q.offset as number,
    count: /count=exact/.test(String(req.headers.prefer ?? '')),
  };
}

/** Sets `Content-Range` when the total was counted; returns the rows. */
export function sendPage<R>(reply: FastifyReply, params: ListParams, page: { rows: R[]; total?: number }): R[] {
  if (page.total !== undefined) reply.header('content-range', contentRange(params.offset, page.rows.length, page.total));
  return page.rows;
}
