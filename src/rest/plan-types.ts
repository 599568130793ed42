/**
 * A resolved read: the request's select tree after the schema cache has named every relation,
 * column and relationship. Everything here that ends up as SQL text is either an identifier taken
 * from the schema cache (already quoted) or a request value still waiting to be bound.
 */
import type { Aggregate, JsonStep, Operation, Range } from './query-ast.ts';
import type { Relationship } from './relationships.ts';
import type { QualifiedName, Routine, SchemaCache } from './schema-cache.ts';

export interface PlanEnv {
  cache: SchemaCache;
  schema: string;
  /** db-max-rows: the cap on every node's rows (undefined: none). */
  maxRows?: number;
  maxDepth: number;
  maxEmbeds: number;
  aggregates: boolean;
}

/** A column (or computed field) of a node, as SQL, with the JSON path the request added. */
export interface ResolvedField {
  /** `"alias"."col"` or `"schema"."fn"("alias")`. */
  sql: string;
  /** The column's (or field's) own name. */
  name: string;
  json: JsonStep[];
  isJson: boolean;
  isTsvector: boolean;
}

export type OutputItem =
  | { kind: 'star'; alias: string }
  | { kind: 'field'; field: ResolvedField; key: string; cast?: string; aggregate?: Aggregate; aggregateCast?: string };

export type Condition =
  | { kind: 'filter'; field: ResolvedField; negated: boolean; operation: Operation }
  | { kind: 'logic'; negated: boolean; op: 'and' | 'or'; children: Condition[] }
  /** `embed=is.null` / `embed=not.is.null`: whether an embedded resource matched. */
  | { kind: 'embed-null'; child: ReadNode; isNull: boolean };

export interface OrderItem {
  /** An expression of this node, or of a to-one child (`order=child(col)`). */
  field: ResolvedField;
  direction?: 'asc' | 'desc';
  nulls?: 'first' | 'last';
}

/** Where a node's rows come from. */
export type NodeSource =
  | { kind: 'relation'; relation: QualifiedName }
  /** The mutation's or function call's result, `pgrst_source`. */
  | { kind: 'source' }
  | { kind: 'computed'; routine: Routine };

export interface NodeColumn {
  name: string;
  type: string;
  baseType: string;
}

export interface ReadNode {
  source: NodeSource;
  /** The SQL alias of this node's rows. */
  alias: string;
  /** The relation (or function) name the request used, for messages and relationship lookups. */
  name: string;
  /** The key of this node in its parent's JSON (alias or name). */
  key: string;
  /** The relation whose relationships apply (a table, a view, or a function's return relation). */
  origin: string;
  columns: Map<string, NodeColumn>;
  computed: Map<string, Routine>;
  output: OutputItem[];
  children: ReadNode[];
  where: Condition[];
  order: OrderItem[];
  range: Range;
  depth: number;
  /** For an embedded node: how it joins its parent. */
  embed?: {
    rel: Relationship;
    parentAlias: string;
    /** The alias of the lateral subquery that carries this node into its parent. */
    lateral: string;
    join: 'left' | 'inner';
    spread: boolean;
    /** `rel()` — joined (for !inner or null filters) but not output. */
    hidden: boolean;
    /** The key under which the request referred to it (alias, else name). */
    requestedAs: string[];
  };
}
