/**
 * Row-level security for people who share a trip (migration 000070): every trip table ×
 * select / insert / update / delete × {owner, admin, editor, viewer, removed collaborator,
 * stranger, anon}, on both backends, each case asserting what the database did (allowed / hidden /
 * refused: see harness/rls.ts). Then re-parenting into a trip where one is only a viewer, authors
 * and owners that cannot be changed, and the helpers' own definition.
 *
 * Every test builds its own world as the superuser: a trip of the owner with an admin, an editor
 * and a viewer, a fourth collaborator whose row is the fixture of trip_collaborators, a removed
 * collaborator and a stranger.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ANON, userCaller, type Caller } from '../src/db/transaction.ts';
import { createUser, describeEachBackend } from './harness/backends.ts';
import { OPS, OUTCOME_TEXT, deleteSql, insertSql, rlsTools, updateSql, type Id, type Op, type Outcome, type Row } from './harness/rls.ts';

const ACTORS = ['owner', 'admin', 'editor', 'viewer', 'removed', 'stranger', 'anon'] as const;
type Actor = (typeof ACTORS)[number];
/** What each actor may do: 4 owner, 3 admin, 2 editor, 1 viewer, 0 nothing. */
const RANK: Record<Actor, number> = { owner: 4, admin: 3, editor: 2, viewer: 1, removed: 0, stranger: 0, anon: 0 };

interface World {
  users: Record<Exclude<Actor, 'anon'>, string>;
  /** A collaborator (viewer) whose row is the trip_collaborators fixture. */
  member: string;
  memberRow: number;
  trip: number;
  /** A trip of the editor's own, on which the others have no role (a re-parenting target). */
  editorsTrip: number;
}

/** The lowest rank allowed for each operation, or null: refused to everyone by privileges. */
type Rule = Record<Op, number | null>;

interface TableSpec {
  table: string;
  rule: Rule;
  /** A new row on the owner's trip, written by `me`. */
  row(w: World, me: string): Row;
  update: readonly [column: string, value: string | number];
  /** The existing row the other operations act on (default: a new row() by the owner). */
  fixture?(w: World): Promise<Id>;
}

const CHILD: Rule = { select: 1, insert: 2, update: 2, delete: 2 };
const hash = () => createHash('sha256').update(randomBytes(32)).digest();

const TABLES: readonly TableSpec[] = [
  {
    table: 'trips', rule: { select: 1, insert: 4, update: 2, delete: 4 },
    // A new trip in the owner's name: only the owner can create it.
    row: (w) => ({ user_id: w.users.owner, name: 'Porto', start_date: '2026-05-01', end_date: '2026-05-03', destination: 'Porto', budget: '900' }),
    update: ['name', 'Renamed trip'],
    fixture: async (w) => w.trip,
  },
  {
    table: 'flights', rule: CHILD,
    row: (w) => ({ trip_id: w.trip, origin: 'LHR', destination: 'LIS', departure_time: '2026-05-01T08:00:00Z', arrival_time: '2026-05-01T11:00:00Z', price: '120.50' }),
    update: ['airline', 'TAP'],
  },
  {
    table: 'accommodations', rule: CHILD,
    row: (w) => ({ trip_id: w.trip, name: 'Casa', type: 'hotel', check_in_date: '2026-05-01', check_out_date: '2026-05-03', price_per_night: '100', total_price: '200', location: 'Alfama' }),
    update: ['name', 'Casa Baixa'],
  },
  {
    table: 'transportation', rule: CHILD,
    row: (w) => ({ trip_id: w.trip, type: 'train', origin: 'Lisbon', destination: 'Sintra', departure_time: '2026-05-02T09:00:00Z', arrival_time: '2026-05-02T09:40:00Z', price: '4.60' }),
    update: ['provider_name', 'CP'],
  },
  {
    table: 'itinerary_items', rule: CHILD,
    row: (w) => ({ trip_id: w.trip, day_number: 1, start_time: '09:00', end_time: '11:00', title: 'Museum' }),
    update: ['title', 'Tram 28'],
  },
  {
    table: 'trip_notes', rule: CHILD,
    row: (w, me) => ({ trip_id: w.trip, user_id: me, title: 'Packing', content: 'Sunscreen' }),
    update: ['title', 'Renamed note'],
  },
  {
    table: 'saved_options', rule: CHILD,
    row: (w, me) => ({ trip_id: w.trip, user_id: me, option_type: 'flight', option_data: '{"price": 120}' }),
    update: ['option_type', 'accommodation'],
  },
  {
    table: 'trip_collaborators', rule: { select: 1, insert: 3, update: 3, delete: 3 },
    row: (w, me) => ({ trip_id: w.trip, user_id: w.users.stranger, role: 'viewer', invited_by: me }),
    fixture: async (w) => w.memberRow,
    update: ['role', 'editor'],
  },
  {
    // Created only by invite_trip_collaborator(): no INSERT or UPDATE privilege at all.
    table: 'trip_invitations', rule: { select: 3, insert: null, update: null, delete: 3 },
    row: (w, me) => ({ trip_id: w.trip, email: `i-${randomUUID()}@example.test`, invited_by: me }),
    update: ['role', 'editor'],
  },
  {
    table: 'trip_share_links', rule: { select: 3, insert: 3, update: null, delete: 3 },
    row: (w, me) => ({ trip_id: w.trip, token_hash: hash(), created_by: me }),
    update: ['include_costs', 'true'],
  },
];

