/**
 * Horizontal filters, logic trees and orders, in PostgREST's grammar:
 *
 *   filter  := ["not."] op "." value
 *   op      := eq|gt|gte|lt|lte|like|ilike|match|imatch ["(any)"|"(all)"]
 *            | neq|cs|cd|ov|sl|sr|nxr|nxl|adj | in "(" list ")" | is null|not_null|true|false|unknown
 *            | isdistinct | fts|plfts|phfts|wfts ["(" language ")"]
 *   logic   := ["not."] (and|or) "(" (logic | field "." filter) ("," …)* ")"
 *   order   := term ("," term)*,  term := (field | relation "(" field ")") [".asc"|".desc"] [".nullsfirst"|".nullslast"]
 */
import {
  FTS_OPS,
  IS_VALUES,
  QUANT_OPS,
  SIMPLE_OPS,
  type EmbedPath,
  type Field,
  type Filter,
  type FtsOp,
  type IsValue,
  type LogicTree,
  type Operation,
  type OrderTerm,
  type QuantOp,
  type SimpleOp,
} from './query-ast.ts';
import { parseWith, Scanner } from './scanner.ts';
import { MAX_PARSE_DEPTH } from './select-parser.ts';

const OPERATOR = 'operator (eq, gt, ...)';
type ValueReader = (s: Scanner) => string;

/** The rest of the input: a top-level filter's value. */
const restOfInput: ValueReader = (s) => {
  const v = s.input.slice(s.pos);
  s.pos = s.input.length;
  return v;
};

/** A value inside a logic tree: quoted, a `{…}` array literal, or up to the next `,` or `)`. */
const logicValue: ValueReader = (s) => {
  const quoted = s.attempt(() => {
    const v = s.quoted();
    if (!s.done && s.peek() !== ',' && s.peek() !== ')') throw s.error('"," or ")"');
    return v;
  });
  if (quoted !== undefined) return quoted;
  if (s.peek() === '{') {
    const close = s.input.indexOf('}', s.pos);
    const inner = close < 0 ? '' : s.input.slice(s.pos + 1, close);
    if (close >= 0 && !inner.includes('{')) {
      const v = s.input.slice(s.pos, close + 1);
      s.pos = close + 1;
      return v;
    }
  }
  return upTo(s, ',)');
};

function upTo(s: Scanner, stops: string): string {
  const start = s.pos;
  while (!s.done && !stops.includes(s.peek())) s.pos++;
  return s.input.slice(start, s.pos);
}

/** `in.(a,"b,c", d)`: elements are quoted or raw up to `,`/`)`. */
function listValue(s: Scanner): string[] {
  s.skipSpaces();
  s.expect('(');
  s.skipSpaces();
  const out: string[] = [];
  for (;;) {
    const quoted = s.attempt(() => {
      const v = s.quoted();
      if (s.peek() !== ',' && s.peek() !== ')') throw s.error('"," or ")"');
      return v;
    });
    out.push(quoted ?? upTo(s, ',)'));
    if (!s.eat(',')) break;
  }
  s.skipSpaces();
  s.expect(')', '"," or ")"');
  s.skipSpaces();
  return out;
}

function word(s: Scanner): string {
  const m = /^[a-z_]+/.exec(s.input.slice(s.pos));
  return m ? m[0] : '';
}

function operation(s: Scanner, value: ValueReader): Operation {
  const op = word(s);
  const start = s.pos;
  s.pos += op.length;
  if (op === 'in') {
    s.expect('.', 'delimiter (.)');
    return { op, values: listValue(s) };
  }
  if (op === 'is') {
    s.expect('.', 'delimiter (.)');
    // Case-insensitive, and the whole value (up to the end, or `,`/`)` inside a logic tree).
    const v = IS_VALUES.find((x) => {
      const after = s.input[s.pos + x.length];
      return s.input.slice(s.pos, s.pos + x.length).toLowerCase() === x && (after === undefined || after === ',' || after === ')');
    });
    if (!v) throw s.error('isVal: (null, not_null, true, false, unknown)');
    s.pos += v.length;
    return { op, value: v as IsValue };
  }
  if (op === 'isdistinct') {
    s.expect('.', 'delimiter (.)');
    return { op, value: value(s) };
  }
  if ((FTS_OPS as readonly string[]).includes(op)) {
    let language: string | undefined;
    if (s.eat('(')) {
      language = s.identifier();
      s.expect(')');
    }
    s.expect('.', 'delimiter (.)');
    return language === undefined ? { op: op as FtsOp, value: value(s) } : { op: op as FtsOp, language, value: value(s) };
  }
  if ((SIMPLE_OPS as readonly string[]).includes(op)) {
    s.expect('.', 'delimiter (.)');
    return { op: op as SimpleOp, value: value(s) };
  }
  if ((QUANT_OPS as readonly string[]).includes(op)) {
    const quantifier = s.eat('(any)') ? 'any' : s.eat('(all)') ? 'all' : undefined;
    s.expect('.', 'delimiter (.)');
    return quantifier ? { op: op as QuantOp, quantifier, value: value(s) } : { op: op as QuantOp, value: value(s) };
  }
  s.pos = start;
  throw s.error(`"not" or ${OPERATOR}`);
}

