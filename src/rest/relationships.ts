/**
 * Relationships between the exposed relations, derived from foreign keys as PostgREST derives
 * them: a key makes a many-to-one from its table and a one-to-many back (one-to-one both ways when
 * the key columns are a primary or unique key); a table whose primary key covers two foreign keys
 * joins their targets many-to-many; a function taking one relation's row and returning another's
 * rows is a computed relationship. `findRelationship` picks the one a `select` embed names.
 */
import { ambiguousRelationship, noRelationship } from './errors.ts';
import { keyOf, type QualifiedName, type Routine, type Table } from './schema-cache.ts';

export type Cardinality = 'many-to-one' | 'one-to-many' | 'one-to-one' | 'many-to-many' | 'computed';

export interface Junction {
  table: QualifiedName;
  constraint1: string;
  constraint2: string;
  /** (junction column, origin column) pairs. */
  sourceColumns: [string, string][];
  /** (junction column, target column) pairs. */
  targetColumns: [string, string][];
}

export interface Relationship {
  table: QualifiedName;
  foreignTable: QualifiedName;
  cardinality: Cardinality;
  isSelf: boolean;
  /** The foreign key's name (empty for many-to-many and computed). */
  constraint: string;
  /** (origin column, target column) pairs. */
  columns: [string, string][];
  junction?: Junction;
  /** A computed relationship's function. */
  routine?: Routine;
  /** Whether at most one target row matches an origin row. */
  toOne: boolean;
  /**
   * The target is a view (related through its base table's key): named by the view's name only,
   * never by the key's name or column, which mean the key's own table (as with PostgREST).
   */
  targetIsView?: boolean;
}

export interface ForeignKey {
  name: string;
  table: Table | undefined;
  foreign: Table | undefined;
  columns: [string, string][];
  oneToOne: boolean;
}

const qn = (t: QualifiedName): QualifiedName => ({ schema: t.schema, name: t.name });
const viewTarget = (t: Table): { targetIsView?: true } => (t.kind === 'table' ? {} : { targetIsView: true });
const swap = (cols: [string, string][]): [string, string][] => cols.map(([a, b]) => [b, a]);

export function buildRelationships(tables: Map<string, Table>, fks: ForeignKey[], routines: Routine[]): Map<string, Relationship[]> {
  const all: Relationship[] = [];
  for (const fk of fks) {
    if (!fk.table || !fk.foreign) continue;
    const isSelf = keyOf(fk.table) === keyOf(fk.foreign);
    const forward = fk.oneToOne ? 'one-to-one' : 'many-to-one';
    const back = fk.oneToOne ? 'one-to-one' : 'one-to-many';
    all.push({ table: qn(fk.table), foreignTable: qn(fk.foreign), cardinality: forward, isSelf, constraint: fk.name, columns: fk.columns, toOne: true, ...viewTarget(fk.foreign) });
    all.push({ table: qn(fk.foreign), foreignTable: qn(fk.table), cardinality: back, isSelf, constraint: fk.name, columns: swap(fk.columns), toOne: back === 'one-to-one', ...viewTarget(fk.table) });
  }
  all.push(...manyToMany(tables, all));
  for (const r of routines) {
    if (!r.argumentRelation || !r.returnsRelation || r.returns !== 'composite') continue;
    all.push({
      table: r.argumentRelation, foreignTable: r.returnsRelation, cardinality: 'computed',
      isSelf: keyOf(r.argumentRelation) === keyOf(r.returnsRelation), constraint: '', columns: [], routine: r, toOne: r.returnsSingleRow,
    });
  }
  const byOrigin = new Map<string, Relationship[]>();
  for (const rel of all) byOrigin.set(keyOf(rel.table), [...(byOrigin.get(keyOf(rel.table)) ?? []), rel]);
  return byOrigin;
}

/** A junction: a table with two different many-to-one keys whose columns are all in its primary key. */
function manyToMany(tables: Map<string, Table>, rels: Relationship[]): Relationship[] {
  const out: Relationship[] = [];
  const m2o = rels.filter((r) => r.cardinality === 'many-to-one');
  for (const a of m2o) {
    const pk = new Set(tables.get(keyOf(a.table))?.primaryKey ?? []);
    for (const b of m2o) {
      if (keyOf(b.table) !== keyOf(a.table) || a.constraint === b.constraint) continue;
      if (![...a.columns, ...b.columns].every(([col]) => pk.has(col))) continue;
      out.push({
        table: a.foreignTable, foreignTable: b.foreignTable, cardinality: 'many-to-many',
        isSelf: keyOf(a.foreignTable) === keyOf(b.foreignTable), constraint: '', columns: [], toOne: false,
        junction: { table: a.table, constraint1: a.constraint, constraint2: b.constraint, sourceColumns: a.columns, targetColumns: b.columns },
      });
    }
  }
  return out;
}

const singleColumn = (r: Relationship, side: 0 | 1): string | undefined =>
  r.columns.length === 1 && r.cardinality !== 'many-to-many' && r.cardinality !== 'computed' ? r.columns[0]![side] : undefined;

/**
 * The relationship from `origin` that `target` (with an optional `!hint`) names: the target's
 * table name, a foreign key name, or a foreign key column; the hint a key name, a column on
 * either side, or a junction table. Self-relationships: the table name means its children, a
 * column its parent. None: PGRST200; several: PGRST201 (300).
 */
export function findRelationship(
  relationships: Map<string, Relationship[]>,
  schema: string,
  origin: string,
  target: string,
  hint: string | undefined,
): Relationship {
  const candidates = relationships.get(`${schema}.${origin}`) ?? [];
  const matches = candidates.filter((r) => {
    if (r.cardinality === 'computed') return target === r.routine!.name;
    const byTable = target === r.foreignTable.name;
    if (r.isSelf) {
      if (hint === undefined) {
        return (byTable && r.cardinality === 'one-to-many') || (singleColumn(r, 0) === target && r.cardinality === 'many-to-one');
      }
      return byTable && r.cardinality === 'one-to-many' && singleColumn(r, 1) === hint;
    }
    if (hint === undefined) return byTable || (!r.targetIsView && (target === r.constraint || singleColumn(r, 0) === target));
    return (
      byTable &&
      (hint === r.constraint || singleColumn(r, 0) === hint || singleColumn(r, 1) === hint || hint === r.junction?.table.name)
    );
  });
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw noRelationship(origin, target, hint, schema);
  throw ambiguousRelationship(origin, target, matches.map(describe), matches.map((r) => `'${r.foreignTable.name}!${r.junction ? r.junction.table.name : r.constraint}'`));
}

function describe(r: Relationship): Record<string, string> {
  const cols = (c: string[]) => `(${c.join(', ')})`;
  const embedding = `${r.table.name} with ${r.foreignTable.name}`;
  if (r.junction) {
    const j = r.junction;
    return {
      cardinality: 'many-to-many',
      embedding,
      relationship: `${j.table.name} using ${j.constraint1}${cols(j.sourceColumns.map(([c]) => c))} and ${j.constraint2}${cols(j.targetColumns.map(([c]) => c))}`,
    };
  }
  return {
    cardinality: r.cardinality,
    embedding,
    relationship: `${r.constraint} using ${r.table.name}${cols(r.columns.map(([c]) => c))} and ${r.foreignTable.name}${cols(r.columns.map(([, c]) => c))}`,
  };
}
