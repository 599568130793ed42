/**
 * The OpenAPI document, generated from the routes' zod schemas (fastify-type-provider-zod), made
 * good for client generators:
 *
 * - named component schemas: a resource's row, create and patch schemas are registered under its
 *   name (`Trip`, `TripCreate`, `TripPatch`) in the app's schema registry and referenced by
 *   `$ref`; components no operation refers to are left out;
 * - an operationId on every operation: the ones a route declares (`listTrips`, `getTripDays`),
 *   otherwise derived from the method, the path and the answer (`listApiKeys`, `postMemoriesSearch`);
 * - the error responses of each operation, all `#/components/schemas/Error`
 *   (`{code, message, details, hint, request_id}`), with the statuses that operation can answer.
 */
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';

declare module 'fastify' {
  interface FastifyInstance {
    /** Zod schemas that appear in the OpenAPI document as named components. */
    apiSchemas: z.core.$ZodRegistry<{ id: string }>;
  }
}

export const ERROR_SCHEMA = {
  type: 'object',
  description: 'Every error: PostgREST\'s four fields and the request id (docs/api.md, "Errors")',
  required: ['code', 'message', 'details', 'hint', 'request_id'],
  properties: {
    code: { type: 'string', description: 'a short word (invalid_request, not_found, …) or the SQLSTATE of a database error' },
    message: { type: 'string' },
    details: { description: 'structured detail: field errors, the cap reached, …; or null' },
    hint: { type: ['string', 'null'], description: 'what to do about it' },
    request_id: { type: 'string', description: 'also in the x-request-id header, and in the server log' },
  },
} as const;

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request: a field, parameter or the JSON body (details name them)',
  401: 'No token, or a bad one',
  403: 'The token\'s role may never do this',
  404: 'Not found, or not yours',
  409: 'Conflicts with a row that exists (unique) or is referred to (foreign key)',
  413: 'The body is over the configured limit',
  415: 'The body is not application/json',
  422: 'Refused by a rule: a collection cap (54000), or a rule of the operation',
  429: 'Too many requests: retry after Retry-After',
  500: 'A bug, logged with the request id',
  503: 'The server or the database is busy or down: retry after Retry-After',
};

/** Names a zod schema as a component (once; a name is never given to two schemas). */
export function nameSchema(app: FastifyInstance, schema: z.ZodType, id: string): void {
  const registry = app.apiSchemas;
  if (registry.has(schema)) return;
  registry.add(schema, { id });
}

const pascal = (words: string) => words.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');

const singular = (plural: string) =>
  plural.replace(/ies$/, 'y').replace(/(ss|sh|ch|x)es$/, '$1').replace(/([^s])s$/, '$1');

/**
 * An operationId from the route, for routes that do not declare one: CRUD verbs where the path
 * and the answer say which (`GET /api/v1/api-keys` answering an array → `listApiKeys`,
 * `POST …/api-keys` answering 201 → `createApiKey`, `PATCH …/api-keys/:id` → `updateApiKey`),
 * otherwise the method and the path's words (`POST /api/v1/memories/search` →
 * `postMemoriesSearch`, `POST /auth/v1/token` → `postAuthToken`).
 */
export function derivedOperationId(method: string, url: string, response: Record<string, unknown> = {}): string {
  const segments = url.split('/').filter((s) => s && s !== 'api' && !/^v\d+$/.test(s));
  const byId = segments.at(-1)?.startsWith(':') ?? false;
  const words = segments.filter((s) => !s.startsWith(':')).map(pascal).join('');
  const verb = method.toLowerCase();
  if (byId && segments.slice(0, -1).every((s) => !s.startsWith(':'))) {
    const crud: Record<string, string> = { get: 'get', patch: 'update', put: 'replace', delete: 'delete' };
    if (crud[verb]) return `${crud[verb]}${singular(words)}`;
  }
  if (!byId && verb === 'get' && response[200] instanceof z.ZodArray) return `list${words}`;
  if (!byId && verb === 'post' && response[201] !== undefined) return `create${singular(words)}`;
  return `${verb}${words}${byId ? `By${pascal(segments.at(-1)!.slice(1))}` : ''}`;
}

