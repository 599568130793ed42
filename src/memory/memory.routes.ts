/**
 * /api/v1/memories: the caller's AI memory (pgvector). Every database access is the request's
 * transaction as the caller; RLS confines it to their own memories. Where the feature is off
 * (TRIPSAGE_MEMORY=off, or the table was never migrated) every route answers 503
 * feature_disabled with how to enable it (memory.access.ts). See docs/memory.md.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireUserClaims } from '../http/context.ts';
import { inTx, userIdOf } from '../http/context.ts';
import { noContent } from '../http/crud.routes.ts';
import { nameSchema } from '../http/openapi.ts';
import { invalid, notFound, nothingToUpdate } from '../domain/errors.ts';
import { listParamsOf, listQuery, sendPage, type ListQueryOptions } from '../http/list.ts';
import { jsonObject, text, ts, uuid } from '../http/schemas.ts';
import { EMBEDDING_DIM } from './embedders.ts';
import type { MemoryAccess } from './memory.access.ts';
import type { ColumnOf } from '../db/crud.repo.ts';
import { deleteAllMemories, getMemory, memoryTable, type MemoryRow } from './memory.repo.ts';
import {
  applyPatch, prepareMemories, preparePatch, prepareSearch, runSearch, storeMemories,
  type MemoryInput, type SearchRequest,
} from './memory.service.ts';

export const MAX_BATCH = 500;
export const MAX_SEARCH_LIMIT = 100;

const memoryRow = z.object({
  id: uuid,
  user_id: uuid,
  content_text: z.string(),
  content_type: z.string(),
  metadata: jsonObject.describe('caller metadata plus embedding_model and embedding_dim (set by the server)'),
  created_at: ts,
  updated_at: ts,
});
const searchHit = memoryRow.extend({ similarity: z.number().describe('1 − cosine distance') });

const memoryCreate = z.strictObject({
  content_text: text(100_000),
  content_type: text(100).describe('e.g. preference, trip_note, conversation'),
  metadata: jsonObject.optional(),
});
const createBody = z.union([memoryCreate, z.array(memoryCreate).min(1).max(MAX_BATCH)]);
const memoryPatch = memoryCreate.partial().strict();

const searchBody = z
  .strictObject({
    query: text(100_000).optional().describe('text to embed and search for'),
    embedding: z.array(z.number()).length(EMBEDDING_DIM).optional().describe(`or a query vector of ${EMBEDDING_DIM} numbers`),
    embedding_model: text(200).optional().describe("with `embedding`: the model it came from (default: the server's)"),
    limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).default(10),
    threshold: z.number().min(0).max(1).optional().describe('minimum similarity, 0..1 (default: none; similarity ranges −1..1)'),
    content_type: text(100).optional(),
    metadata: jsonObject.optional().describe('only memories whose metadata contains this (jsonb @>)'),
  })
  .refine((b) => (b.query === undefined) !== (b.embedding === undefined), { message: 'send exactly one of query or embedding' });

const list: ListQueryOptions<ColumnOf<'memory_embeddings'>> = {
  orderable: ['created_at', 'updated_at', 'content_type', 'id'],
  defaultOrder: [{ column: 'created_at', desc: true }],
  filters: { content_type: { column: 'content_type', op: '=', schema: text(100), description: 'only memories of this type' } },
};
const params = z.object({ id: uuid });
const tags = ['memory'];
const security = [{ bearer: [] }];

export function registerMemoryRoutes(app: FastifyInstance, memory: MemoryAccess): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/memories';
  nameSchema(app, memoryRow, 'Memory');
  nameSchema(app, memoryCreate, 'MemoryCreate');
  nameSchema(app, memoryPatch, 'MemoryPatch');
  nameSchema(app, searchHit, 'MemorySearchHit');

  // Route-level onRequest: after the token check, before body validation, so a disabled feature
  // says so whatever the request looks like.
  const onRequest = async (_req: FastifyRequest) => memory.requireEnabled();
  const me = (req: FastifyRequest) => {
    requireUserClaims(req);
    return userIdOf(req);
  };

  r.post(base, {
    onRequest,
    schema: {
      tags, security, summary: `Store a memory, or an array of up to ${MAX_BATCH} (embedded in batches, stored in one transaction)`,
      body: createBody, response: { 201: z.union([memoryRow, z.array(memoryRow)]) },
    },
  }, async (req, reply) => {
    const userId = me(req);
    const many = Array.isArray(req.body);
    const inputs = (many ? req.body : [req.body]) as MemoryInput[];
    const rows = await prepareMemories(memory.embedderFor(userId), inputs);
    const stored = await inTx(req, (trx) => storeMemories(trx, userId, rows));
    return reply.status(201).send(many ? stored : stored[0]!);
  });

  r.post(`${base}/search`, {
    onRequest,
    schema: { tags, security, summary: 'Search my memories by similarity (best first)', body: searchBody, response: { 200: z.array(searchHit) } },
  }, async (req) => {
    const body = req.body as SearchRequest;
    const q = await prepareSearch(memory.embedderFor(me(req)), body);
    return inTx(req, (trx) => runSearch(trx, q, body));
  });

  r.get(base, {
    onRequest,
    schema: { tags, security, summary: 'List my memories', querystring: listQuery(list), response: { 200: z.array(memoryRow) } },
  }, async (req, reply) => {
    me(req);
    const params = listParamsOf(req, list);
    return sendPage(reply, params, await inTx(req, (trx) => memoryTable.list(trx, params))) as unknown as MemoryRow[];
  });

  r.delete(base, {
    onRequest,
    schema: {
      tags, security, summary: 'Delete ALL my memories (needs ?confirm=true)',
      querystring: z.strictObject({ confirm: z.enum(['true', 'false']).optional() }),
      response: { 200: z.object({ deleted: z.number().int() }) },
    },
  }, async (req) => {
    const userId = me(req);
    if ((req.query as { confirm?: string }).confirm !== 'true') {
      throw invalid('confirmation_required', 'deleting all your memories needs ?confirm=true', { hint: 'DELETE /api/v1/memories?confirm=true' });
    }
    return { deleted: await inTx(req, (trx) => deleteAllMemories(trx, userId)) };
  });

  r.get(`${base}/:id`, {
    onRequest,
    schema: { tags, security, summary: 'Get a memory', params, response: { 200: memoryRow } },
  }, async (req) => {
    me(req);
    const row = await inTx(req, (trx) => getMemory(trx, (req.params as { id: string }).id));
    if (!row) throw notFound('memory');
    return row;
  });

  r.patch(`${base}/:id`, {
    onRequest,
    schema: { tags, security, summary: 'Update a memory (a new content_text is re-embedded)', params, body: memoryPatch, response: { 200: memoryRow } },
  }, async (req) => {
    me(req);
    const body = req.body as Partial<MemoryInput>;
    if (!Object.keys(body).length) throw nothingToUpdate();
    const id = (req.params as { id: string }).id;
    // Probe first (cheap, under RLS) so a missing memory costs no embedding call.
    if (body.content_text !== undefined && !(await inTx(req, (trx) => getMemory(trx, id)))) throw notFound('memory');
    const prepared = await preparePatch(memory.embedderFor(me(req)), body);
    const row = await inTx(req, (trx) => applyPatch(trx, id, prepared));
    if (!row) throw notFound('memory');
    return row;
  });

  r.delete(`${base}/:id`, {
    onRequest,
    schema: { tags, security, summary: 'Delete a memory', params, response: { 204: noContent } },
  }, async (req, reply) => {
    me(req);
    const gone = await inTx(req, (trx) => memoryTable.remove(trx, [{ column: 'id', op: '=', value: (req.params as { id: string }).id }]));
    if (!gone) throw notFound('memory');
    return reply.status(204).send(null);
  });
}
