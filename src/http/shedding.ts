/**
 * Load shedding and shutdown on this process's HTTP thread: 503 + Retry-After, in the API's own
 * error shape, only when requests really wait.
 *
 * - Event-loop lag (`@fastify/under-pressure`, TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS) measures this
 *   thread alone: the embedded database runs on its own thread and the hashing embedder on
 *   others. Lag means queued requests only when there are other requests in flight: a request
 *   arriving alone is served however long the previous one took, so a client sending one request
 *   at a time never gets 503.
 * - The database queue is bounded per request in `inTx` (TRIPSAGE_MAX_PENDING_TX).
 * - While the server shuts down, a request that still arrives on an open connection gets
 *   503 `shutting_down` with `Connection: close` (Fastify's own `return503OnClosing` answers in
 *   another shape).
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { HttpError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Counted among the requests in flight (until its response is sent or it is aborted). */
    inFlight: boolean;
  }
}

export const overloaded = (type: string, value: unknown) =>
  new HttpError(503, 'overloaded', `the server is overloaded (${type}: ${Math.round(Number(value))})`, null, 'retry after the delay in Retry-After', { 'retry-after': '2' });

const shuttingDown = () =>
  new HttpError(503, 'shutting_down', 'the server is shutting down', null, 'retry: the service is restarting or moving to another instance', { 'retry-after': '1', connection: 'close' });

export async function registerLoadShedding(app: FastifyInstance, config: Pick<Config, 'maxEventLoopDelayMs'>): Promise<void> {
  let inFlight = 0;
  let closing = false;
  const done = async (req: FastifyRequest) => {
    if (!req.inFlight) return;
    req.inFlight = false;
    inFlight--;
  };
  app.decorateRequest('inFlight', false);
  // Registered before under-pressure's hook, so a request is counted before it is judged.
  app.addHook('onRequest', async (req) => {
    if (closing) throw shuttingDown();
    req.inFlight = true;
    inFlight++;
  });
  app.addHook('onResponse', done);
  app.addHook('onRequestAbort', done);
  app.addHook('preClose', async () => {
    closing = true;
  });
  if (config.maxEventLoopDelayMs <= 0) return;
  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    exposeStatusRoute: false,
    pressureHandler: (_req, _reply, type, value) => {
      if (inFlight > 1) throw overloaded(type, value);
    },
  });
}
