/**
 * /api/v1/api-keys: bring-your-own keys. The value is write-only.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ColumnOf } from '../db/crud.repo.ts';
import type { AppDeps } from '../http/deps.ts';
import { inTx, userIdOf } from '../http/context.ts';
import { bigintId, noContent } from '../http/crud.routes.ts';
import { nameSchema } from '../http/openapi.ts';
import { notFound } from '../domain/errors.ts';
import { listParamsOf, listQuery, sendPage, type ListQueryOptions } from '../http/list.ts';
import { audit, id, text, timestamp, ts, uuid } from '../http/schemas.ts';
import { loadKeyRing } from './crypto.ts';
import { keysRepo } from './keys.repo.ts';
import { createKey, updateKey } from './keys.service.ts';

const keyRow = z.object({
  id, user_id: uuid, service_name: z.string(), key_name: z.string(), key_hint: z.string().nullable().describe('the last 4 characters of a key of at least 20 characters; null for shorter keys'),
  is_active: z.boolean(), last_used_at: ts.nullable(), expires_at: ts.nullable(), usage_count: z.number(), ...audit,
});
const keyCreate = z.strictObject({
  service_name: text(100),
  key_name: text(200),
  value: z.string().min(8).max(10_000).describe('the secret (at least 8 characters); stored encrypted, never returned'),
  expires_at: timestamp.nullable().optional(),
  is_active: z.boolean().optional(),
});
const keyPatch = keyCreate.partial().strict().refine((v) => Object.keys(v).length > 0, 'nothing to update: send at least one field');
const list: ListQueryOptions<ColumnOf<'api_keys'>> = {
  orderable: ['service_name', 'key_name', 'created_at', 'last_used_at', 'id'],
  defaultOrder: [{ column: 'service_name', desc: false }, { column: 'key_name', desc: false }],
  filters: { service_name: { column: 'service_name', op: '=', schema: text(100), description: 'only keys for this service' } },
};
const params = z.object({ id: bigintId });
const tags = ['api keys'];
const security = [{ bearer: [] }];

export function registerKeyRoutes(app: FastifyInstance, deps: AppDeps): void {
  let ring: ReturnType<typeof loadKeyRing> | undefined;
  const keyRing = () => (ring ??= loadKeyRing(deps.config));
  const base = '/api/v1/api-keys';
  nameSchema(app, keyRow, 'ApiKey');
  nameSchema(app, keyCreate, 'ApiKeyCreate');
  nameSchema(app, keyPatch, 'ApiKeyPatch');

  app.get(base, { schema: { tags, security, summary: 'List my API keys (metadata only)', querystring: listQuery(list), response: { 200: z.array(keyRow) } } }, async (req, reply) => {
    const params = listParamsOf(req, list);
    return sendPage(reply, params, await inTx(req, (trx) => keysRepo.list(trx, params)));
  });

  app.post(base, { schema: { tags, security, summary: 'Store an API key (encrypted)', body: keyCreate, response: { 201: keyRow } } }, async (req, reply) => {
    const row = await inTx(req, (trx) => createKey(trx, keyRing(), userIdOf(req), req.body as z.infer<typeof keyCreate>));
    return reply.status(201).send(row);
  });

  app.get(`${base}/:id`, { schema: { tags, security, summary: 'Get an API key (metadata only)', params, response: { 200: keyRow } } }, async (req) => {
    const row = await inTx(req, (trx) => keysRepo.get(trx, [{ column: 'id', op: '=', value: (req.params as { id: number }).id }]));
    if (!row) throw notFound('API key');
    return row;
  });

  app.patch(`${base}/:id`, { schema: { tags, security, summary: 'Rename, (de)activate, re-key or change the expiry of an API key', params, body: keyPatch, response: { 200: keyRow } } }, async (req) =>
    inTx(req, (trx) => updateKey(trx, keyRing(), (req.params as { id: number }).id, req.body as z.infer<typeof keyPatch>)),
  );

  app.delete(`${base}/:id`, { schema: { tags, security, summary: 'Delete an API key', params, response: { 204: noContent } } }, async (req, reply) => {
    const gone = await inTx(req, (trx) => keysRepo.remove(trx, [{ column: 'id', op: '=', value: (req.params as { id: number }).id }]));
    if (!gone) throw notFound('API key');
    return reply.status(204).send();
  });
}
