/**
 * The select list of one node of a read tree: its own columns, and what each embedded child adds
 * to its row — a JSON object or array under the child's key, or, for a spread (`...child(…)`), the
 * child's columns themselves.
 *
 * PostgREST's rules, which this follows: a to-one spread's aggregates are computed in the parent
 * (hoisted: `parent(id.sum(), ...child(x.sum(), y))` groups the parent's rows by `y`), so a spread
 * node never groups; a to-many spread turns each of its columns into an array of the matched rows'
 * values (PostgREST 13).
 */
import type { Aggregate } from './query-ast.ts';
import type { OutputItem, ReadNode, ResolvedField } from './plan-types.ts';
import { jsonPathSql, quoteIdent, type Params } from './sql-fragments.ts';

export interface SelectEntry {
  sql: string;
  /** An aggregate: left out of the GROUP BY. */
  aggregated: boolean;
}

/** A column a spread child adds to its parent, with the aggregate the parent must apply, if any. */
interface SpreadColumn {
  key: string;
  aggregate?: Aggregate;
  aggregateCast?: string;
}

export function fieldSql(f: ResolvedField, p: Params): string {
  return jsonPathSql(f.sql, f.json, f.isJson, p);
}

/** A to-one spread: its rows join its parent one for one, so its aggregates move up. */
const hoists = (node: ReadNode): boolean => node.embed?.spread === true && node.embed.rel.toOne;

const hasAggregate = (o: OutputItem): boolean => o.kind === 'field' && o.aggregate !== undefined;

function spreadAggregates(node: ReadNode): boolean {
  return node.output.some(hasAggregate) || node.children.some((c) => hoists(c) && spreadAggregates(c));
}

/** Whether this node's own SELECT aggregates (and so groups by everything else). */
function aggregates(node: ReadNode): boolean {
  return !hoists(node) && spreadAggregates(node);
}

/**
 * The node's output with `*` spelled out where the columns must be named: when it groups (every
 * column is grouped by) and when it is spread (its parent names each column it takes).
 */
function outputItems(node: ReadNode): OutputItem[] {
  if (!aggregates(node) && !node.embed?.spread) return node.output;
  return node.output.flatMap((o): OutputItem[] =>
    o.kind === 'star'
      ? [...node.columns.values()].map((c) => ({
          kind: 'field', key: c.name,
          field: { sql: `${quoteIdent(node.alias)}.${quoteIdent(c.name)}`, name: c.name, json: [], isJson: false, isTsvector: false },
        }))
      : [o],
  );
}

function aggregateSql(expr: string, aggregate: Aggregate, cast: string | undefined): string {
  const applied = `${aggregate.toUpperCase()}(${expr})`;
  return cast ? `CAST(${applied} AS ${cast})` : applied;
}

function outputSql(o: Exclude<OutputItem, { kind: 'star' }>, p: Params, hoisted: boolean): string {
  // `count()` of a hoisting spread counts, in the parent, the rows where the spread matched.
  if (o.aggregate && o.field.sql === '*') return `${hoisted ? '1' : aggregateSql('*', o.aggregate, o.aggregateCast)} AS ${quoteIdent(o.key)}`;
  let expr = fieldSql(o.field, p);
  if (o.cast) expr = `CAST(${expr} AS ${o.cast})`;
  if (o.aggregate && !hoisted) expr = aggregateSql(expr, o.aggregate, o.aggregateCast);
  return `${expr} AS ${quoteIdent(o.key)}`;
}

export function selectEntries(node: ReadNode, p: Params): SelectEntry[] {
  const hoisted = hoists(node);
  const out = outputItems(node).map((o): SelectEntry =>
    o.kind === 'star'
      ? { sql: `${quoteIdent(o.alias)}.*`, aggregated: false }
      : { sql: outputSql(o, p, hoisted), aggregated: o.aggregate !== undefined && !hoisted },
  );
  for (const c of node.children) out.push(...embedOutput(c, hoisted));
  // A hidden embed still needs a column, so "did it match" can be asked of its row.
  if (node.embed?.hidden) out.push({ sql: 'TRUE AS "pgrst_found"', aggregated: false });
  return out;
}

/** The GROUP BY of a node that aggregates: every other entry, by ordinal. */
export function groupBy(node: ReadNode, entries: SelectEntry[]): string {
  if (!aggregates(node)) return '';
  return entries.flatMap((e, i) => (e.aggregated ? [] : [i + 1])).join(', ');
}

/** The columns a spread child's lateral subquery hands its parent. */
export function spreadColumns(node: ReadNode): SpreadColumn[] {
  const hoisted = hoists(node);
  const cols = outputItems(node).flatMap((o): SpreadColumn[] => {
    if (o.kind === 'star') return [];
    return hoisted && o.aggregate ? [{ key: o.key, aggregate: o.aggregate, aggregateCast: o.aggregateCast }] : [{ key: o.key }];
  });
  for (const c of node.children) {
    if (c.embed!.hidden) continue;
    if (!c.embed!.spread) cols.push({ key: c.key });
    else cols.push(...spreadColumns(c).map((s) => (hoisted ? s : { key: s.key })));
  }
  return cols;
}

function embedOutput(child: ReadNode, parentHoisted: boolean): SelectEntry[] {
  const e = child.embed!;
  if (e.hidden) return [];
  const lat = quoteIdent(e.lateral);
  if (e.spread) {
    return spreadColumns(child).map((c) => {
      const ref = `${lat}.${quoteIdent(c.key)}`;
      const aggregated = c.aggregate !== undefined && !parentHoisted;
      return { sql: `${aggregated ? aggregateSql(ref, c.aggregate!, c.aggregateCast) : ref} AS ${quoteIdent(c.key)}`, aggregated };
    });
  }
  if (e.rel.toOne) return [{ sql: `row_to_json(${lat}.*)::jsonb AS ${quoteIdent(child.key)}`, aggregated: false }];
  return [{ sql: `COALESCE(${lat}.${lat}, '[]') AS ${quoteIdent(child.key)}`, aggregated: false }];
}
