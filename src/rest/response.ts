/**
 * From a statement's outcome to PostgREST's HTTP answer: Content-Range and the 200/206/416 range
 * status, the body in the negotiated media type, and the status and headers a function may set
 * through the `response.status` / `response.headers` settings.
 */
import { invalidRange, RestError, singularity } from './errors.ts';
import { CONTENT_TYPE, type MediaType } from './headers.ts';
import type { Outcome } from './execute.ts';

export interface RestReply {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** `0-24/100`, `*\/100` (nothing in range), `0-24/*` (no count). */
export function contentRange(lower: number, upper: number, total: number | null): string {
  const range = total !== 0 && lower <= upper ? `${lower}-${upper}` : '*';
  return `${range}/${total === null ? '*' : total}`;
}

/** The answer to a read (or a function call) of `pageTotal` rows starting at `lower`. */
export function rangeReply(lower: number, o: Outcome): { status: number; contentRange: string } {
  const upper = lower + o.pageTotal - 1;
  const cr = contentRange(lower, upper, o.total);
  if (o.total === null) return { status: 200, contentRange: cr };
  if (lower > o.total) {
    throw invalidRange(`An offset of ${lower} was requested, but there are only ${o.total} rows.`);
  }
  return { status: 1 + upper - lower < o.total ? 206 : 200, contentRange: cr };
}

/** The body text in the negotiated type. */
export function bodyText(media: MediaType, o: Outcome): string {
  if (media.kind === 'csv') return `${csvHeader(o.firstRow)}\n${o.body ?? ''}`;
  return o.body ?? '';
}

/** A single object must be exactly one row (PGRST116); checked inside the transaction, so a write rolls back. */
export function checkSingular(media: MediaType, o: Outcome): void {
  if (media.kind === 'object' && o.pageTotal !== 1) throw singularity(o.pageTotal);
}

function csvHeader(firstRow: string | null): string {
  if (!firstRow || firstRow === 'null') return '';
  return Object.keys(JSON.parse(firstRow) as object)
    .map((k) => (/[",\n\r]/.test(k) ? `"${k.replace(/"/g, '""')}"` : k))
    .join(',');
}

export function contentTypeOf(media: MediaType): string {
  return CONTENT_TYPE[media.kind];
}

/** Status and headers set by the statement itself win over PostgREST's own. */
export function withResponseSettings(reply: RestReply, o: Outcome): RestReply {
  let status = reply.status;
  const headers = { ...reply.headers };
  if (o.responseStatus !== null) {
    const n = Number(o.responseStatus);
    if (!Number.isInteger(n) || n < 100 || n > 599) throw new RestError(500, 'PGRST112', 'response.status guc must be a valid status code');
    status = n;
  }
  if (o.responseHeaders !== null) {
    let list: unknown;
    try {
      list = JSON.parse(o.responseHeaders);
    } catch {
      list = null;
    }
    const valid = Array.isArray(list) && list.every((h) => typeof h === 'object' && h !== null && Object.keys(h).length === 1 && typeof Object.values(h)[0] === 'string');
    if (!valid) throw new RestError(500, 'PGRST111', 'response.headers guc must be a JSON array composed of objects with a single key and a string value');
    for (const h of list as Record<string, string>[]) {
      const [k, v] = Object.entries(h)[0]!;
      headers[k.toLowerCase()] = v;
    }
  }
  return { status, headers, body: reply.body };
}
