/**
 * The API's error body — {code, message, details, hint, request_id} — as a JavaScript error, so
 * every page can show the server's own message and hint.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint: string | null = null,
    readonly details: unknown = null,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads an error response's body; a body that is not the API's shape still gives a message. */
export function apiErrorOf(status: number, bodyText: string, requestId: string | null): ApiError {
  try {
    const b = JSON.parse(bodyText) as Record<string, unknown>;
    // GoTrue-shaped auth errors use error/error_description; the API uses code/message.
    const message = b.message ?? b.msg ?? b.error_description ?? b.error;
    if (typeof message === 'string') {
      const code = typeof b.code === 'string' ? b.code : typeof b.error === 'string' ? b.error : String(status);
      const hint = typeof b.hint === 'string' ? b.hint : null;
      const rid = typeof b.request_id === 'string' ? b.request_id : requestId;
      return new ApiError(status, code, message, hint, b.details ?? null, rid);
    }
  } catch {
    // not JSON: fall through
  }
  const text = bodyText.trim().slice(0, 300);
  return new ApiError(status, String(status), text || `the server answered ${status}`, null, null, requestId);
}

/** A network failure (server down, offline) in the same shape. */
export function networkError(cause: unknown): ApiError {
  const e = new ApiError(0, 'network_error', 'The server could not be reached.', 'check that tripsage serve is running, then retry');
  (e as { cause?: unknown }).cause = cause;
  return e;
}

/** Whether an error is the API saying no model is configured for the assistant (503 assistant_unavailable). */
export function isAssistantUnavailable(e: unknown): e is ApiError {
  return e instanceof ApiError && e.code === 'assistant_unavailable';
}