/** The error statuses an operation can answer, from what it takes. */
function errorStatuses(method: string, url: string, schema: Record<string, unknown>, rateLimited: boolean): number[] {
  const statuses = [400, 500, 503];
  const security = schema.security as unknown[] | undefined;
  if (security === undefined || security.length > 0) statuses.push(401, 403);
  if (url.includes(':')) statuses.push(404);
  if (schema.body !== undefined && ['POST', 'PUT', 'PATCH'].includes(method)) statuses.push(409, 413, 415, 422);
  if (rateLimited) statuses.push(429);
  return statuses.sort((a, b) => a - b);
}

const openapiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Every `$ref` target under `node`. */
function refsIn(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const v of node) refsIn(v, into);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') into.add(v.replace('#/components/schemas/', ''));
      else refsIn(v, into);
    }
  }
  return into;
}

/** Keeps the components some operation reaches, directly or through other components. */
function pruneComponents(doc: { paths?: unknown; components?: { schemas?: Record<string, unknown> } }): void {
  const schemas = doc.components?.schemas;
  if (!schemas) return;
  const keep = refsIn(doc.paths);
  for (let grown = true; grown; ) {
    const before = keep.size;
    for (const name of [...keep]) refsIn(schemas[name], keep);
    grown = keep.size > before;
  }
  for (const name of Object.keys(schemas)) if (!keep.has(name)) delete schemas[name];
}

/**
 * The provider names a schema's request-side variant `<id>Input` (a schema can differ as input
 * and output); where only that variant is left (`TripCreateInput`), it takes the plain name.
 */
function dropInputSuffix<D extends { components?: { schemas?: Record<string, unknown> } }>(doc: D): D {
  const schemas = doc.components?.schemas ?? {};
  const renames = Object.keys(schemas).filter((n) => n.endsWith('Input') && !(n.slice(0, -5) in schemas));
  if (!renames.length) return doc;
  let text = JSON.stringify(doc);
  for (const n of renames) text = text.replaceAll(`"#/components/schemas/${n}"`, `"#/components/schemas/${n.slice(0, -5)}"`);
  const out = JSON.parse(text) as D;
  for (const n of renames) {
    out.components!.schemas![n.slice(0, -5)] = out.components!.schemas![n];
    delete out.components!.schemas![n];
  }
  return out;
}

type Operation = { operationId?: string; responses?: Record<string, unknown> };

/** The `transform` and `transformObject` options of @fastify/swagger, over the app's registry. */
export function openapiTransforms(app: FastifyInstance) {
  const registry = z.registry<{ id: string }>();
  app.decorate('apiSchemas', registry);
  const toJson = createJsonSchemaTransform({ schemaRegistry: registry });
  const toDocument = createJsonSchemaTransformObject({ schemaRegistry: registry });
  const errorsOf = new Map<string, number[]>();

  const transform: typeof toJson = (input) => {
    const out = toJson(input);
    const schema = out.schema as Record<string, unknown> | undefined;
    if (!schema || schema.hide) return out;
    const route = input.route as { method: string | string[]; config?: { rateLimit?: unknown } };
    for (const method of [route.method].flat()) {
      errorsOf.set(`${method} ${openapiPath(input.url)}`, errorStatuses(method, input.url, input.schema as Record<string, unknown>, route.config?.rateLimit !== undefined));
    }
    const method = [route.method].flat()[0]!;
    const response = ((input.schema as { response?: Record<string, unknown> }).response ?? {});
    const operationId = (schema.operationId as string | undefined) ?? derivedOperationId(method, input.url, response);
    return { ...out, schema: { ...out.schema, operationId } };
  };

  const transformObject: typeof toDocument = (input) => {
    const doc = toDocument(input) as { paths?: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> } };
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item)) {
        for (const status of errorsOf.get(`${method.toUpperCase()} ${path}`) ?? []) {
          op.responses ??= {};
          op.responses[status] ??= {
            description: STATUS_TEXT[status],
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          };
        }
      }
    }
    doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Error: ERROR_SCHEMA } };
    pruneComponents(doc);
    return dropInputSuffix(doc);
  };

  return { transform, transformObject };
}
