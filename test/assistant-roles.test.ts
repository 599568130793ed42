/**
 * The assistant on shared trips (issue 13's roles) and on immutable chat messages (000032):
 * its tools list and read a trip shared with the user with their role, and change it only when
 * that role may (requireTripRole, as the HTTP routes do); the one message change the turn needs,
 * completing its own paused message, is allowed by tripsage_chat.complete_paused_message and
 * nothing else is.
 */
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { userToolContext } from '../src/assistant/tools/context.ts';
import { runTool, toolNamed, ToolFailure, type ToolContext } from '../src/assistant/tools/index.ts';
import { completePausedMessage } from '../src/chat/chat.repo.ts';
import { asCaller, userCaller } from '../src/db/transaction.ts';
import { loadConfig } from '../src/config.ts';
import { createMemoryAccess } from '../src/memory/memory.access.ts';
import { createUser, describeEachBackend } from './harness/backends.ts';
import { failure, insert } from './harness/fixtures.ts';

describeEachBackend('assistant roles and paused messages', (ctx) => {
  let owner: string;
  let viewer: string;
  let editor: string;
  let tripId: number;
  let itemId: number;

  beforeAll(async () => {
    [owner, viewer, editor] = [await createUser(ctx.db), await createUser(ctx.db), await createUser(ctx.db)];
    tripId = (await insert(ctx.db, 'trips', { user_id: owner, name: 'Shared', start_date: '2026-06-01', end_date: '2026-06-03', destination: 'Porto', budget: '900' })).id as number;
    itemId = (await insert(ctx.db, 'itinerary_items', { trip_id: tripId, day_number: 1, start_time: '09:00', end_time: '10:00', title: 'Livraria' })).id as number;
    await insert(ctx.db, 'trip_collaborators', { trip_id: tripId, user_id: viewer, role: 'viewer' });
    await insert(ctx.db, 'trip_collaborators', { trip_id: tripId, user_id: editor, role: 'editor' });
  });

  const toolsAs = (userId: string): ToolContext => userToolContext(ctx.db, userId, createMemoryAccess({ config: loadConfig({}, {}), db: ctx.db }));
  const run = (userId: string, name: string, args: object) => runTool(toolsAs(userId), toolNamed(name)!, args);
  const refusal = async (p: Promise<unknown>) => {
    const e = await p.then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(ToolFailure);
    return (e as ToolFailure).body;
  };
  const items = async () => (await ctx.db.query('SELECT title FROM public.itinerary_items WHERE trip_id = $1 ORDER BY id', [tripId])).rows;

  it('a viewer sees the shared trip with its role, and every change is refused as forbidden', async () => {
    const listed = await run(viewer, 'list_trips', {});
    expect(listed.trips).toMatchObject([{ id: tripId, role: 'viewer' }]);
    expect(((await run(viewer, 'get_trip', { trip_id: tripId })).trip as { role: string }).role).toBe('viewer');
    const before = await items();
    for (const [name, args] of [
      ['add_itinerary_item', { trip_id: tripId, day_number: 1, start_time: '11:00', end_time: '12:00', title: 'planted' }],
      ['update_itinerary_item', { item_id: itemId, title: 'renamed' }],
      ['delete_itinerary_item', { item_id: itemId }],
      ['update_trip', { trip_id: tripId, name: 'renamed' }],
    ] as const) {
      expect(await refusal(run(viewer, name, args)), name).toMatchObject({ code: 'trip_role', details: { role: 'viewer' } });
    }
    expect(await items()).toEqual(before);
  });

  it('an editor adds under the shared trip through the same service as POST /trips/{id}/itinerary-items', async () => {
    const added = await run(editor, 'add_itinerary_item', { trip_id: tripId, day_number: 2, start_time: '14:00', end_time: '15:00', title: 'Ribeira' });
    expect(added.itinerary_item).toMatchObject({ trip_id: tripId, title: 'Ribeira', currency: 'USD' });
    expect((await run(editor, 'list_trips', { scope: 'shared' })).trips).toMatchObject([{ id: tripId, role: 'editor' }]);
    expect((await run(editor, 'list_trips', { scope: 'mine' })).trips).toEqual([]);
  });

  it('only an assistant message of your own session that awaits approval can be completed', async () => {
    const session = (userId: string) => insert(ctx.db, 'chat_sessions', { user_id: userId });
    const mine = (await session(owner)).id as string;
    const theirs = (await session(viewer)).id as string;
    const message = async (sid: string, role: string, status: string) =>
      (await insert(ctx.db, 'chat_messages', { session_id: sid, role, content: 'x', metadata: JSON.stringify({ status }) })).id as string;
    const paused = await message(mine, 'assistant', 'awaiting_approval');
    const settled = await message(mine, 'assistant', 'complete');
    const user = await message(mine, 'user', 'awaiting_approval');
    const othersPaused = await message(theirs, 'assistant', 'awaiting_approval');
    const complete = (id: string) => asCaller(ctx.db, userCaller(owner), (trx) => completePausedMessage(trx, id, { content: 'done', metadata: { status: 'complete' } }));

    expect(await complete(paused)).toMatchObject({ id: paused, content: 'done', metadata: { status: 'complete' } });
    expect(await complete(paused)).toBeUndefined(); // settled now: immutable
    for (const id of [settled, user, othersPaused]) expect(await complete(id)).toBeUndefined();
    const contents = await ctx.db.query('SELECT content FROM public.chat_messages WHERE id = ANY($1::uuid[])', [[settled, user, othersPaused]]);
    expect(contents.rows.map((r) => r.content)).toEqual(['x', 'x', 'x']);
    // Directly, the user's role still may not change a message at all (000032).
    const direct = await failure(asCaller(ctx.db, userCaller(owner), (trx) => sql`UPDATE public.chat_messages SET content = 'y' WHERE id = ${settled}`.execute(trx)));
    expect(direct.sqlstate).toBe('42501');
  });
});
