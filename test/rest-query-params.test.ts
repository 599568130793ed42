/**
 * The PostgREST query-string parser (pure): examples of every construct, PGRST100 for bad input,
 * and fast-check properties — generated select trees and logic trees survive a round trip through
 * their query-string form, and no input makes the parser fail other than with a PostgREST error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RestError } from '../src/rest/errors.ts';
import type { LogicTree, SelectItem } from '../src/rest/query-ast.ts';
import { parseQueryParams } from '../src/rest/query-params.ts';

const parse = (qs: string, rpcRead = false) => parseQueryParams(qs, { rpcRead });
const enc = encodeURIComponent;

describe('query-string parser: examples', () => {
  it('select: columns, aliases, casts, JSON paths, embeds with hints and joins, spreads, count()', () => {
    const q = parse(`select=${enc('id,a:name::text,data->x->>0,t:data->>"k.y",clients!fk!inner(id,p:projects(*)),...c(n),count()')}`);
    expect(q.select).toEqual([
      { kind: 'field', field: { name: 'id', json: [] } },
      { kind: 'field', field: { name: 'name', json: [] }, alias: 'a', cast: 'text' },
      { kind: 'field', field: { name: 'data', json: [{ arrow: '->', key: 'x', index: false }, { arrow: '->>', key: '0', index: true }] } },
      { kind: 'field', field: { name: 'data', json: [{ arrow: '->>', key: 'k.y', index: false }] }, alias: 't' },
      {
        kind: 'relation', name: 'clients', hint: 'fk', join: 'inner', spread: false,
        children: [{ kind: 'field', field: { name: 'id', json: [] } }, { kind: 'relation', name: 'projects', alias: 'p', spread: false, children: [{ kind: 'field', field: { name: '*', json: [] } }] }],
      },
      { kind: 'relation', name: 'c', spread: true, children: [{ kind: 'field', field: { name: 'n', json: [] } }] },
      { kind: 'field', field: { name: '*', json: [] }, aggregate: 'count' },
    ]);
  });

  it('filters with every operator, negation, quantifiers, languages and embed paths', () => {
    const q = parse('a=eq.1&b=not.in.(x,"y,z")&c=like(any).{a*,b*}&d=is.NOT_NULL&e=fts(english).cat&f=isdistinct.2&g=adj.[1,2)&h.i=gte.3&j->k=cs.{1}');
    expect(q.filters.map((f) => [f.path, f.filter.field.name, f.filter.negated, f.filter.operation])).toEqual([
      [[], 'a', false, { op: 'eq', value: '1' }],
      [[], 'b', true, { op: 'in', values: ['x', 'y,z'] }],
      [[], 'c', false, { op: 'like', quantifier: 'any', value: '{a*,b*}' }],
      [[], 'd', false, { op: 'is', value: 'not_null' }],
      [[], 'e', false, { op: 'fts', language: 'english', value: 'cat' }],
      [[], 'f', false, { op: 'isdistinct', value: '2' }],
      [[], 'g', false, { op: 'adj', value: '[1,2)' }],
      [['h'], 'i', false, { op: 'gte', value: '3' }],
      [[], 'j', false, { op: 'cs', value: '{1}' }],
    ]);
  });

  it('logic trees, orders, ranges per embed, columns and on_conflict', () => {
    const q = parse(`or=${enc('(a.eq.1,and(b.gt.2,c.not.is.null),d.in.(1,2))')}&x.not.and=${enc('(y.eq."q,r")')}&order=a.desc.nullslast,x(b)&x.order=c&limit=5&offset=10&x.limit=2&columns="c 1",d&on_conflict=d`);
    expect(q.logic[0]).toEqual({
      path: [],
      tree: {
        kind: 'logic', negated: false, op: 'or', children: [
          { kind: 'filter', filter: { field: { name: 'a', json: [] }, negated: false, operation: { op: 'eq', value: '1' } } },
          {
            kind: 'logic', negated: false, op: 'and', children: [
              { kind: 'filter', filter: { field: { name: 'b', json: [] }, negated: false, operation: { op: 'gt', value: '2' } } },
              { kind: 'filter', filter: { field: { name: 'c', json: [] }, negated: true, operation: { op: 'is', value: 'null' } } },
            ],
          },
          { kind: 'filter', filter: { field: { name: 'd', json: [] }, negated: false, operation: { op: 'in', values: ['1', '2'] } } },
        ],
      },
    });
    expect(q.logic[1]).toMatchObject({ path: ['x'], tree: { negated: true, op: 'and', children: [{ filter: { operation: { value: 'q,r' } } }] } });
    expect(q.order).toEqual([
      { path: [], terms: [{ field: { name: 'a', json: [] }, direction: 'desc', nulls: 'last' }, { relation: 'x', field: { name: 'b', json: [] } }] },
      { path: ['x'], terms: [{ field: { name: 'c', json: [] } }] },
    ]);
    expect([...q.ranges.values()]).toEqual([{ offset: 10, limit: 5 }, { offset: 0, limit: 2 }]);
    expect([q.columns, q.onConflict]).toEqual([['c 1', 'd'], ['d']]);
  });

  it('on an RPC read, a value without an operator is an argument', () => {
    const q = parse('name=ann&age=gt.3', true);
    expect(q.rpcArgs).toEqual([['name', 'ann']]);
    expect(q.filters).toHaveLength(1);
  });

  it.each([
    ['select=a(', 'select parameter'],
    ['select=a,,b', 'select parameter'],
    ['x=noop.1', 'filter'],
    ['x=in.(1,2', 'filter'],
    ['x=is.maybe', 'filter'],
    ['or=(a.eq.1', 'logic tree'],
    ['order=a.sideways', 'order'],
    ['columns=a,', 'columns parameter'],
  ])('%s is PGRST100 (%s)', (qs, what) => {
    expect(() => parse(qs)).toThrow(RestError);
    try {
      parse(qs);
    } catch (e) {
      expect((e as RestError).code).toBe('PGRST100');
      expect((e as RestError).message).toContain(`failed to parse ${what}`);
    }
  });

  it('a negative limit is PGRST103; nesting deeper than the parser allows is PGRST100', () => {
    expect(() => parse('limit=-1')).toThrow(expect.objectContaining({ code: 'PGRST103' }));
    expect(() => parse(`select=${'a('.repeat(40)}b${')'.repeat(40)}`)).toThrow(expect.objectContaining({ code: 'PGRST100' }));
    expect(() => parse(`or=${'(and'.repeat(40)}(a.eq.1${')'.repeat(41)}`)).toThrow(expect.objectContaining({ code: 'PGRST100' }));
  });
});

// Round trips ------------------------------------------------------------------------------

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const name = fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom('a', 'b', '_', ' ', '"', ',', '(', ')', '.', ':', '!', '-', '>', '\\', 'é', '😀') });

const fieldItem = fc.record({ name, alias: fc.option(name, { nil: undefined }), cast: fc.option(fc.constantFrom('text', 'int'), { nil: undefined }) });
const selectTree: fc.Arbitrary<SelectItem[]> = fc.letrec((tie) => ({
  items: fc.array(tie('item'), { minLength: 1, maxLength: 4 }),
  item: fc.oneof(
    { depthSize: 'small' },
    fieldItem.map(({ name: n, alias, cast }) => ({ kind: 'field', field: { name: n, json: [] }, ...(alias ? { alias } : {}), ...(cast ? { cast } : {}) })),
    fc.record({ name, hint: fc.option(name, { nil: undefined }), join: fc.option(fc.constantFrom('inner', 'left'), { nil: undefined }), children: tie('items') }).map(
      ({ name: n, hint, join, children }) => ({ kind: 'relation', name: n, spread: false, ...(hint ? { hint } : {}), ...(join ? { join } : {}), children }),
    ),
  ),
})).items as fc.Arbitrary<SelectItem[]>;

function selectText(items: SelectItem[]): string {
  return items
    .map((i) =>
      i.kind === 'field'
        ? `${i.alias ? `${quote(i.alias)}:` : ''}${quote(i.field.name)}${i.cast ? `::${i.cast}` : ''}`
        : `${i.alias ? `${quote(i.alias)}:` : ''}${quote(i.name)}${i.hint ? `!${quote(i.hint)}` : ''}${i.join ? `!${i.join}` : ''}(${selectText(i.children)})`,
    )
    .join(',');
}

const value = fc.string({ maxLength: 6, unit: fc.constantFrom('x', '1', ' ', '"', "'", ';', '\\', ')', '(', '.', '-') });
const leaf = fc.record({ name, negated: fc.boolean(), op: fc.constantFrom('eq', 'neq', 'lt', 'ilike', 'cs'), value }).map(
  ({ name: n, negated, op, value: v }): LogicTree => ({ kind: 'filter', filter: { field: { name: n, json: [] }, negated, operation: { op, value: v } as never } }),
);
const logicTree: fc.Arbitrary<LogicTree> = fc.letrec<{ tree: LogicTree }>((tie) => ({
  tree: fc.record({ negated: fc.boolean(), op: fc.constantFrom('and' as const, 'or' as const), children: fc.array(fc.oneof({ depthSize: 'small' }, leaf, tie('tree')), { minLength: 1, maxLength: 3 }) }).map(
    (t): LogicTree => ({ kind: 'logic', ...t }),
  ),
})).tree;

function logicText(t: LogicTree): string {
  if (t.kind === 'filter') {
    const f = t.filter;
    const v = (f.operation as { value: string }).value;
    return `${quote(f.field.name)}.${f.negated ? 'not.' : ''}${f.operation.op}.${quote(v)}`;
  }
  return `${t.negated ? 'not.' : ''}${t.op}(${t.children.map(logicText).join(',')})`;
}

describe('query-string parser: properties', () => {
  it('a select tree written as PostgREST syntax (every name quoted) parses back to itself', () => {
    fc.assert(fc.property(selectTree, (tree) => {
      expect(parse(`select=${enc(selectText(tree))}`).select).toEqual(tree);
    }), { numRuns: 300 });
  });

  it('a nested and/or/not tree of filters parses back to itself', () => {
    fc.assert(fc.property(logicTree, (tree) => {
      const text = logicText(tree);
      const key = `${tree.kind === 'logic' && tree.negated ? 'not.' : ''}${(tree as { op: string }).op}`;
      const parsed = parse(`${key}=${enc(text.slice(text.indexOf('(')))}`).logic[0]!.tree;
      expect(parsed).toEqual(tree);
    }), { numRuns: 300 });
  });

  it('any query string either parses or fails with a PostgREST request error', () => {
    const anyText = fc.string({ maxLength: 40, unit: fc.constantFrom('a', '=', '&', '.', ',', '(', ')', '"', '!', ':', '-', '>', '*', 'e', 'q', 'n', 'o', 't', 'r', '%', '2', '0', '\\') });
    const key = fc.constantFrom('select', 'order', 'or', 'and', 'x', 'x.y', 'limit', 'columns', 'on_conflict', 'not.or', 'x.order');
    fc.assert(fc.property(fc.array(fc.tuple(key, anyText), { maxLength: 4 }), fc.boolean(), (pairs, rpc) => {
      const qs = pairs.map(([k, v]) => `${k}=${enc(v)}`).join('&');
      try {
        parse(qs, rpc);
      } catch (e) {
        expect(e).toBeInstanceOf(RestError);
        expect(['PGRST100', 'PGRST103']).toContain((e as RestError).code);
      }
    }), { numRuns: 500 });
  });
});
