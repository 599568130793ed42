/**
 * /rest/v1: PostgREST's HTTP surface, so supabase-js's `from()` and `rpc()` work unchanged. Thin:
 * each route hands the raw body and the query string to its handler. The scope has its own body
 * parsing (every content type as raw text: the database parses values) and its own error handler
 * (PostgREST's `{code, details, hint, message}`), leaving the app's /api/v1 conventions alone.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../http/deps.ts';
import { requireServiceRole } from '../http/context.ts';
import { SchemaCacheHolder } from './cache-holder.ts';
import { invalidPath, invalidRpcMethod, toRestError } from './errors.ts';
import { handleCall } from './handle-call.ts';
import { handleRead } from './handle-read.ts';
import { handleDelete, handleInsert, handlePut, handleUpdate } from './handle-write.ts';
import { negotiate, profileSchema } from './headers.ts';
import { openApiDocument } from './openapi.ts';
import type { RestSettings } from './request.ts';
import type { RestReply } from './response.ts';

/** Embedding deeper than this, or more embeds than that in one request, is refused (PGRST100). */
export const MAX_EMBED_DEPTH = 8;
export const MAX_EMBEDS = 32;

export function restSettings(deps: AppDeps): RestSettings {
  const c = deps.config;
  const schemas = c.restSchemas.split(',').map((x) => x.trim()).filter(Boolean);
  return {
    holder: new SchemaCacheHolder(deps.db, schemas),
    schemas,
    maxRows: c.restMaxRows,
    maxDepth: MAX_EMBED_DEPTH,
    maxEmbeds: MAX_EMBEDS,
    aggregates: c.restAggregates,
    plans: c.restPlans,
    statementTimeoutMs: c.restStatementTimeoutMs,
  };
}

const send = (reply: FastifyReply, r: RestReply) => reply.status(r.status).headers(r.headers).send(r.body ?? undefined);
const rawBody = (req: FastifyRequest) => (typeof req.body === 'string' ? req.body : '');
const param = (req: FastifyRequest, name: string) => (req.params as Record<string, string>)[name]!;

export async function registerRestRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const s = restSettings(deps);
  // Hidden from /openapi.json (GET /rest/v1/ describes them); the query string may repeat a key.
  const hide = { schema: { hide: true }, config: { repeatedQuery: true } };
  // A serving process reads the catalog before its first request (after start-up migrations);
  // an app that never listens (tests) reads it on its first /rest/v1 request instead.
  app.addHook('onListen', async () => {
    await s.holder.reload().catch((err: unknown) => app.log.warn({ err }, 'the /rest/v1 schema cache will be read on the first request'));
  });

  await app.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      scope.setErrorHandler((error, req, reply) => {
        const e = toRestError(error, req.caller?.role !== undefined && req.caller.role !== 'anon');
        if (e.status >= 500) req.log.error({ err: error }, 'rest request failed');
        reply.status(e.status).headers(e.headers).type('application/json; charset=utf-8');
        return reply.send(req.method === 'HEAD' ? undefined : JSON.stringify(e.body()));
      });
      scope.setNotFoundHandler((req, reply) => {
        const e = invalidPath();
        return reply.status(e.status).type('application/json; charset=utf-8').send(JSON.stringify(e.body()));
      });

      scope.get('/', hide, async (req, reply) => {
        negotiate(req.headers.accept, { plans: false, openapi: true });
        const schema = profileSchema(req.headers['accept-profile'], s.schemas);
        const body = await openApiDocument(req, await s.holder.get(), schema);
        return reply.type('application/openapi+json; charset=utf-8').send(req.method === 'HEAD' ? undefined : body);
      });
      scope.route({
        method: ['GET', 'HEAD', 'POST'],
        url: '/rpc/:fn',
        ...hide,
        exposeHeadRoute: false,
        handler: async (req, reply) => send(reply, await handleCall(req, s, param(req, 'fn'), rawBody(req))),
      });
      scope.route({
        method: ['PUT', 'PATCH', 'DELETE'],
        url: '/rpc/:fn',
        ...hide,
        handler: async (req) => {
          throw invalidRpcMethod(req.method);
        },
      });
      scope.get('/:table', hide, async (req, reply) => send(reply, await handleRead(req, s, param(req, 'table'))));
      scope.post('/:table', hide, async (req, reply) => send(reply, await handleInsert(req, s, param(req, 'table'), rawBody(req))));
      scope.put('/:table', hide, async (req, reply) => send(reply, await handlePut(req, s, param(req, 'table'), rawBody(req))));
      scope.patch('/:table', hide, async (req, reply) => send(reply, await handleUpdate(req, s, param(req, 'table'), rawBody(req))));
      scope.delete('/:table', hide, async (req, reply) => send(reply, await handleDelete(req, s, param(req, 'table'))));
    },
    { prefix: '/rest/v1' },
  );

  // Reload the schema cache after changing the schema while the server runs (service_role only;
  // `tripsage rest reload` calls it).
  app.post('/api/v1/admin/rest/reload', hide, async (req) => {
    requireServiceRole(req);
    const cache = await s.holder.reload();
    return { tables: cache.tables.size, functions: [...cache.routines.values()].flat().length, schemas: cache.schemas };
  });
}
