/**
 * GoTrue's admin API (service_role): GET/POST /admin/users, GET/PUT/DELETE /admin/users/{id}.
 * Listing pages as GoTrue does: `page` (from 1) and `per_page` (default 50, at most 1000), the
 * total in `x-total-count`, `Link` with rel="next" and rel="last"; an `email` parameter (exact,
 * case-insensitive) is TripSage's addition, used by `tripsage token`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminService, DEFAULT_PER_PAGE, MAX_PER_PAGE } from './admin.service.ts';
import { validationFailed } from './auth.errors.ts';
import { requireAdmin, runnersOf } from './auth-guards.ts';
import { adminUserBody, emptyObject, userSchema } from './auth.schemas.ts';

/** GoTrue's paginate(): empty values mean the defaults, anything else must be a positive integer. */
function pageParam(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw validationFailed(`Bad Pagination Parameters: ${JSON.stringify(value)} is not a positive integer`);
  return Number(value);
}

/** GoTrue's Link header: next (when there is one) and last, with `page` first as auth-js reads it. */
function linkHeader(req: FastifyRequest, page: number, perPage: number, total: number): string {
  const last = Math.max(1, Math.ceil(total / perPage));
  const [path, query = ''] = req.url.split('?') as [string, string?];
  const at = (p: number) => {
    const q = new URLSearchParams(query);
    q.delete('page');
    if (q.has('per_page')) q.set('per_page', String(perPage));
    return `<${path}?${new URLSearchParams([['page', String(p)], ...q])}>`;
  };
  return [...(page < last ? [`${at(page + 1)}; rel="next"`] : []), `${at(last)}; rel="last"`].join(', ');
}

export function registerAdminRoutes(scope: FastifyInstance): void {
  const r = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth admin'];
  const security = [{ bearer: [] }];
  const idParams = z.object({ id: z.string().max(64) });

  r.get('/admin/users', {
    schema: {
      tags,
      security,
      summary: 'List users, newest first, by page (service_role)',
      querystring: z.looseObject({ page: z.string().optional(), per_page: z.string().optional(), filter: z.string().max(255).optional(), email: z.string().max(255).optional() }),
      response: { 200: z.object({ users: z.array(userSchema), aud: z.string() }) },
    },
  }, async (req, reply) => {
    requireAdmin(req);
    const page = pageParam(req.query.page, 1);
    const perPage = Math.min(pageParam(req.query.per_page, DEFAULT_PER_PAGE), MAX_PER_PAGE);
    const list = await adminService.list(runnersOf(req).asCaller, { page, perPage, filter: req.query.filter, email: req.query.email?.trim() });
    reply.header('x-total-count', String(list.total)).header('link', linkHeader(req, page, perPage, list.total));
    return { users: list.users, aud: list.aud };
  });

  r.post('/admin/users', {
    schema: { tags, security, summary: 'Create a user (service_role)', body: adminUserBody, response: { 200: userSchema } },
  }, async (req) => {
    requireAdmin(req);
    const b = req.body ?? {};
    return adminService.create(runnersOf(req).asCaller, { ...b, user_metadata: b.user_metadata ?? undefined, app_metadata: b.app_metadata ?? undefined });
  });

  r.get('/admin/users/:id', {
    schema: { tags, security, summary: 'A user (service_role)', params: idParams, response: { 200: userSchema } },
  }, async (req) => {
    requireAdmin(req);
    return adminService.get(runnersOf(req).asCaller, req.params.id);
  });

  r.put('/admin/users/:id', {
    schema: { tags, security, summary: "Update a user: email, password (signs out every session), confirmation, metadata (service_role)", params: idParams, body: adminUserBody, response: { 200: userSchema } },
  }, async (req) => {
    requireAdmin(req);
    const b = req.body ?? {};
    return adminService.update(runnersOf(req).asCaller, req.params.id, { ...b, user_metadata: b.user_metadata ?? undefined, app_metadata: b.app_metadata ?? undefined });
  });

  r.delete('/admin/users/:id', {
    schema: {
      tags,
      security,
      summary: 'Delete a user with everything they own, or soft-delete ({should_soft_delete: true}) (service_role)',
      params: idParams,
      response: { 200: emptyObject },
    },
  }, async (req) => {
    requireAdmin(req);
    // GoTrue's DELETE carries an optional body; OpenAPI gives DELETE none, so it is read, not declared.
    const soft = (req.body as { should_soft_delete?: unknown } | null | undefined)?.should_soft_delete === true;
    return adminService.remove(runnersOf(req).asCaller, req.params.id, soft);
  });
}