function opExpr(s: Scanner, field: Field, value: ValueReader): Filter {
  const negated = s.eat('not.');
  return { field, negated, operation: operation(s, value) };
}

/** A query parameter's key: `a.b.col->x` → path ['a','b'], field col->x. */
export function parseTreePath(key: string): { path: EmbedPath; field: Field } {
  return parseWith(key, 'tree path', (s) => {
    const names = [s.fieldName()];
    while (s.eat('.')) names.push(s.fieldName());
    const json = s.jsonPath();
    s.end('"->", "." or end of input');
    return { path: names.slice(0, -1), field: { name: names[names.length - 1]!, json } };
  });
}

/** A filter's value (`eq.5`, `not.in.(1,2)`); undefined when an RPC read argument has no operator. */
export function parseFilter(field: Field, value: string, rpcRead: boolean): Filter | undefined {
  if (rpcRead) {
    const s = new Scanner(value, 'filter');
    return s.attempt(() => opExpr(s, field, restOfInput));
  }
  return parseWith(value, 'filter', (s) => opExpr(s, field, restOfInput));
}

function logicTree(s: Scanner, depth: number): LogicTree {
  if (depth > MAX_PARSE_DEPTH) throw s.error(`at most ${MAX_PARSE_DEPTH} levels of nesting`);
  const filter = s.attempt(() => {
    const field = s.field();
    s.expect('.', 'delimiter (.)');
    return opExpr(s, field, logicValue);
  });
  if (filter) return { kind: 'filter', filter };
  const negated = s.eat('not.');
  const op = s.eat('and') ? 'and' : s.eat('or') ? 'or' : undefined;
  if (!op) throw s.error('field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)');
  s.skipSpaces();
  s.expect('(');
  const children: LogicTree[] = [];
  for (;;) {
    s.skipSpaces();
    children.push(logicTree(s, depth + 1));
    s.skipSpaces();
    if (!s.eat(',')) break;
  }
  s.expect(')', '"," or ")"');
  s.skipSpaces();
  return { kind: 'logic', negated, op, children };
}

/** `or=(…)` / `a.not.and=(…)`: the key gives the path and the operator, the value the children. */
export function parseLogic(key: string, value: string): { path: EmbedPath; tree: LogicTree } {
  const parts = parseWith(key, 'logic path', (s) => {
    const names = [s.fieldName()];
    while (s.eat('.')) names.push(s.fieldName());
    s.end('"." or end of input');
    return names;
  });
  const op = parts[parts.length - 1]!;
  const negated = parts.slice(0, -1).includes('not');
  const path = parts.slice(0, -1).filter((p) => p !== 'not');
  const tree = parseWith(`${negated ? 'not.' : ''}${op}${value}`, 'logic tree', (s) => {
    const t = logicTree(s, 0);
    s.end('end of input');
    return t;
  });
  return { path, tree };
}

export function parseOrder(value: string): OrderTerm[] {
  return parseWith(value, 'order', (s) => {
    const terms: OrderTerm[] = [];
    do terms.push(orderTerm(s));
    while (s.eat(','));
    s.end('"," or end of input');
    return terms;
  });
}

function orderTerm(s: Scanner): OrderTerm {
  s.skipSpaces();
  const related = s.attempt(() => {
    const relation = s.fieldName();
    s.expect('(');
    const field = s.field();
    s.expect(')');
    return { relation, field };
  });
  const term: OrderTerm = related ?? { field: s.field() };
  if (s.eat('.asc')) term.direction = 'asc';
  else if (s.eat('.desc')) term.direction = 'desc';
  if (s.eat('.nullsfirst')) term.nulls = 'first';
  else if (s.eat('.nullslast')) term.nulls = 'last';
  s.skipSpaces();
  if (!s.done && s.peek() !== ',') throw s.error('"asc", "desc", "nullsfirst" or "nullslast"');
  return term;
}

/** `columns=` and `on_conflict=`: names separated by commas. */
export function parseColumns(value: string, what: string): string[] {
  return parseWith(value, `${what} parameter`, (s) => {
    const out: string[] = [];
    do {
      s.skipSpaces();
      out.push(s.fieldName());
      s.skipSpaces();
    } while (s.eat(','));
    s.end('"," or end of input');
    return out;
  });
}
