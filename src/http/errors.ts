/**
 * Every error leaves the API as `{code, message, details, hint}` (PostgREST's shape) plus the
 * request id. This is the one place that decides status codes; see docs/api.md for the table.
 */
import { DbError } from '../db/errors.ts';
import { DomainError, type DomainErrorKind } from '../domain/errors.ts';

export interface ErrorBody {
  code: string;
  message: string;
  details: unknown;
  hint: string | null;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    readonly hint: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  upstream_failed: 502,
  upstream_timeout: 504,
};

/** RFC 6750's challenge: `error` is the OAuth code (invalid_token, invalid_request). */
export const bearerChallenge = (error: string, description: string) =>
  `Bearer error="${error}", error_description="${description.replace(/"/g, "'")}"`;

/** A domain error, as the HTTP caller sees it: the status of its kind, its words unchanged. */
export function fromDomainError(e: DomainError): HttpError {
  const headers: Record<string, string> = {};
  if (e.retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(e.retryAfter)));
  if (e.kind === 'unauthenticated') {
    headers['www-authenticate'] = bearerChallenge('invalid_token', e.message);
  }
  return new HttpError(STATUS[e.kind], e.code, e.message, e.details, e.hint, headers);
}

/** A database error, as the caller should see it. `authenticated`: the request carried a token. */
export function fromDbError(e: DbError, authenticated: boolean): HttpError {
  const f = e.fields;
  const where = f.constraint ? ` (constraint ${f.constraint})` : f.column ? ` (column ${f.column})` : '';
  switch (e.kind) {
    case 'check':
      return new HttpError(400, e.sqlstate, `invalid value: violates ${f.constraint ?? 'a check constraint'}`, f.detail ?? null, hintForConstraint(f.constraint));
    case 'not_null':
      return new HttpError(400, e.sqlstate, `missing value for ${f.column ?? 'a required column'}`, f.detail ?? null, 'provide the field');
    case 'invalid_value':
      return new HttpError(400, e.sqlstate, `invalid value: ${e.message}${where}`, f.detail ?? null, f.hint ?? null);
    case 'raised':
      return new HttpError(400, e.sqlstate, e.message, f.detail ?? null, f.hint ?? null);
    case 'limit':
      // A collection cap (the request is well-formed; the collection is full).
      return new HttpError(422, e.sqlstate, e.message, { limit: f.constraint ?? null, detail: f.detail ?? null }, f.hint ?? null);
    case 'unique':
      return new HttpError(409, e.sqlstate, `already exists${where}`, f.detail ?? null, 'choose another value, or update the existing row');
    case 'foreign_key':
      return new HttpError(409, e.sqlstate, `refers to a row that does not exist, or is still referred to${where}`, f.detail ?? null, null);
    case 'privilege':
      return authenticated
        ? new HttpError(403, e.sqlstate, 'not allowed: ' + e.message, null, 'you can only write your own rows')
        : new HttpError(401, e.sqlstate, 'sign in first: ' + e.message, null, 'send an access token', { 'www-authenticate': 'Bearer' });
    case 'undefined_object':
      return new HttpError(404, e.sqlstate, e.message, null, null);
    case 'timeout':
      // Retrying the same request would time out again: no Retry-After.
      return new HttpError(503, 'statement_timeout', 'the request ran longer than the server allows and was stopped', null, 'ask for less (filters, a smaller page); the limit is TRIPSAGE_STATEMENT_TIMEOUT_MS');
    case 'conflict_retry':
    case 'unavailable':
      return new HttpError(503, e.sqlstate, 'the database is unavailable or busy; try again', null, null, { 'retry-after': '1' });
    default:
      return new HttpError(500, e.sqlstate, 'internal error', null, null);
  }
}

function hintForConstraint(name: string | undefined): string | null {
  if (!name) return null;
  const hints: Record<string, string> = {
    trips_date_check: 'end_date must be on or after start_date',
    trips_budget_check: 'budget must be greater than 0',
    trips_travelers_check: 'travelers must be at least 1',
    trips_status_check: "status is one of 'planning', 'booked', 'completed', 'canceled'",
    trips_type_check: "trip_type is one of 'leisure', 'business', 'family', 'solo', 'other'",
    flights_time_check: 'arrival_time must not be before departure_time',
    transportation_time_check: 'arrival_time must not be before departure_time',
    accommodations_date_check: 'check_out_date must be on or after check_in_date',
    accommodations_rating_check: 'rating is between 0 and 5',
    itinerary_items_time_check: 'end_time must not be before start_time',
    itinerary_items_day_number_check: 'day_number starts at 1',
  };
  return hints[name] ?? (name.endsWith('_price_check') || name.endsWith('_cost_check') ? 'must not be negative' : null);
}
