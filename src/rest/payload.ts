/**
 * A write's body: JSON (an object or an array of objects), CSV or a form, turned into one JSON
 * text for the database. JavaScript reads only its shape (object or array, and the keys); the
 * values are parsed by PostgreSQL, so numbers and JSON keep every digit.
 */
import { invalidBody } from './errors.ts';
import type { BodyKind } from './routines.ts';

export interface ParsedBody {
  /** JSON text of the object or array. */
  json: string;
  isArray: boolean;
  /** The keys of the object, or of the array's objects (they must all match). */
  keys: string[];
}

export function bodyKind(contentType: string | undefined): BodyKind {
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (type === '' || type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'text/plain') return 'text';
  if (type === 'text/xml' || type === 'application/xml') return 'xml';
  if (type === 'application/octet-stream') return 'octet';
  return 'none';
}

export function isCsv(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'text/csv';
}

/** The body of an insert, update or JSON function call; an empty body is `{}`. */
export function parseBody(raw: string, contentType: string | undefined, checkKeys: boolean): ParsedBody {
  if (isCsv(contentType)) return fromRows(csvRows(raw));
  if (bodyKind(contentType) === 'form') {
    const obj = Object.fromEntries(new URLSearchParams(raw));
    return { json: JSON.stringify(obj), isArray: false, keys: Object.keys(obj) };
  }
  if (raw.trim() === '') return { json: '{}', isArray: false, keys: [] };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalidBody('Empty or invalid json');
  }
  if (Array.isArray(value)) {
    if (!value.every(isObject)) throw invalidBody('All object keys must match');
    const keys = Object.keys(value[0] ?? {});
    if (checkKeys && !value.every((o) => sameKeys(Object.keys(o as object), keys))) throw invalidBody('All object keys must match');
    return { json: raw, isArray: true, keys };
  }
  if (!isObject(value)) throw invalidBody('Empty or invalid json');
  return { json: raw, isArray: false, keys: Object.keys(value) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function sameKeys(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((k) => b.includes(k));
}

function fromRows(rows: string[][]): ParsedBody {
  const [header, ...data] = rows;
  if (!header) return { json: '[]', isArray: true, keys: [] };
  // PostgREST's CSV: the literal NULL is SQL NULL; everything else is text for the column type.
  const objects = data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] === 'NULL' ? null : (r[i] ?? null)])));
  return { json: JSON.stringify(objects), isArray: true, keys: header };
}

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks. */
export function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field), (field = '');
      rows.push(row), (row = []);
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}
