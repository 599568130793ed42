/**
 * The whole query string of a /rest/v1 request, parsed (pure: no schema, no database). Keys are
 * sorted by their last dot-separated word: `select`, `columns`, `on_conflict` are reserved;
 * `…order`, `…limit`, `…offset`, `…and`, `…or` apply to the root or an embed path; everything
 * else is a filter — or, on an RPC read, an argument when its value has no operator.
 */
import { invalidRange } from './errors.ts';
import { parseColumns, parseFilter, parseLogic, parseOrder, parseTreePath } from './filter-parser.ts';
import type { EmbedPath, QueryParams, Range } from './query-ast.ts';
import { parseSelect } from './select-parser.ts';

const RESERVED = new Set(['select', 'columns', 'on_conflict']);
const PER_EMBED = new Set(['order', 'limit', 'offset', 'and', 'or']);

const lastWord = (key: string) => key.slice(key.lastIndexOf('.') + 1);
const pathOf = (key: string) => (key.includes('.') ? key.slice(0, key.lastIndexOf('.')) : '');

export function parseQueryParams(search: string, opts: { rpcRead?: boolean } = {}): QueryParams {
  const pairs = [...new URLSearchParams(search)];
  const get = (k: string) => pairs.find(([key]) => key === k)?.[1];
  const select = get('select');
  const out: QueryParams = {
    select: parseSelect(select === undefined || select === '' ? '*' : select),
    filters: [],
    rpcArgs: [],
    logic: [],
    order: [],
    ranges: new Map(),
  };
  const columns = get('columns');
  if (columns !== undefined && columns !== '') out.columns = parseColumns(columns, 'columns');
  const onConflict = get('on_conflict');
  if (onConflict !== undefined && onConflict !== '') out.onConflict = parseColumns(onConflict, 'on_conflict');

  const limits = new Map<string, number>();
  const offsets = new Map<string, number>();
  for (const [key, value] of pairs) {
    if (RESERVED.has(key)) continue;
    const last = lastWord(key);
    if (!PER_EMBED.has(last)) {
      const { path, field } = parseTreePath(key);
      const filter = parseFilter(field, value, opts.rpcRead === true);
      if (filter) out.filters.push({ path, filter });
      else out.rpcArgs.push([key, value]);
    } else if (last === 'order') {
      if (value !== '') out.order.push({ path: splitPath(pathOf(key)), terms: parseOrder(value) });
    } else if (last === 'and' || last === 'or') {
      out.logic.push(parseLogic(key, value));
    } else {
      const n = /^\s*-?\d+\s*$/.test(value) ? Number(value) : undefined;
      if (n === undefined) continue; // PostgREST ignores a limit/offset that is not a number
      if (last === 'limit' && n < 0) throw invalidRange('Limit should be greater than or equal to zero.');
      (last === 'limit' ? limits : offsets).set(pathKey(splitPath(pathOf(key))), Math.max(0, n));
    }
  }
  for (const key of new Set([...limits.keys(), ...offsets.keys()])) {
    const range: Range = { offset: offsets.get(key) ?? 0 };
    const limit = limits.get(key);
    if (limit !== undefined) range.limit = limit;
    out.ranges.set(key, range);
  }
  return out;
}

/** The key of `QueryParams.ranges` for an embed path. */
export const pathKey = (path: EmbedPath): string => JSON.stringify(path);

/** `a.b` → ['a','b'] ('' → []): the embed path of an order, limit or offset key. */
function splitPath(path: string): string[] {
  return path === '' ? [] : parseTreePath(`${path}.x`).path;
}
