/**
 * Every /rest/v1 error, in PostgREST's words: `{code, details, hint, message}` with PostgREST's
 * codes (PGRST1xx request, PGRST2xx schema cache, PGRST3xx JWT) and, for database errors, the
 * SQLSTATE passed through with the HTTP status PostgREST gives it. The one place that decides.
 */
import { DbError, translateDbError } from '../db/errors.ts';
import { DomainError } from '../domain/errors.ts';
import { fromDomainError, HttpError } from '../http/errors.ts';

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    readonly hint: unknown = null,
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RestError';
  }

  body(): { code: string; details: unknown; hint: unknown; message: string } {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

// PGRST1xx: the request ---------------------------------------------------------------------

export const queryParamError = (message: string, details: string) => new RestError(400, 'PGRST100', message, details);
export const invalidRpcMethod = (method: string) => new RestError(405, 'PGRST101', `Cannot use the ${method} method on RPC`);
export const invalidBody = (message: string) => new RestError(400, 'PGRST102', message);
export const invalidRange = (details: string) => new RestError(416, 'PGRST103', 'Requested range not satisfiable', details);
export const invalidPutFilters = () =>
  new RestError(405, 'PGRST105', "Filters must include all and only primary key columns with 'eq' operators");
export const unacceptableSchema = (schema: string, exposed: string[]) =>
  new RestError(406, 'PGRST106', `Invalid schema: ${schema}`, null, `Only the following schemas are exposed: ${exposed.join(', ')}`);
export const mediaTypeError = (types: string[]) =>
  new RestError(406, 'PGRST107', `None of these media types are available: ${types.join(', ')}`);
export const notEmbedded = (resource: string) =>
  new RestError(400, 'PGRST108', `'${resource}' is not an embedded resource in this request`, null,
    `Verify that '${resource}' is included in the 'select' query parameter.`);
export const putLimitNotAllowed = () => new RestError(400, 'PGRST114', 'limit/offset querystring parameters are not allowed for PUT');
export const putMatchingPk = () => new RestError(400, 'PGRST115', 'Payload values do not match URL in primary key column(s)');
export const singularity = (rows: number) =>
  new RestError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${rows} rows`);
export const unsupportedMethod = (method: string) => new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
export const relatedOrderNotToOne = (origin: string, target: string) =>
  new RestError(400, 'PGRST118', `A related order on '${target}' is not possible`, `'${origin}' and '${target}' do not form a many-to-one or one-to-one relationship`);
export const unacceptableFilter = (target: string) =>
  new RestError(400, 'PGRST120', `Bad operator on the '${target}' embedded resource`, 'Only is null or not is null filters are allowed on embedded resources');
export const aggregatesNotAllowed = () => new RestError(400, 'PGRST123', 'Use of aggregate functions is not allowed');
export const maxAffectedViolation = (rows: number) =>
  new RestError(400, 'PGRST124', 'Query result exceeds max-affected preference constraint', `The query affects ${rows} rows`);
export const invalidPath = () => new RestError(404, 'PGRST125', 'Invalid path specified in request URL');
export const notImplemented = (details: string) => new RestError(400, 'PGRST127', 'Feature not implemented', details);
export const maxAffectedRpcViolation = () =>
  new RestError(400, 'PGRST128', 'Function must return SETOF or TABLE when max-affected preference is used with handling=strict');

// PGRST2xx: the schema cache ----------------------------------------------------------------

export const noRelationship = (parent: string, child: string, hint: string | undefined, schema: string) =>
  new RestError(400, 'PGRST200', `Could not find a relationship between '${parent}' and '${child}' in the schema cache`,
    `Searched for a foreign key relationship between '${parent}' and '${child}'${hint ? ` using the hint '${hint}'` : ''} in the schema '${schema}', but no matches were found.`);
export const ambiguousRelationship = (parent: string, child: string, details: unknown[], hints: string[]) =>
  new RestError(300, 'PGRST201', `Could not embed because more than one relationship was found for '${parent}' and '${child}'`, details,
    `Try changing '${child}' to one of the following: ${hints.join(', ')}. Find the desired relationship in the 'details' key.`);
export const noFunction = (message: string, details: string, hint: string | null) => new RestError(404, 'PGRST202', message, details, hint);
export const ambiguousFunction = (signatures: string[]) =>
  new RestError(300, 'PGRST203', `Could not choose the best candidate function between: ${signatures.join(', ')}`, null,
    'Try renaming the parameters or the function itself in the database so function overloading can be resolved');
export const columnNotFound = (relation: string, column: string) =>
  new RestError(400, 'PGRST204', `Could not find the '${column}' column of '${relation}' in the schema cache`);
export const tableNotFound = (schema: string, table: string, hint: string | null) =>
  new RestError(404, 'PGRST205', `Could not find the table '${schema}.${table}' in the schema cache`, null, hint);

/** What PostgreSQL itself says about a column it does not know (42703), for reads and filters. */
export const undefinedColumn = (relation: string, column: string) =>
  new RestError(400, '42703', `column ${relation}.${column} does not exist`);

// SQLSTATE passthrough ------------------------------------------------------------------------

/** PostgREST's HTTP status for a SQLSTATE; `authed`: the caller's role is not anon. */
export function statusOfSqlstate(code: string, message: string, authed: boolean): number {
  switch (code) {
    case '23503':
    case '23505':
      return 409;
    case '25006':
      return 405;
    case '21000':
      return message.endsWith('requires a WHERE clause') ? 400 : 500;
    case '22023':
      return message.startsWith('role') && message.endsWith('does not exist') ? 401 : 400;
    case '53400':
    case '42P17':
      return 500;
    case '57P01':
      return 503;
    case 'P0001':
      return 400;
    case '42883':
      return message.startsWith('function xmlagg(') ? 406 : 404;
    case '42P01':
      return 404;
    case '42501':
      return authed ? 403 : 401;
  }
  const byClass: Record<string, number> = {
    '08': 503, '09': 500, '0L': 403, '0P': 403, '25': 500, '28': 403, '2D': 500, '38': 500, '39': 500,
    '3B': 500, '40': 500, '53': 503, '54': 500, '55': 500, '57': 500, '58': 500, F0: 500, HV: 500,
    P0: 500, XX: 500,
  };
  if (code.startsWith('PT')) {
    const n = Number(code.slice(2));
    return Number.isInteger(n) && n >= 100 && n <= 599 ? n : 500;
  }
  return byClass[code.slice(0, 2)] ?? 400;
}

/** Any error from the request's life, as PostgREST would answer it. */
export function toRestError(error: unknown, authed: boolean): RestError {
  if (error instanceof RestError) return error;
  if (error instanceof HttpError) return fromHttpError(error);
  if (error instanceof DomainError) return fromHttpError(fromDomainError(error));
  const db = translateDbError(error);
  if (db instanceof DbError) {
    const status = statusOfSqlstate(db.sqlstate, db.message, authed);
    const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Bearer' } : {};
    return new RestError(status, db.sqlstate, db.message, db.fields.detail ?? null, db.fields.hint ?? null, headers, { cause: error });
  }
  return fromFrameworkError(error);
}

/** A bad token (the app's authentication hook) as PostgREST words it: PGRST303 when expired. */
function fromHttpError(e: HttpError): RestError {
  if (e.status === 401) {
    const expired = /expired/i.test(e.message);
    const message = expired ? 'JWT expired' : e.message;
    const challenge = `Bearer error="invalid_token", error_description="${message.replace(/"/g, "'")}"`;
    return new RestError(401, expired ? 'PGRST303' : 'PGRST301', message, null, null, { 'www-authenticate': challenge });
  }
  if (e.code === 'invalid_json') return invalidBody('Empty or invalid json');
  return new RestError(e.status, e.code, e.message, e.details, e.hint, e.headers);
}

function fromFrameworkError(error: unknown): RestError {
  const err = error as { statusCode?: number; code?: string; message?: string };
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new RestError(413, 'PGRST102', 'Request body is too large');
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new RestError(err.statusCode, 'PGRST102', err.message ?? 'bad request');
  }
  return new RestError(500, 'PGRSTX00', 'Internal server error', null, 'the server logged it');
}
