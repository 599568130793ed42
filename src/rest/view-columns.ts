/**
 * Which base-table column each view column shows, read from the view's query tree (pg_rewrite's
 * `ev_action`, PostgreSQL's node text). The parser records, on every top-level target entry, the
 * table and column it comes from (`resorigtbl`, `resorigcol`), through subqueries; a view over a
 * view names the inner view, which is followed here. With that, a foreign key between two tables
 * also relates the views that show its columns (PostgREST's view relationships).
 *
 * The node text: `{NODE :field value …}`, lists in `( … )`; names are written with `\` before
 * whitespace, braces and parentheses, so counting unescaped brackets finds every node's extent.
 */
import type { ForeignKey } from './relationships.ts';
import type { Table } from './schema-cache.ts';

interface Origin {
  /** The view column's name. */
  name: string;
  tableOid: number;
  /** The source column's attnum. */
  column: number;
}

/** The index just past the value starting at `i` (a node, a list, or one token). */
function skipValue(text: string, i: number): number {
  let depth = 0;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') i++;
    else if (ch === '{' || ch === '(') depth++;
    else if (ch === '}' || ch === ')') {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && /\s/.test(ch)) return i;
  }
  return i;
}

/** The direct fields of the node whose `{` is at `start`: name → raw value text. */
function fields(text: string, start: number): Map<string, string> {
  const out = new Map<string, string>();
  const end = skipValue(text, start) - 1;
  let i = start + 1;
  let current: string | undefined;
  while (i < end) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    const next = skipValue(text, i);
    const token = text.slice(i, next);
    // A value may be several tokens (`:constvalue 4 [ 0 0 0 0 ]`): the first one is kept.
    if (token.startsWith(':')) current = token.slice(1);
    else if (current !== undefined && !out.has(current)) out.set(current, token);
    i = Math.max(next, i + 1);
  }
  return out;
}

/** The `{…}` nodes directly inside the list `( … )` at `start`. */
function listNodes(text: string, start: number): number[] {
  const out: number[] = [];
  const end = skipValue(text, start) - 1;
  for (let i = start + 1; i < end; ) {
    if (text[i] === '{') {
      out.push(i);
      i = skipValue(text, i);
    } else i++;
  }
  return out;
}

const unescape = (token: string): string => token.replace(/\\(.)/g, '$1');

/** The origins of a view's columns, from its `ev_action` text. */
export function viewColumnOrigins(action: string): Origin[] {
  const query = action.indexOf('{QUERY');
  if (query < 0) return [];
  const targetList = fields(action, query).get('targetList');
  if (!targetList?.startsWith('(')) return [];
  return listNodes(targetList, 0).flatMap((at) => {
    const f = fields(targetList, at);
    const table = Number(f.get('resorigtbl'));
    const name = f.get('resname');
    if (f.get('resjunk') === 'true' || !table || !name || name === '<>') return [];
    return [{ name: unescape(name), tableOid: table, column: Number(f.get('resorigcol')) }];
  });
}

/** view oid → its origins, for the views the cache holds. */
type ViewOrigins = Map<number, Origin[]>;

/** The view column that shows `table.column` (following views over views), if any. */
function viewColumn(views: ViewOrigins, byOid: Map<number, Table>, viewOid: number, table: Table, column: string, depth = 0): string | undefined {
  const position = table.columns.get(column)?.position;
  for (const o of views.get(viewOid) ?? []) {
    if (o.tableOid === table.oid && o.column === position) return o.name;
    const inner = byOid.get(o.tableOid);
    // A view over a view: does the inner view's column show it? (Bounded: views cannot nest cyclically.)
    if (inner && inner.kind !== 'table' && depth < 16) {
      const innerName = [...inner.columns.values()].find((c) => c.position === o.column)?.name;
      if (innerName && viewColumn(views, byOid, inner.oid, table, column, depth + 1) === innerName) return o.name;
    }
  }
  return undefined;
}

/** The relations that show all of `columns` of `table`: itself, and each view with their names there. */
function showing(views: ViewOrigins, byOid: Map<number, Table>, table: Table, columns: string[]): { relation: Table; names: string[] }[] {
  const out = [{ relation: table, names: columns }];
  for (const viewOid of views.keys()) {
    const view = byOid.get(viewOid);
    if (!view) continue;
    const names = columns.map((c) => viewColumn(views, byOid, viewOid, table, c));
    if (names.every((n) => n !== undefined)) out.push({ relation: view, names: names as string[] });
  }
  return out;
}

/** Each foreign key again for every view (on either side, or both) that shows its columns. */
export function viewForeignKeys(fks: ForeignKey[], actions: { oid: number; action: string }[], byOid: Map<number, Table>): ForeignKey[] {
  const views: ViewOrigins = new Map(actions.map((v) => [v.oid, viewColumnOrigins(v.action)]));
  const out: ForeignKey[] = [];
  for (const fk of fks) {
    if (!fk.table || !fk.foreign) continue;
    const froms = showing(views, byOid, fk.table, fk.columns.map(([c]) => c));
    const tos = showing(views, byOid, fk.foreign, fk.columns.map(([, c]) => c));
    for (const from of froms) {
      for (const to of tos) {
        if (from.relation === fk.table && to.relation === fk.foreign) continue;
        out.push({ ...fk, table: from.relation, foreign: to.relation, columns: from.names.map((n, i) => [n, to.names[i]!]) });
      }
    }
  }
  return out;
}
