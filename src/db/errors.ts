/**
 * SQLSTATE codes as named constants, and the one place where a driver error becomes a typed
 * TripSage error. Both drivers (pg and PGlite) raise errors carrying the server's fields
 * (code, detail, hint, constraint, table, column), so one translation serves both.
 */
export const SQLSTATE = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  CHECK_VIOLATION: '23514',
  NOT_NULL_VIOLATION: '23502',
  EXCLUSION_VIOLATION: '23P01',
  INSUFFICIENT_PRIVILEGE: '42501',
  UNDEFINED_TABLE: '42P01',
  UNDEFINED_FUNCTION: '42883',
  RAISE_EXCEPTION: 'P0001',
  READ_ONLY_TRANSACTION: '25006',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  QUERY_CANCELED: '57014',
  /** Raised by the collection caps (db/migrations/000030_collection_limits.sql). */
  PROGRAM_LIMIT_EXCEEDED: '54000',
  ADMIN_SHUTDOWN: '57P01',
  /** Also a prepared statement's cached plan whose result type changed (pg-dialect.ts). */
  FEATURE_NOT_SUPPORTED: '0A000',
  CANNOT_CONNECT_NOW: '57P03',
} as const;

/** Classes (first two characters) that map as a group. */
const CLASS = {
  DATA_EXCEPTION: '22',
  INTEGRITY: '23',
  CONNECTION: '08',
  RESOURCES: '53',
} as const;

export type DbErrorKind =
  | 'unique'
  | 'foreign_key'
  | 'check'
  | 'not_null'
  | 'invalid_value'
  | 'privilege'
  | 'undefined_object'
  | 'raised'
  | 'limit'
  | 'conflict_retry'
  | 'unavailable'
  | 'timeout'
  | 'other';

export class DbError extends Error {
  constructor(
    readonly kind: DbErrorKind,
    readonly sqlstate: string,
    message: string,
    readonly fields: {
      detail?: string;
      hint?: string;
      constraint?: string;
      table?: string;
      column?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DbError';
  }
}

function kindOf(code: string): DbErrorKind {
  switch (code) {
    case SQLSTATE.UNIQUE_VIOLATION:
    case SQLSTATE.EXCLUSION_VIOLATION:
      return 'unique';
    case SQLSTATE.FOREIGN_KEY_VIOLATION:
      return 'foreign_key';
    case SQLSTATE.CHECK_VIOLATION:
      return 'check';
    case SQLSTATE.NOT_NULL_VIOLATION:
      return 'not_null';
    case SQLSTATE.INSUFFICIENT_PRIVILEGE:
      return 'privilege';
    case SQLSTATE.UNDEFINED_TABLE:
    case SQLSTATE.UNDEFINED_FUNCTION:
      return 'undefined_object';
    case SQLSTATE.RAISE_EXCEPTION:
      return 'raised';
    case SQLSTATE.PROGRAM_LIMIT_EXCEEDED:
      return 'limit';
    case SQLSTATE.SERIALIZATION_FAILURE:
    case SQLSTATE.DEADLOCK_DETECTED:
      return 'conflict_retry';
    case SQLSTATE.ADMIN_SHUTDOWN:
    case SQLSTATE.CANNOT_CONNECT_NOW:
      return 'unavailable';
    case SQLSTATE.QUERY_CANCELED:
      return 'timeout';
  }
  switch (code.slice(0, 2)) {
    case CLASS.DATA_EXCEPTION:
      return 'invalid_value';
    case CLASS.CONNECTION:
    case CLASS.RESOURCES:
      return 'unavailable';
  }
  return 'other';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']);

/** Leaves non-database errors alone; turns driver errors into DbError (idempotent). */
export function translateDbError(e: unknown): unknown {
  if (e instanceof DbError || !(e instanceof Error)) return e;
  const err = e as Error & Record<string, unknown>;
  const code = typeof err.code === 'string' ? err.code : undefined;
  if (code && NETWORK_CODES.has(code)) {
    return new DbError('unavailable', '08006', `database unreachable: ${err.message}`, {}, { cause: e });
  }
  if (!code || !/^[0-9A-Z]{5}$/.test(code)) return e;
  const str = (k: string) => (typeof err[k] === 'string' ? (err[k] as string) : undefined);
  return new DbError(
    kindOf(code),
    code,
    err.message,
    {
      detail: str('detail'),
      hint: str('hint'),
      constraint: str('constraint'),
      table: str('table'),
      column: str('column'),
    },
    { cause: e },
  );
}

export function isDbError(e: unknown, kind?: DbErrorKind): e is DbError {
  return e instanceof DbError && (kind === undefined || e.kind === kind);
}
