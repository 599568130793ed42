/**
 * What a PostgREST query string means, before the schema cache is consulted: the output of the
 * pure parser (query-params.ts) and the input of the planner (plan.ts). Names here are raw request
 * text; they become SQL only after the planner has found them in the schema cache.
 */

export interface JsonStep {
  arrow: '->' | '->>';
  /** A key, or an array index (`index: true`, digits with an optional minus). */
  key: string;
  index: boolean;
}

export interface Field {
  name: string;
  json: JsonStep[];
}

export type Aggregate = 'count' | 'sum' | 'avg' | 'min' | 'max';

export interface SelectField {
  kind: 'field';
  /** `*` selects every column. */
  field: Field;
  alias?: string;
  cast?: string;
  aggregate?: Aggregate;
  aggregateCast?: string;
}

export interface SelectRelation {
  kind: 'relation';
  name: string;
  alias?: string;
  /** `!hint`: a foreign key name, a column, or a junction table. */
  hint?: string;
  join?: 'inner' | 'left';
  /** `...name(...)`: the embedded columns are merged into the parent's object. */
  spread: boolean;
  children: SelectItem[];
}

export type SelectItem = SelectField | SelectRelation;

export const QUANT_OPS = ['eq', 'gte', 'gt', 'lte', 'lt', 'like', 'ilike', 'match', 'imatch'] as const;
export const SIMPLE_OPS = ['neq', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj'] as const;
export const FTS_OPS = ['fts', 'plfts', 'phfts', 'wfts'] as const;
export const IS_VALUES = ['null', 'not_null', 'true', 'false', 'unknown'] as const;

export type QuantOp = (typeof QUANT_OPS)[number];
export type SimpleOp = (typeof SIMPLE_OPS)[number];
export type FtsOp = (typeof FTS_OPS)[number];
export type IsValue = (typeof IS_VALUES)[number];

export type Operation =
  | { op: QuantOp; quantifier?: 'any' | 'all'; value: string }
  | { op: SimpleOp; value: string }
  | { op: 'in'; values: string[] }
  | { op: 'is'; value: IsValue }
  | { op: 'isdistinct'; value: string }
  | { op: FtsOp; language?: string; value: string };

export interface Filter {
  field: Field;
  negated: boolean;
  operation: Operation;
}

export type LogicTree =
  | { kind: 'logic'; negated: boolean; op: 'and' | 'or'; children: LogicTree[] }
  | { kind: 'filter'; filter: Filter };

export interface OrderTerm {
  field: Field;
  /** `order=client(name)`: a column of an embedded to-one resource. */
  relation?: string;
  direction?: 'asc' | 'desc';
  nulls?: 'first' | 'last';
}

/** Where a filter, order, limit or logic tree applies: [] is the root, ['a','b'] an embed path. */
export type EmbedPath = string[];

export interface Range {
  offset: number;
  /** undefined: no limit. */
  limit?: number;
}

export interface QueryParams {
  select: SelectItem[];
  filters: { path: EmbedPath; filter: Filter }[];
  /** RPC read arguments: `name=value` without an operator (GET/HEAD on /rpc only). */
  rpcArgs: [string, string][];
  logic: { path: EmbedPath; tree: LogicTree }[];
  order: { path: EmbedPath; terms: OrderTerm[] }[];
  /** Keyed by `pathKey(embed path)`. */
  ranges: Map<string, Range>;
  columns?: string[];
  onConflict?: string[];
}
