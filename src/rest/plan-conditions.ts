/**
 * Filters, logic trees and orders of a request, attached to the node their path names (`messages.
 * channel_id=eq.1` filters the `messages` embed). A filter on an embed's own name may only ask
 * whether it matched (`messages=not.is.null`).
 */
import { notEmbedded, relatedOrderNotToOne, unacceptableFilter, undefinedColumn } from './errors.ts';
import { resolveField } from './plan-fields.ts';
import type { Condition, OrderItem, ReadNode } from './plan-types.ts';
import type { EmbedPath, Filter, LogicTree, OrderTerm, QueryParams } from './query-ast.ts';
import { quoteIdent } from './schema-cache.ts';

export function applyConditions(root: ReadNode, q: QueryParams): void {
  for (const { path, filter } of q.filters) {
    const node = nodeAt(root, path);
    node.where.push(condition(node, filter));
  }
  for (const { path, tree } of q.logic) {
    const node = nodeAt(root, path);
    node.where.push(logic(node, tree));
  }
  for (const { path, terms } of q.order) {
    const node = nodeAt(root, path);
    node.order.push(...terms.map((t) => orderItem(node, t)));
  }
}

/** The node an embed path names: each step an embed's alias, or its name when it has none. */
export function nodeAt(root: ReadNode, path: EmbedPath): ReadNode {
  let node = root;
  for (const step of path) {
    const next = childByKey(node, step);
    if (!next) throw notEmbedded(step);
    node = next;
  }
  return node;
}

function childByKey(node: ReadNode, key: string): ReadNode | undefined {
  return node.children.find((c) => c.key === key) ?? node.children.find((c) => c.name === key && c.embed!.requestedAs.includes(c.name));
}

function condition(node: ReadNode, f: Filter): Condition {
  if (!node.columns.has(f.field.name) && !node.computed.has(f.field.name) && f.field.json.length === 0) {
    const child = childByKey(node, f.field.name);
    if (child) return embedNull(child, f);
  }
  return { kind: 'filter', field: resolveField(node, f.field), negated: f.negated, operation: f.operation };
}

function embedNull(child: ReadNode, f: Filter): Condition {
  const o = f.operation;
  if (o.op !== 'is' || (o.value !== 'null' && o.value !== 'not_null')) throw unacceptableFilter(child.key);
  return { kind: 'embed-null', child, isNull: (o.value === 'null') !== f.negated };
}

function logic(node: ReadNode, t: LogicTree): Condition {
  if (t.kind === 'filter') return condition(node, t.filter);
  return { kind: 'logic', negated: t.negated, op: t.op, children: t.children.map((c) => logic(node, c)) };
}

function orderItem(node: ReadNode, t: OrderTerm): OrderItem {
  const item: OrderItem = { field: t.relation === undefined ? resolveField(node, t.field) : relatedField(node, t) };
  if (t.direction) item.direction = t.direction;
  if (t.nulls) item.nulls = t.nulls;
  return item;
}

/**
 * `order=client(name)`: a to-one embed's output column, read from the lateral subquery that
 * carries the embed (so it must be among the embed's selected columns).
 */
function relatedField(node: ReadNode, t: OrderTerm): OrderItem['field'] {
  const child = childByKey(node, t.relation!);
  if (!child) throw notEmbedded(t.relation!);
  if (!child.embed!.rel.toOne) throw relatedOrderNotToOne(node.name, child.key);
  const field = resolveField(child, t.field);
  const exposed = child.output.some((o) => o.kind === 'star' || (o.kind === 'field' && o.key === t.field.name));
  if (!exposed) throw undefinedColumn(child.embed!.lateral, t.field.name);
  return { ...field, sql: `${quoteIdent(child.embed!.lateral)}.${quoteIdent(field.name)}` };
}
