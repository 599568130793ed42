/**
 * The SELECT of a read tree, in the shape PostgREST's own SQL has: each embedded resource is a
 * LATERAL subquery joined to its parent — a to-one embed as a row (`row_to_json`), a to-many embed
 * aggregated with `json_agg` — so the database builds the JSON, and `!inner` becomes an inner join.
 * Also the count query (the root's filters only, with EXISTS for inner embeds).
 */
import type { Condition, ReadNode } from './plan-types.ts';
import type { Range } from './query-ast.ts';
import { operationSql, orderSql, quoteIdent, type Params } from './sql-fragments.ts';
import { fieldSql, groupBy, selectEntries, spreadColumns } from './sql-select.ts';
import { quoteQualified } from './schema-cache.ts';

/** The name of the mutation's or call's result in the statements that read it. */
export const SOURCE = 'pgrst_source';

export function readSql(node: ReadNode, p: Params): string {
  const entries = selectEntries(node, p);
  const joins = node.children.map((c) => lateralJoin(c, p)).join('');
  const where = [...joinConditions(node), ...node.where.map((c) => conditionSql(c, p, 'main'))];
  const grouping = groupBy(node, entries);
  return (
    `SELECT ${entries.map((e) => e.sql).join(', ')} FROM ${fromSql(node)}${joins}` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    (grouping ? ` GROUP BY ${grouping}` : '') +
    (node.order.length ? ` ORDER BY ${node.order.map((o) => orderSql(fieldSql(o.field, p), o.direction, o.nulls)).join(', ')}` : '') +
    rangeSql(node.range, p)
  );
}

function fromSql(node: ReadNode): string {
  const alias = quoteIdent(node.alias);
  const s = node.source;
  let from: string;
  if (s.kind === 'source') from = `${SOURCE} AS ${alias}`;
  else if (s.kind === 'relation') from = `${quoteQualified(s.relation)} AS ${alias}`;
  else {
    const parent = node.embed!;
    from = `${quoteQualified(s.routine)}(${quoteIdent(parent.parentAlias)}::${quoteQualified(parent.rel.table)}) AS ${alias}`;
  }
  const j = node.embed?.rel.junction;
  return j ? `${from}, ${quoteQualified(j.table)} AS ${quoteIdent(junctionAlias(node))}` : from;
}

const junctionAlias = (node: ReadNode) => `${node.alias}_j`;

function joinConditions(node: ReadNode): string[] {
  const e = node.embed;
  if (!e || e.rel.cardinality === 'computed') return [];
  const parent = quoteIdent(e.parentAlias);
  const self = quoteIdent(node.alias);
  const j = e.rel.junction;
  if (j) {
    const jt = quoteIdent(junctionAlias(node));
    return [
      ...j.sourceColumns.map(([jc, oc]) => `${jt}.${quoteIdent(jc)} = ${parent}.${quoteIdent(oc)}`),
      ...j.targetColumns.map(([jc, tc]) => `${jt}.${quoteIdent(jc)} = ${self}.${quoteIdent(tc)}`),
    ];
  }
  return e.rel.columns.map(([oc, tc]) => `${self}.${quoteIdent(tc)} = ${parent}.${quoteIdent(oc)}`);
}

function lateralJoin(child: ReadNode, p: Params): string {
  const e = child.embed!;
  const lat = quoteIdent(e.lateral);
  const join = e.join === 'inner' ? 'INNER JOIN LATERAL' : 'LEFT JOIN LATERAL';
  const sub = readSql(child, p);
  if (e.rel.toOne) return ` ${join} (${sub}) AS ${lat} ON TRUE`;
  if (e.spread) {
    // Each column becomes the array of its values; an inner join keeps only parents with rows.
    const arrays = spreadColumns(child).map((c) => `COALESCE(json_agg(${lat}.${quoteIdent(c.key)}), '[]') AS ${quoteIdent(c.key)}`);
    const having = e.join === 'inner' ? ' HAVING pg_catalog.count(*) > 0' : '';
    return ` ${join} (SELECT ${arrays.join(', ')} FROM (${sub}) AS ${lat}${having}) AS ${lat} ON TRUE`;
  }
  const on = e.join === 'inner' ? `${lat} IS NOT NULL` : 'TRUE';
  return ` ${join} (SELECT json_agg(${lat})::jsonb AS ${lat} FROM (${sub}) AS ${lat}) AS ${lat} ON ${on}`;
}

export function rangeSql(r: Range, p: Params): string {
  if (r.limit === undefined && r.offset === 0) return '';
  return ` LIMIT ${r.limit === undefined ? 'ALL' : p.bind(String(r.limit))} OFFSET ${p.bind(String(r.offset))}`;
}

export function conditionSql(c: Condition, p: Params, mode: 'main' | 'count'): string {
  switch (c.kind) {
    case 'filter':
      return operationSql(fieldSql(c.field, p), c.operation, c.negated, c.field.isTsvector && c.field.json.length === 0, p);
    case 'logic': {
      const parts = c.children.map((x) => conditionSql(x, p, mode));
      return `${c.negated ? 'NOT ' : ''}(${parts.join(c.op === 'and' ? ' AND ' : ' OR ')})`;
    }
    case 'embed-null':
      if (mode === 'count') return `${c.isNull ? 'NOT ' : ''}EXISTS (${countSql(c.child, p)})`;
      return `${quoteIdent(c.child.embed!.lateral)} IS ${c.isNull ? 'NOT ' : ''}DISTINCT FROM NULL`;
  }
}

/**
 * Rows the request matches, without limit or offset and without building any JSON: the root's
 * conditions, with EXISTS for the embeds that must match (!inner) or whose matching is filtered.
 */
export function countSql(node: ReadNode, p: Params): string {
  const where = [...joinConditions(node), ...node.where.map((c) => conditionSql(c, p, 'count'))];
  for (const c of node.children) if (c.embed!.join === 'inner') where.push(`EXISTS (${countSql(c, p)})`);
  return `SELECT 1 FROM ${fromSql(node)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
}
