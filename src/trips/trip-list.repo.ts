/**
 * Trips as their caller sees them: their own and those shared with them, each with the caller's
 * role. The list is driven by the caller's memberships (their trips by user_id, their
 * trip_collaborators rows by user_id: both indexed), so it never scans other users' trips; RLS
 * still filters every row.
 */
import { sql } from 'kysely';
import { applyWhere, type ListParams, type Row } from '../db/crud.repo.ts';
import type { Tx } from '../db/transaction.ts';
import type { TripRole } from './collaborators.repo.ts';
import { TRIP_COLUMNS } from './trips.repo.ts';

/** all: the caller's own trips and those shared with them; mine: own; shared: shared with them. */
export type TripScope = 'all' | 'mine' | 'shared';

// Kysely's types cannot follow a union subquery joined by alias; the columns are fixed here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyQuery = any;

function memberships(trx: Tx, scope: TripScope): AnyQuery {
  const own = trx.selectFrom('trips').select(['id as trip_id', sql<TripRole>`'owner'`.as('role')])
    .where(sql<boolean>`user_id = (select auth.uid())`);
  const shared = trx.selectFrom('trip_collaborators').select(['trip_id', 'role'])
    .where(sql<boolean>`user_id = (select auth.uid())`);
  if (scope === 'mine') return own;
  if (scope === 'shared') return shared;
  return own.unionAll(shared as AnyQuery);
}

const tripColumns = TRIP_COLUMNS.map((c) => `t.${c}`);

export async function listTrips(trx: Tx, p: ListParams, scope: TripScope): Promise<{ rows: Row[]; total?: number }> {
  const base = (): AnyQuery => {
    const q: AnyQuery = (trx as AnyQuery).selectFrom('trips as t').innerJoin(memberships(trx, scope).as('m'), 'm.trip_id', 't.id');
    return applyWhere(q, p.where, 't');
  };
  let q = base().select([...tripColumns, 'm.role']);
  for (const o of p.order) q = q.orderBy(`t.${o.column}`, o.desc ? 'desc' : 'asc');
  const rows = (await q.limit(p.limit).offset(p.offset).execute()) as Row[];
  if (!p.count) return { rows };
  const c = await base().select(sql<number>`count(*)::int`.as('n')).executeTakeFirst();
  return { rows, total: (c as { n: number }).n };
}

/**
 * One trip with the caller's role, or undefined when they cannot see it. The owner's role is read
 * off the row; trip_role() (a SECURITY DEFINER function, planned per call: it halved PostgreSQL's
 * rate for this request) runs only for a trip shared with the caller.
 */
export async function getTrip(trx: Tx, id: number): Promise<Row | undefined> {
  const role = sql<TripRole>`CASE WHEN t.user_id = (select auth.uid()) THEN 'owner' ELSE public.trip_role(t.id) END`;
  return (trx as AnyQuery).selectFrom('trips as t')
    .select([...tripColumns, role.as('role')])
    .where('t.id', '=', id).executeTakeFirst();
}
