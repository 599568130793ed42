/**
 * The Fastify application: security headers, CORS, body limit, request ids, authentication,
 * OpenAPI generated from the same zod schemas that validate requests, and the error mapper.
 */
import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { DbError, translateDbError } from '../db/errors.ts';
import { migrationStatus } from '../db/migrate.ts';
import { ANON } from '../db/transaction.ts';
import { DomainError } from '../domain/errors.ts';
import { checkApiKey } from '../auth/apikey.ts';
import { databaseRateLimitStore } from '../auth/rate-limit.store.ts';
import { acceptEmptyJsonBodies } from './empty-json-body.ts';
import { registerApiRoutes } from './routes.ts';
import { MAX_JSON_DEPTH, registerJsonBodyParser } from './body.ts';
import { trackRouteMethods } from './methods.ts';
import { openapiTransforms } from './openapi.ts';
import { MAX_PATH_PARAM } from './schemas.ts';
import { registerWebApp } from './static.ts';
import { registerLoadShedding } from './shedding.ts';
import { bearerChallenge, fromDbError, fromDomainError, HttpError, type ErrorBody } from './errors.ts';
import type { AppDeps } from './deps.ts';
import './context.ts';

export type App = FastifyInstance;
export type { AppDeps };

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The router's limit on one path parameter, in bytes as sent: room for the longest parameter any
 * route accepts (MAX_PATH_PARAM characters), percent-encoded (up to 12 bytes a character), so a
 * too-long parameter is always the route's own 400; only beyond this is it a 414.
 */
const MAX_PARAM_BYTES = MAX_PATH_PARAM * 12;

