/**
 * /api/v1/admin/*: database statistics for operators. service_role only (end users get 403), and
 * run as service_role: the monitoring views are granted to it alone.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { inTx } from '../http/context.ts';
import { slowQueries, tableSizes, tableStats } from './admin.repo.ts';
import { requireServiceRole } from '../http/context.ts';

const tags = ['admin'];
const security = [{ bearer: [] }];

export function registerAdminRoutes(app: FastifyInstance): void {
  app.get('/api/v1/admin/slow-queries', {
    schema: {
      tags, security, summary: 'Queries averaging over 100 ms (pg_stat_statements), slowest first',
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: {
        200: z.object({
          available: z.boolean(), note: z.string().nullable(),
          queries: z.array(z.object({ query: z.string(), calls: z.number(), total_exec_time: z.number(), mean_exec_time: z.number(), rows: z.number(), hit_percent: z.string().nullable() })),
        }),
      },
    },
  }, async (req) => {
    requireServiceRole(req);
    return inTx(req, (trx) => slowQueries(trx, (req.query as { limit: number }).limit));
  });

  app.get('/api/v1/admin/table-sizes', {
    schema: {
      tags, security, summary: 'Size of every table (public.table_sizes), largest first',
      response: {
        200: z.array(z.object({ schemaname: z.string(), tablename: z.string(), row_estimate: z.number(), total_bytes: z.number(), table_bytes: z.number(), index_bytes: z.number(), size: z.string() })),
      },
    },
  }, async (req) => {
    requireServiceRole(req);
    return inTx(req, (trx) => tableSizes(trx));
  });

  app.get('/api/v1/admin/stats', {
    schema: {
      tags, security, summary: 'Exact row count and size of each of the 16 tables',
      response: { 200: z.array(z.object({ table: z.string(), rows: z.number().nullable(), total_bytes: z.number().nullable(), size: z.string().nullable() })) },
    },
  }, async (req) => {
    requireServiceRole(req);
    return inTx(req, (trx) => tableStats(trx));
  });
}
