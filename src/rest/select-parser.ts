/**
 * `select=` as PostgREST reads it:
 *
 *   items    := item ("," item)*
 *   item     := "..." name embed "(" items ")"                       spread
 *             | [alias ":"] name embed "(" items ")"                  embedded resource
 *             | "*"
 *             | [alias ":"] "count()" ["::" type]
 *             | [alias ":"] name json-path ["::" type] ["." agg "()" ["::" type]]
 *   embed    := ("!" ("inner" | "left" | hint))*   (at most two)
 */
import type { Aggregate, SelectField, SelectItem, SelectRelation } from './query-ast.ts';
import { parseWith, type Scanner } from './scanner.ts';

/** Nesting beyond this is refused while parsing (the planner bounds embedding depth further). */
export const MAX_PARSE_DEPTH = 32;

const AGGREGATES: Aggregate[] = ['sum', 'avg', 'count', 'max', 'min'];

export function parseSelect(input: string): SelectItem[] {
  return parseWith(input, 'select parameter', (s) => {
    const items = items_(s, 0);
    s.end('"," or end of input');
    return items;
  });
}

function items_(s: Scanner, depth: number): SelectItem[] {
  if (depth > MAX_PARSE_DEPTH) throw s.error(`at most ${MAX_PARSE_DEPTH} levels of embedding`);
  const out: SelectItem[] = [];
  s.skipSpaces();
  if (s.done || s.peek() === ')') return out;
  for (;;) {
    out.push(item(s, depth));
    s.skipSpaces();
    if (!s.eat(',')) return out;
    s.skipSpaces();
  }
}

function item(s: Scanner, depth: number): SelectItem {
  s.skipSpaces();
  // An embedded resource is recognised by its head (name, hints, then "("); once seen, its
  // children are parsed for real so that an error inside them points at the right place.
  const head = s.attempt(() => relationHead(s));
  if (!head) {
    const field = fieldItem(s);
    s.skipSpaces();
    return field;
  }
  head.children = items_(s, depth + 1);
  s.expect(')', '")" or ","');
  s.skipSpaces();
  return head;
}

function relationHead(s: Scanner): SelectRelation {
  const spread = s.eat('...');
  const alias = spread ? undefined : s.attempt(() => aliasPrefix(s));
  const name = s.fieldName();
  if (name === 'count' && !spread) throw s.error('a relation name');
  const rel: SelectRelation = { kind: 'relation', name, spread, children: [] };
  if (alias !== undefined) rel.alias = alias;
  for (let i = 0; i < 2 && s.peek() === '!'; i++) {
    s.pos++;
    const join = (['left', 'inner'] as const).find((w) => s.startsWith(w) && '!('.includes(s.peek(w.length) || 'x'));
    if (join) {
      s.pos += join.length;
      rel.join ??= join;
    } else rel.hint ??= s.fieldName();
  }
  s.expect('(');
  return rel;
}

function aliasPrefix(s: Scanner): string {
  const alias = s.fieldName();
  if (s.peek() !== ':' || s.peek(1) === ':') throw s.error('":"');
  s.pos++;
  return alias;
}

function fieldItem(s: Scanner): SelectField {
  if (s.eat('*')) {
    itemEnd(s);
    return { kind: 'field', field: { name: '*', json: [] } };
  }
  const alias = s.attempt(() => aliasPrefix(s));
  const out: SelectField = { kind: 'field', field: { name: '*', json: [] } };
  if (alias !== undefined) out.alias = alias;
  if (s.eat('count()')) {
    out.aggregate = 'count';
    if (s.eat('::')) out.aggregateCast = s.identifier();
    itemEnd(s);
    return out;
  }
  out.field = s.field();
  if (s.eat('::')) out.cast = s.identifier();
  const agg = s.attempt(() => {
    s.expect('.');
    const name = AGGREGATES.find((a) => s.eat(a));
    if (!name) throw s.error('an aggregate (sum, avg, count, max, min)');
    s.expect('()');
    return name;
  });
  if (agg) {
    out.aggregate = agg;
    if (s.eat('::')) out.aggregateCast = s.identifier();
  }
  itemEnd(s);
  return out;
}

function itemEnd(s: Scanner): void {
  s.skipSpaces();
  if (!s.done && s.peek() !== ',' && s.peek() !== ')') throw s.error('"->", "::", ".", "," or end of input');
}
