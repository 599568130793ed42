/**
 * The request headers PostgREST reads: Prefer (with Preference-Applied), Accept (the output media
 * type), Range, and Accept-Profile / Content-Profile (the schema).
 */
import { invalidRange, mediaTypeError, RestError, unacceptableSchema } from './errors.ts';
import type { Range } from './query-ast.ts';

export interface Preferences {
  resolution?: 'merge-duplicates' | 'ignore-duplicates';
  return?: 'representation' | 'minimal' | 'headers-only';
  count?: 'exact' | 'planned' | 'estimated';
  tx?: 'commit' | 'rollback';
  missing?: 'default' | 'null';
  handling?: 'strict' | 'lenient';
  timezone?: string;
  maxAffected?: number;
  invalid: string[];
}

const CHOICES: [keyof Preferences, string, string[]][] = [
  ['resolution', 'resolution', ['merge-duplicates', 'ignore-duplicates']],
  ['return', 'return', ['representation', 'minimal', 'headers-only']],
  ['count', 'count', ['exact', 'planned', 'estimated']],
  ['tx', 'tx', ['commit', 'rollback']],
  ['missing', 'missing', ['default', 'null']],
  ['handling', 'handling', ['strict', 'lenient']],
];

/** Every Prefer header, comma-separated values; the first occurrence of a preference wins. */
export function parsePrefer(header: string | string[] | undefined): Preferences {
  const items = (Array.isArray(header) ? header : header === undefined ? [] : [header])
    .flatMap((h) => h.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const out: Preferences = { invalid: [] };
  const set = out as unknown as Record<string, unknown>;
  for (const item of items) {
    const eq = item.indexOf('=');
    const [name, value] = eq < 0 ? [item, ''] : [item.slice(0, eq), item.slice(eq + 1)];
    const choice = CHOICES.find(([, n, values]) => n === name && values.includes(value));
    if (choice) set[choice[0]] ??= value;
    else if (name === 'timezone' && value) out.timezone ??= value;
    else if (name === 'max-affected' && /^\d+$/.test(value)) out.maxAffected ??= Number(value);
    else out.invalid.push(item);
  }
  return out;
}

/** Preference-Applied: the preferences this request honoured, in PostgREST's order. */
export function preferenceApplied(p: Preferences, applies: (keyof Preferences)[]): string | undefined {
  const parts: string[] = [];
  const add = (k: keyof Preferences, text: string | undefined) => {
    if (text !== undefined && applies.includes(k)) parts.push(text);
  };
  add('resolution', p.resolution && `resolution=${p.resolution}`);
  add('missing', p.missing && `missing=${p.missing}`);
  add('return', p.return && `return=${p.return}`);
  add('count', p.count && `count=${p.count}`);
  add('tx', p.tx && `tx=${p.tx}`);
  add('handling', p.handling && `handling=${p.handling}`);
  add('timezone', p.timezone && `timezone=${p.timezone}`);
  if (p.handling === 'strict') add('maxAffected', p.maxAffected === undefined ? undefined : `max-affected=${p.maxAffected}`);
  return parts.length ? parts.join(', ') : undefined;
}

export type MediaType =
  | { kind: 'json'; stripNulls: boolean }
  | { kind: 'object'; stripNulls: boolean }
  | { kind: 'csv' }
  | { kind: 'openapi' }
  | { kind: 'plan'; format: 'json' | 'text'; options: string[] };

export const CONTENT_TYPE: Record<MediaType['kind'], string> = {
  json: 'application/json; charset=utf-8',
  object: 'application/vnd.pgrst.object+json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  openapi: 'application/openapi+json; charset=utf-8',
  plan: 'application/vnd.pgrst.plan',
};

interface Accepted {
  type: string;
  params: Map<string, string>;
  q: number;
}

function parseAccept(header: string): Accepted[] {
  return header
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((part) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params = new Map(rest.filter(Boolean).map((kv) => {
        const i = kv.indexOf('=');
        return [kv.slice(0, i).trim().toLowerCase(), kv.slice(i + 1).trim().replace(/^"|"$/g, '')] as [string, string];
      }));
      const q = Number(params.get('q') ?? '1');
      return { type: (type ?? '').toLowerCase(), params, q: Number.isFinite(q) ? q : 1 };
    })
    .filter((a) => a.type !== '')
    .sort((a, b) => b.q - a.q);
}

/** The response media type for a read or write; 406 (PGRST107) when none is offered. */
export function negotiate(accept: string | undefined, opts: { plans: boolean; openapi?: boolean }): MediaType {
  if (!accept || accept.trim() === '') return opts.openapi ? { kind: 'openapi' } : { kind: 'json', stripNulls: false };
  const list = parseAccept(accept);
  for (const a of list) {
    const stripped = a.params.get('nulls') === 'stripped';
    if (opts.openapi) {
      if (['application/openapi+json', 'application/json', '*/*', 'application/*'].includes(a.type)) return { kind: 'openapi' };
      continue;
    }
    switch (a.type) {
      case 'application/json':
      case '*/*':
      case 'application/*':
        return { kind: 'json', stripNulls: false };
      case 'application/vnd.pgrst.array+json':
        return { kind: 'json', stripNulls: stripped };
      case 'application/vnd.pgrst.object+json':
      case 'application/vnd.pgrst.object':
        return { kind: 'object', stripNulls: stripped };
      case 'text/csv':
      case 'text/*':
        return { kind: 'csv' };
      case 'application/vnd.pgrst.plan+json':
      case 'application/vnd.pgrst.plan+text':
      case 'application/vnd.pgrst.plan':
        if (!opts.plans) continue;
        return {
          kind: 'plan',
          format: a.type.endsWith('+text') ? 'text' : 'json',
          options: (a.params.get('options') ?? '').split('|').map((o) => o.trim().toLowerCase()).filter(Boolean),
        };
    }
  }
  throw mediaTypeError(list.map((a) => a.type));
}

/** `Range: 0-9` (with limit/offset from the query string already in `query`) → the top-level range. */
export function topRange(rangeHeader: string | undefined, query: Range | undefined): Range {
  let r: Range = query ?? { offset: 0 };
  if (rangeHeader) {
    const m = /^\s*(?:items=)?(\d+)-(\d*)\s*$/.exec(rangeHeader);
    if (m) {
      const from = Number(m[1]);
      const to = m[2] === '' ? undefined : Number(m[2]);
      if (to !== undefined && to < from) throw invalidRange('The lower boundary must be lower than or equal to the upper boundary in the Range header.');
      r = intersect(r, { offset: from, ...(to === undefined ? {} : { limit: to - from + 1 }) });
    }
  }
  return r;
}

function intersect(a: Range, b: Range): Range {
  const offset = Math.max(a.offset, b.offset);
  const ends = [a, b].filter((r) => r.limit !== undefined).map((r) => r.offset + r.limit! - 1);
  if (ends.length === 0) return { offset };
  return { offset, limit: Math.max(0, Math.min(...ends) - offset + 1) };
}

/** Accept-Profile (reads) / Content-Profile (writes): one of the exposed schemas. */
export function profileSchema(header: string | string[] | undefined, exposed: string[]): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return exposed[0]!;
  if (!exposed.includes(value)) throw unacceptableSchema(value, exposed);
  return value;
}

export function strictPreferences(p: Preferences): void {
  if (p.handling === 'strict' && p.invalid.length) {
    throw new RestError(400, 'PGRST122', 'Invalid preferences given with handling=strict', `Invalid preferences: ${p.invalid.join(', ')}`);
  }
}