export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, db, tokens } = deps;
  const given = deps.logger;
  const isInstance = (l: typeof given): l is FastifyBaseLogger => typeof (l as FastifyBaseLogger | undefined)?.child === 'function';
  const app = Fastify({
    ...(isInstance(given) ? { loggerInstance: given } : { logger: given ?? false }),
    bodyLimit: config.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Requests during shutdown get our own 503 (src/http/shedding.ts).
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PARAM_BYTES },
    // A malformed URL or an over-long path parameter: our error shape, not Fastify's.
    frameworkErrors: (error, req, reply) => sendError(req, reply, frameworkError(error)),
    // Which proxies' X-Forwarded-For to believe for req.ip (the rate limits' key): TRIPSAGE_TRUST_PROXY.
    trustProxy: config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();
  const methods = trackRouteMethods(app, MAX_PARAM_BYTES);
  registerJsonBodyParser(app);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('db', db);
  app.decorate('txGate', { pending: 0, limit: config.maxPendingTransactions, statementTimeoutMs: config.statementTimeoutMs });
  app.decorateRequest('caller', null as never);
  app.decorateRequest('hasToken', false);

  // A JSON API: no inline content ever, so the strictest CSP; the docs page and the web app set
  // their own (reply headers win over these). Built once: @fastify/helmet built helmet's whole
  // middleware again on every request (3-4 % of a GET's CPU in bench:profile).
  const securityHeaders = helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
  app.addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, (err) => done(err as Error | undefined)));
  const origins = config.corsOrigins.split(',').map((o) => o.trim()).filter(Boolean);
  await app.register(cors, {
    origin: origins.includes('*') ? true : origins.length ? origins : false,
    // supabase-js: auth-js reads x-total-count/link and the API version; postgrest-js sends range,
    // accept-profile and content-profile, and reads content-range.
    exposedHeaders: ['content-range', 'x-request-id', 'x-total-count', 'link', 'x-supabase-api-version', 'x-sb-error-code', 'content-profile', 'preference-applied', 'location'],
    allowedHeaders: ['authorization', 'content-type', 'prefer', 'x-request-id', 'apikey', 'x-client-info', 'x-supabase-api-version', 'range', 'range-unit', 'accept-profile', 'content-profile', 'accept'],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  });
  await registerLoadShedding(app, config);
  // Counters in the database: the limit holds across instances (src/auth/rate-limit.store.ts).
  await app.register(rateLimit, { global: false, store: databaseRateLimitStore(db), errorResponseBuilder: (_req, ctx) => rateLimited(ctx.after) });
  acceptEmptyJsonBodies(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'TripSage API',
        version: '1.0.0',
        description: 'Trips, itineraries, chat, memory and more. Every request runs as its caller under row-level security. See docs/api.md.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    ...openapiTransforms(app),
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    req.caller = ANON;
    const auth = req.headers.authorization ?? (await checkApiKey(req, tokens, config));
    if (auth === undefined) return;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!m) {
      const message = 'the Authorization header must be "Bearer <token>"';
      throw new HttpError(401, 'invalid_token', message, null, 'send a valid access token: Authorization: Bearer <jwt>', { 'www-authenticate': bearerChallenge('invalid_request', message) });
    }
    req.caller = await tokens.callerFromToken(m[1]!);
    req.hasToken = true;
  });

  app.addHook('preValidation', async (req) => {
    // A repeated query parameter arrives as an array, which no route's schema takes (except a
    // route that reads its query string itself: /rest/v1, where `id=gte.1&id=lte.9` is two filters).
    const repeated = Object.entries((req.query ?? {}) as Record<string, unknown>).find(([, v]) => Array.isArray(v));
    if (repeated && !(req.routeOptions.config as { repeatedQuery?: boolean }).repeatedQuery) {
      throw new HttpError(400, 'invalid_request', `the query parameter "${repeated[0]}" is given ${(repeated[1] as unknown[]).length} times`, { parameter: repeated[0] }, 'send each query parameter once');
    }
    // PostgreSQL cannot store NUL in text or jsonb: refuse it up front with a clear message.
    const where = findNul({ body: req.body, query: req.query, params: req.params });
    if (where) throw new HttpError(400, 'invalid_text', `NUL characters are not allowed (in ${where})`, { path: where }, 'remove \\u0000 from the text');
  });

  app.setErrorHandler((error, req, reply) => {
    const e = toHttpError(error, req.hasToken);
    if (e.status >= 500) logFailure(req, e, error);
    return sendError(req, reply, e);
  });
  // The web app at `/` (when built); its fallback answers the app's own paths with index.html.
  const spaFallback = await registerWebApp(app, deps.webDir);
  app.setNotFoundHandler((req, reply) => {
    const page = spaFallback?.(req, reply);
    if (page) return page;
    const path = req.url.split('?')[0];
    const allow = methods.allowed(req.url);
    if (allow.length) {
      reply.header('allow', allow.join(', '));
      return sendError(req, reply, new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}`, { allow }, `use ${allow.join(', ')}`));
    }
    return sendError(req, reply, new HttpError(404, 'not_found', `no route ${req.method} ${path}`, null, 'see /docs for the routes'));
  });

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true } }, async (req, reply) => {
    try {
      await db.query('SELECT 1');
      const s = await migrationStatus(db);
      const ready = s.pending.length === 0 && s.drift.length === 0;
      return reply.status(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'not_ready',
        database: db.backend,
        pending_migrations: s.pending.map((p) => p.name),
        drift: s.drift.map((d) => d.name),
      });
    } catch (e) {
      // The reason goes to the log only: a driver's message names the database host and port.
      req.log.warn({ err: { message: (e as Error).message, code: (e as { code?: string }).code } }, 'not ready: the database does not answer');
      return reply.status(503).send({ status: 'not_ready', database: db.backend, reason: 'the database does not answer (see the server log)' });
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await registerApiRoutes(app, deps);
  return app;
}

/** Every error response: `{code, message, details, hint, request_id}`, with the error's headers. */
function sendError(req: FastifyRequest, reply: FastifyReply, e: HttpError) {
  for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  const body: ErrorBody & { request_id: string } = { code: e.code, message: e.message, details: e.details, hint: e.hint, request_id: req.id };
  return reply.status(e.status).type('application/json').send(JSON.stringify(body));
}

/** Errors the router raises before any route runs (Fastify's `frameworkErrors`). */
function frameworkError(error: { code?: string; message: string }): HttpError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new HttpError(414, 'uri_too_long', `a path parameter is longer than ${MAX_PARAM_BYTES} bytes`, null, `path parameters have at most ${MAX_PATH_PARAM} characters`);
  }
  if (error.code === 'FST_ERR_BAD_URL') return new HttpError(400, 'invalid_url', error.message, null, 'percent-encode the path');
  return toHttpError(error, false);
}

/**
 * A 500 is a fault: logged at error with its stack. Other 5xx are expected answers (overloaded,
 * shutting down, a feature switched off, the database unreachable or too slow, an upstream
 * provider failing): one warn line with the code, no stack.
 */
function logFailure(req: FastifyRequest, e: HttpError, error: unknown): void {
  if (e.status === 500) req.log.error({ err: error }, 'request failed');
  else req.log.warn({ status: e.status, code: e.code, reason: (error as Error)?.message ?? e.message }, 'request refused');
}

function rateLimited(afterText: string): HttpError {
  return new HttpError(429, 'rate_limited', `too many requests: retry in ${afterText}`, null, 'slow down', {});
}

function findNul(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '.' : null;
  if (depth > MAX_JSON_DEPTH + 1 || value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000')) return `${path}.${k.replace(/\u0000/g, '\\u0000')}`;
    const hit = findNul(v, path ? `${path}.${k}` : k, depth + 1);
    if (hit) return hit;
  }
  return null;
}

export function toHttpError(error: unknown, hasToken: boolean): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof DomainError) return fromDomainError(error);
  const translated = translateDbError(error);
  if (translated instanceof DbError) return fromDbError(translated, hasToken);
  const err = error as { statusCode?: number; code?: string; message?: string; validation?: unknown };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((v) => ({
      path: `${v.instancePath ? v.instancePath.replace(/^\//, '').replace(/\//g, '.') : ''}`.replace(/^$/, '(root)'),
      message: v.message,
      where: (error as unknown as { validationContext?: string }).validationContext,
    }));
    const where = (error as unknown as { validationContext?: string }).validationContext ?? 'request';
    return new HttpError(400, 'invalid_request', `invalid ${where}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details, 'fix the listed fields (see /docs)');
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new HttpError(413, 'payload_too_large', 'request body too large', null, 'send less than the configured body limit');
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new HttpError(415, 'unsupported_media_type', err.message ?? 'unsupported content type', null, 'send application/json');
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
    return new HttpError(400, 'invalid_json', 'the body is not valid JSON', null, null);
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new HttpError(err.statusCode, err.code ?? 'bad_request', err.message ?? 'bad request');
  }
  return new HttpError(500, 'internal_error', 'internal error', null, 'the server logged it with this request id');
}