function expected(spec: TableSpec, op: Op, actor: Actor): Outcome {
  const least = spec.rule[op];
  if (actor === 'anon' || least === null) return 'refused';
  if (RANK[actor] >= least) return 'allowed';
  // Rows are filtered (hidden) for reads, updates and deletes; a new row fails WITH CHECK.
  return op === 'insert' ? 'refused' : 'hidden';
}

describeEachBackend('row-level security of shared trips', (ctx) => {
  const { su, attempt, expectOutcome, expectRefused, checkCell } = rlsTools(ctx);

  async function world(): Promise<World> {
    const ids = await Promise.all(['owner', 'admin', 'editor', 'viewer', 'removed', 'stranger', 'member'].map(() => createUser(ctx.db)));
    const [owner, admin, editor, viewer, removed, stranger, member] = ids as [string, string, string, string, string, string, string];
    const trip = { name: 'Lisbon', start_date: '2026-05-01', end_date: '2026-05-08', destination: 'Lisbon', budget: '1500' };
    const tripId = (await su.insert('trips', { ...trip, user_id: owner })) as number;
    const editorsTrip = (await su.insert('trips', { ...trip, user_id: editor })) as number;
    for (const [user, role] of [[admin, 'admin'], [editor, 'editor'], [viewer, 'viewer'], [removed, 'viewer']] as const) {
      await su.insert('trip_collaborators', { trip_id: tripId, user_id: user, role, invited_by: owner });
    }
    await ctx.db.query(`DELETE FROM public.trip_collaborators WHERE trip_id = $1 AND user_id = $2`, [tripId, removed]);
    const memberRow = (await su.insert('trip_collaborators', { trip_id: tripId, user_id: member, role: 'viewer', invited_by: owner })) as number;
    return { users: { owner, admin, editor, viewer, removed, stranger }, member, memberRow, trip: tripId, editorsTrip };
  }
  const callerOf = (actor: Actor, w: World): Caller => (actor === 'anon' ? ANON : userCaller(w.users[actor]));

  describe('matrix', () => {
    for (const spec of TABLES) {
      for (const op of OPS) {
        for (const actor of ACTORS) {
          const outcome = expected(spec, op, actor);
          it(`${spec.table}: ${op} by ${actor === 'removed' ? 'a removed collaborator' : `the ${actor}`} ${OUTCOME_TEXT[outcome]}`, async () => {
            const w = await world();
            const me = actor === 'anon' ? w.users.stranger : w.users[actor];
            await checkCell({
              table: spec.table, op, caller: callerOf(actor, w), outcome, newRow: spec.row(w, me), update: spec.update,
              fixture: () => (spec.fixture ? spec.fixture(w) : su.insert(spec.table, spec.row(w, w.users.owner))),
            });
          });
        }
      }
    }
  });

  describe('re-parenting into a trip where one is only a viewer', () => {
    for (const spec of TABLES.filter((t) => t.rule === CHILD)) {
      const { table } = spec;
      const ownTrip = (w: World, user: string) =>
        su.insert('trips', { user_id: user, name: 'Mine', start_date: '2026-05-01', end_date: '2026-05-08', destination: 'Porto', budget: '1' });

      it(`${table}: the viewer cannot create one under the trip`, async () => {
        const w = await world();
        const before = await su.count(table);
        await expectRefused(userCaller(w.users.viewer), insertSql(table, spec.row(w, w.users.viewer)));
        expect(await su.count(table)).toBe(before);
      });

      it(`${table}: the viewer cannot move one of their own trip's rows into the trip`, async () => {
        const w = await world();
        const own = (await ownTrip(w, w.users.viewer)) as number;
        const id = await su.insert(table, { ...spec.row(w, w.users.viewer), trip_id: own });
        await expectRefused(userCaller(w.users.viewer), updateSql(table, id, 'trip_id', w.trip));
        expect(await su.value(table, 'trip_id', id)).toBe(String(own));
      });

      it(`${table}: the viewer cannot take a row of the trip into their own trip`, async () => {
        const w = await world();
        const own = (await ownTrip(w, w.users.viewer)) as number;
        const id = await su.insert(table, spec.row(w, w.users.owner));
        expectOutcome(await attempt(userCaller(w.users.viewer), updateSql(table, id, 'trip_id', own)), 'hidden');
        expect(await su.value(table, 'trip_id', id)).toBe(String(w.trip));
      });

      it(`${table}: an admin of the trip cannot move a row into a trip where they are only a viewer`, async () => {
        const w = await world();
        await su.insert('trip_collaborators', { trip_id: w.editorsTrip, user_id: w.users.admin, role: 'viewer', invited_by: w.users.editor });
        const id = await su.insert(table, spec.row(w, w.users.owner));
        await expectRefused(userCaller(w.users.admin), updateSql(table, id, 'trip_id', w.editorsTrip));
        expect(await su.value(table, 'trip_id', id)).toBe(String(w.trip));
      });
    }
  });

  describe('owners and authors', () => {
    it('nobody changes trips.user_id directly, not even the owner (transfer_trip_ownership does it)', async () => {
      const w = await world();
      for (const actor of ['owner', 'admin', 'editor'] as const) {
        await expectRefused(callerOf(actor, w), updateSql('trips', w.trip, 'user_id', w.users[actor === 'owner' ? 'admin' : actor]));
      }
      expect(await su.value('trips', 'user_id', w.trip)).toBe(w.users.owner);
    });

    for (const table of ['trip_notes', 'saved_options']) {
      const spec = TABLES.find((t) => t.table === table)!;
      it(`${table}: an editor cannot write one in the owner's name, nor hand one to someone`, async () => {
        const w = await world();
        await expectRefused(userCaller(w.users.editor), insertSql(table, spec.row(w, w.users.owner)));
        const id = await su.insert(table, spec.row(w, w.users.editor));
        await expectRefused(userCaller(w.users.editor), updateSql(table, id, 'user_id', w.users.owner));
        expect(await su.value(table, 'user_id', id)).toBe(w.users.editor);
      });
    }

    it('a collaborator row changes only its role, and an admin adds nobody in someone else\'s name', async () => {
      const w = await world();
      const id = (await ctx.db.query<{ id: number }>(`SELECT id FROM public.trip_collaborators WHERE trip_id = $1 AND user_id = $2`, [w.trip, w.users.viewer])).rows[0]!.id;
      await expectRefused(userCaller(w.users.admin), updateSql('trip_collaborators', id, 'user_id', w.users.stranger));
      await expectRefused(userCaller(w.users.admin), updateSql('trip_collaborators', id, 'trip_id', w.editorsTrip));
      await expectRefused(userCaller(w.users.admin), insertSql('trip_collaborators', { trip_id: w.trip, user_id: w.users.stranger, role: 'admin', invited_by: w.users.owner }));
    });

    it('a collaborator can remove themself (leave), but not another collaborator', async () => {
      const w = await world();
      const row = async (u: string) => (await ctx.db.query<{ id: number }>(`SELECT id FROM public.trip_collaborators WHERE trip_id = $1 AND user_id = $2`, [w.trip, u])).rows[0]!.id;
      const admins = await row(w.users.admin);
      expectOutcome(await attempt(userCaller(w.users.viewer), deleteSql('trip_collaborators', admins)), 'hidden');
      expectOutcome(await attempt(userCaller(w.users.viewer), deleteSql('trip_collaborators', await row(w.users.viewer))), 'allowed');
    });
  });

  it('the helpers are SECURITY DEFINER with a fixed search_path', async () => {
    const r = await ctx.db.query<{ proname: string; prosecdef: boolean; proconfig: string[] | null }>(
      `SELECT proname, prosecdef, proconfig FROM pg_proc
       WHERE pronamespace = 'public'::regnamespace AND proname IN ('trip_role', 'user_can_view_trip', 'user_can_edit_trip', 'user_can_manage_trip')
       ORDER BY proname`);
    expect(r.rows.map((p) => [p.proname, p.prosecdef, p.proconfig])).toEqual(
      ['trip_role', 'user_can_edit_trip', 'user_can_manage_trip', 'user_can_view_trip'].map((n) => [n, true, ['search_path=""']]),
    );
  });
});

