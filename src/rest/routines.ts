/**
 * Which function `rpc/name` calls: overloads are told apart by the argument names the request
 * gives (a function matches when those names cover its required parameters and stay within its
 * parameters); a function with a single unnamed json/jsonb/text parameter takes a POST body whole.
 */
import { ambiguousFunction, noFunction } from './errors.ts';
import { closest } from './fuzzy.ts';
import type { Routine, SchemaCache } from './schema-cache.ts';

export type BodyKind = 'json' | 'text' | 'xml' | 'octet' | 'form' | 'none';

const WHOLE_BODY_TYPE: Partial<Record<BodyKind, string[]>> = { json: ['json', 'jsonb'], text: ['text'], xml: ['xml'], octet: ['bytea'] };

function matches(r: Routine, keys: Set<string>, post: boolean, body: BodyKind): boolean {
  if (r.params.length === 0) return keys.size === 0 && !(post && (body === 'text' || body === 'xml' || body === 'octet'));
  const names = new Set(r.params.map((p) => p.name));
  const required = r.params.filter((p) => p.required).map((p) => p.name);
  return required.every((n) => keys.has(n)) && [...keys].every((k) => names.has(k));
}

/** A single unnamed parameter: the function is called with one positional argument. */
export const hasOneUnnamedParam = (r: Routine): boolean => r.params.length === 1 && r.params[0]!.name === '';

export function takesWholeBody(r: Routine, post: boolean, body: BodyKind): boolean {
  const only = r.params.length === 1 ? r.params[0]! : undefined;
  return post && only !== undefined && only.name === '' && (WHOLE_BODY_TYPE[body] ?? []).includes(only.type);
}

export function findRoutine(cache: SchemaCache, schema: string, name: string, keys: Set<string>, post: boolean, body: BodyKind): Routine {
  const overloads = (cache.routines.get(`${schema}.${name}`) ?? []).filter((r) => r.callable);
  const named = overloads.filter((r) => matches(r, keys, post, body));
  const fallback = overloads.filter((r) => !matches(r, keys, post, body) && takesWholeBody(r, post, body));
  const found = named.length ? named : fallback;
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    const signatures = found.map((r) => ({ n: r.params.length, text: `${r.schema}.${r.name}(${r.params.map((p) => `${p.name} => ${p.type}`).join(', ')})` }));
    throw ambiguousFunction(signatures.sort((a, b) => a.n - b.n || a.text.localeCompare(b.text)).map((x) => x.text));
  }
  // PostgREST's cache also holds the functions of one row (computed fields), which /rpc cannot call.
  throw notFound(cache, schema, name, [...keys].sort(), post, body, (cache.routines.get(`${schema}.${name}`) ?? []).filter(inSchemaCache));
}

/** A function PostgREST's schema cache holds: callable by /rpc, or a function of one row. */
const inSchemaCache = (r: Routine): boolean => r.callable || r.argumentRelation !== null;

function notFound(cache: SchemaCache, schema: string, name: string, keys: string[], post: boolean, body: BodyKind, overloads: Routine[]) {
  const fn = `${schema}.${name}`;
  const single = post && (body === 'text' || body === 'xml' || body === 'octet');
  const listed = keys.length === 0 ? ' without parameters' : `(${keys.join(', ')})`;
  const searched = keys.length === 0 ? ' without parameters' : ` with parameter${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`;
  const tail =
    post && body === 'json' ? `${searched} or with a single unnamed json/jsonb parameter`
      : single ? ` with a single unnamed ${body === 'octet' ? 'bytea' : body} parameter`
        : searched;
  let hint: string | null = null;
  if (!single) {
    if (overloads.length === 0) {
      const names = [...cache.routines.values()].flat().filter((r) => r.schema === schema && inSchemaCache(r)).map((r) => r.name);
      const near = closest(name, names);
      if (near) hint = `Perhaps you meant to call the function ${schema}.${near}`;
    } else {
      const signature = (list: string[]) => `(${[...list].sort().join(', ')})`;
      const near = closest(signature(keys), overloads.map((r) => signature(r.params.map((p) => p.name))));
      if (near) hint = `Perhaps you meant to call the function ${schema}.${name}${near}`;
    }
  }
  return noFunction(
    `Could not find the function ${fn}${single ? '' : listed} in the schema cache`,
    `Searched for the function ${fn}${tail}, but no matches were found in the schema cache.`,
    hint,
  );
}
