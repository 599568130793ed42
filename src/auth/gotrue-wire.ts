/**
 * /auth/v1 speaks GoTrue's error wire format; the rest of the API keeps TripSage's
 * `{code, message, details, hint, request_id}`. Errors are mapped once, by the app's error
 * handler (src/http/errors.ts); this is the one place that then rewrites an /auth/v1 error
 * response into GoTrue's shape (supabase/auth internal/api/errors.go):
 *
 * - with `X-Supabase-Api-Version: 2024-01-01` or later (supabase-js sends it): the header is
 *   echoed and the body is `{code, message}` with GoTrue's string code;
 * - without it (or with an older or malformed date): the legacy `{code: <status>, error_code, msg}`
 *   and an `x-sb-error-code` header;
 * - `weak_password` adds `weak_password: {reasons}` in both.
 *
 * The identity service's own errors already carry GoTrue's codes (auth.errors.ts); the app's
 * generic ones are translated here.
 */
import type { FastifyInstance } from 'fastify';

export const API_VERSION_HEADER = 'x-supabase-api-version';
const API_VERSION_2024 = '2024-01-01';

/** GoTrue's DetermineClosestAPIVersion: a date on or after 2024-01-01 speaks 2024-01-01. */
export function apiVersionOf(header: string | string[] | undefined): typeof API_VERSION_2024 | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) return null;
  return value >= API_VERSION_2024 ? API_VERSION_2024 : null;
}

interface GoTrueError {
  status: number;
  code: string;
  message: string;
  reasons?: string[];
}

/** The app's generic codes, as GoTrue names the same failures. */
const GENERIC: Record<string, (status: number, message: string) => GoTrueError> = {
  invalid_token: (_s, m) => ({ status: 403, code: 'bad_jwt', message: `invalid JWT: unable to parse or verify signature, ${m}` }),
  invalid_request: (s, m) => ({ status: s, code: 'validation_failed', message: m }),
  invalid_text: (s, m) => ({ status: s, code: 'validation_failed', message: m }),
  invalid_json: (s) => ({ status: s, code: 'bad_json', message: 'Could not parse request body as JSON' }),
  json_too_deep: (s, m) => ({ status: s, code: 'bad_json', message: m }),
  invalid_number: (s, m) => ({ status: s, code: 'bad_json', message: m }),
  rate_limited: (s) => ({ status: s, code: 'over_request_rate_limit', message: 'Request rate limit reached' }),
  payload_too_large: (s, m) => ({ status: s, code: 'request_entity_too_large', message: m }),
};

export function toGoTrueError(status: number, body: { code: string; message: string; details?: unknown }): GoTrueError {
  const generic = GENERIC[body.code];
  if (generic) return generic(status, body.message);
  if (status >= 500) return { status, code: 'unexpected_failure', message: body.message };
  // Database errors carry their SQLSTATE as the code: GoTrue would say what kind of failure it was.
  if (!/^[a-z][a-z_]*$/.test(body.code)) return { status, code: status === 409 ? 'conflict' : 'validation_failed', message: body.message };
  const reasons = (body.details as { reasons?: unknown } | null)?.reasons;
  return { status, code: body.code, message: body.message, ...(Array.isArray(reasons) ? { reasons: reasons as string[] } : {}) };
}

/** Rewrites the error responses of a scope (the /auth/v1 plugin) into GoTrue's shape. */
export function speakGoTrueErrors(scope: FastifyInstance): void {
  scope.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
    let body: { code?: unknown; message?: unknown; details?: unknown };
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    if (typeof body?.code !== 'string' || typeof body.message !== 'string') return payload;
    const e = toGoTrueError(reply.statusCode, { code: body.code, message: body.message, details: body.details });
    reply.code(e.status);
    reply.removeHeader('www-authenticate');
    const weak = e.reasons ? { weak_password: { reasons: e.reasons } } : {};
    const version = apiVersionOf(req.headers[API_VERSION_HEADER]);
    if (version) {
      reply.header(API_VERSION_HEADER, version);
      return JSON.stringify({ code: e.code, message: e.message, ...weak });
    }
    reply.header('x-sb-error-code', e.code);
    return JSON.stringify({ code: e.status, error_code: e.code, msg: e.message, ...weak });
  });
}
