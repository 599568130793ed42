/**
 * Tool failures as results a model can read: `{code, message, details, hint}`, the same words the
 * HTTP API would use (mapped by src/http/errors.ts, the one place that knows them), never a stack
 * trace. Unexpected errors are logged and reported as `internal_error`.
 */
import type { z } from 'zod';
import { DbError, translateDbError } from '../../db/errors.ts';
import { DomainError } from '../../domain/errors.ts';
import { fromDbError, fromDomainError, HttpError, type ErrorBody } from '../../http/errors.ts';

export class ToolFailure extends Error {
  constructor(readonly body: ErrorBody) {
    // The message is what the AI SDK hands the model as the tool's error text.
    super(JSON.stringify({ error: body }));
    this.name = 'ToolFailure';
  }
}

const bodyOf = (e: HttpError): ErrorBody => ({ code: e.code, message: e.message, details: e.details, hint: e.hint });

export function invalidArguments(tool: string, error: z.ZodError): ToolFailure {
  const details = error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  return new ToolFailure({
    code: 'invalid_arguments',
    message: `invalid arguments for ${tool}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
    details,
    hint: 'fix the listed fields (see the tool\'s input schema) and call the tool again',
  });
}

export function toolFailureOf(e: unknown, log?: { logError?(err: unknown, msg: string): void }): ToolFailure {
  if (e instanceof ToolFailure) return e;
  if (e instanceof HttpError) return new ToolFailure(bodyOf(e));
  if (e instanceof DomainError) return new ToolFailure(bodyOf(fromDomainError(e)));
  const translated = translateDbError(e);
  const mapped = translated instanceof DbError ? fromDbError(translated, true) : null;
  if (mapped && mapped.status < 500) return new ToolFailure(bodyOf(mapped));
  log?.logError?.(e, 'assistant tool failed');
  if (mapped) return new ToolFailure(bodyOf(mapped));
  return new ToolFailure({ code: 'internal_error', message: 'the tool failed unexpectedly', details: null, hint: 'try again later; the server logged it' });
}
