/**
 * Errors of the domain: what went wrong, in words any adapter can present (HTTP, the CLI, an
 * assistant tool result, MCP). Services and repos throw these; they never know HTTP. The HTTP
 * layer maps each kind to a status in one place (src/http/errors.ts).
 */

export type DomainErrorKind =
  | 'invalid' // the input is wrong (400)
  | 'unauthenticated' // no identity, or a bad one (401)
  | 'forbidden' // known caller, not allowed (403)
  | 'not_found' // does not exist, or is not the caller's (404)
  | 'conflict' // clashes with the current state (409)
  | 'unprocessable' // well-formed but refused by a rule (422)
  | 'rate_limited' // too many attempts (429)
  | 'unavailable' // a feature or dependency is off or busy (503)
  | 'upstream_failed' // a provider we called failed (502)
  | 'upstream_timeout'; // a provider we called did not answer in time (504)

export interface DomainErrorOptions {
  details?: unknown;
  hint?: string | null;
  /** Seconds after which a retry may succeed (rate_limited, unavailable). */
  retryAfter?: number;
  cause?: unknown;
}

export class DomainError extends Error {
  readonly details: unknown;
  readonly hint: string | null;
  readonly retryAfter: number | undefined;

  constructor(
    readonly kind: DomainErrorKind,
    /** A stable machine-readable code (`not_found`, `invalid_grant`, `feature_disabled`, …). */
    readonly code: string,
    message: string,
    opts: DomainErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DomainError';
    this.details = opts.details ?? null;
    this.hint = opts.hint ?? null;
    this.retryAfter = opts.retryAfter;
  }
}

export function isDomainError(e: unknown, kind?: DomainErrorKind): e is DomainError {
  return e instanceof DomainError && (kind === undefined || e.kind === kind);
}

const make = (kind: DomainErrorKind) => (code: string, message: string, opts?: DomainErrorOptions) =>
  new DomainError(kind, code, message, opts);

export const invalid = make('invalid');
export const unauthenticated = make('unauthenticated');
export const forbidden = make('forbidden');
export const conflict = make('conflict');
export const unprocessable = make('unprocessable');
export const rateLimited = make('rate_limited');
export const unavailable = make('unavailable');

/** The one "not found" of every resource: it does not exist, or RLS hides it (the same to the caller). */
export const notFound = (what = 'row', opts: DomainErrorOptions = {}) =>
  new DomainError('not_found', 'not_found', `${what} not found`, { hint: 'it does not exist, or it is not yours', ...opts });

/** "nothing to update": a PATCH with no fields. */
export const nothingToUpdate = () => invalid('invalid_request', 'nothing to update', { hint: 'send at least one field' });

/** A missing, malformed, expired or forged bearer token. */
export const invalidToken = (message: string) =>
  unauthenticated('invalid_token', message, { hint: 'send a valid access token: Authorization: Bearer <jwt>' });
