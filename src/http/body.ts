/**
 * The one body parser: JSON only (anything else is a 415), no deeper than MAX_JSON_DEPTH, and
 * only finite numbers. Both limits are checked while parsing, before any other code sees the
 * value: JSON nested ~4,500 levels overflowed the stack in JSON.stringify on its way to a JSON
 * column (a 500), and `1e400` parsed as Infinity, which JSON.stringify writes as null (silently
 * stored as null). Issue 10.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.ts';

/** Nesting of arrays and objects a body may have (the trip document uses 4 levels itself). */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN = new Set([91, 123]); // [ {
const CLOSE = new Set([93, 125]); // ] }

/** Whether the JSON text nests deeper than `max`: one pass over the text, skipping strings. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (OPEN.has(c)) {
      if (++depth > max) return true;
    } else if (CLOSE.has(c)) depth--;
  }
  return false;
}

/** The path of the first number that is not finite, or null (`value` is at most MAX_JSON_DEPTH deep). */
export function firstNonFinite(value: unknown, path = ''): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path || '(root)';
  if (value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    const hit = firstNonFinite(v, Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
    if (hit) return hit;
  }
  return null;
}

/**
 * Replaces Fastify's parsers (JSON, and text/plain, which made a text body a 400 instead of the
 * documented 415) with the checked JSON parser. Fastify's own JSON parser still does the parsing
 * and its prototype-poisoning checks.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(new HttpError(400, 'json_too_deep', `the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`, { max_depth: MAX_JSON_DEPTH }, 'flatten the JSON'), undefined);
      return;
    }
    parse(req, text, (err, value) => {
      if (err) return done(err, undefined);
      const where = firstNonFinite(value);
      if (where) {
        return done(new HttpError(400, 'invalid_number', `a number is too large for JSON's double precision (at ${where})`, { path: where }, 'send numbers within ±1.8e308, or large decimals as strings'), undefined);
      }
      done(null, value);
    });
  });
}
