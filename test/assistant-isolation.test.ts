/**
 * Isolation: whatever ids the model asks for, a tool acts as the user whose turn it is, inside
 * their RLS transaction. Another user's trip or itinerary item, or an id that does not exist, is
 * "not found" to the model, and nothing changes (checked in the database). No tool context can be
 * made for service_role or anon.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { userIdForTools, userToolContext } from '../src/assistant/tools/context.ts';
import { ANON, SERVICE } from '../src/db/transaction.ts';
import { createMemoryAccess } from '../src/memory/memory.access.ts';
import { describeEachBackend } from './harness/backends.ts';
import { insert } from './harness/fixtures.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';
import { call, say, scriptedModel, toolStep, type ScriptedModel } from './harness/mock-model.ts';

describeEachBackend('assistant isolation', (ctx) => {
  let t: TestApp;
  let m: ScriptedModel;
  let a: TestUser;
  let b: TestUser;
  let tripA: number;
  let tripB: number;
  let itemB: number;

  beforeAll(async () => {
    m = scriptedModel();
    t = await buildTestApp(ctx.db, {}, { languageModel: m.model });
    a = await makeUser(t, ctx.db);
    b = await makeUser(t, ctx.db);
    tripA = (await insert(ctx.db, 'trips', { user_id: a.id, name: 'Mine', start_date: '2026-05-01', end_date: '2026-05-03', destination: 'Oslo', budget: '500' })).id as number;
    tripB = (await insert(ctx.db, 'trips', { user_id: b.id, name: 'Secret', start_date: '2026-05-01', end_date: '2026-05-03', destination: 'Bergen', budget: '700' })).id as number;
    itemB = (await insert(ctx.db, 'itinerary_items', { trip_id: tripB, day_number: 1, start_time: '09:00', end_time: '10:00', title: 'B only' })).id as number;
  });
  afterAll(async () => t?.app.close());

  const bState = async () => ({
    trip: (await ctx.db.query('SELECT name, budget, destination FROM public.trips WHERE id = $1', [tripB])).rows,
    items: (await ctx.db.query('SELECT id, title FROM public.itinerary_items WHERE trip_id = $1 ORDER BY id', [tripB])).rows,
    flights: (await ctx.db.query('SELECT count(*)::int AS n FROM public.flights WHERE trip_id = $1', [tripB])).rows,
  });
  const session = async () => (await t.app.inject({ method: 'POST', url: '/api/v1/chat/sessions', headers: a.headers, payload: {} })).json().id as string;
  const reply = (sid: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1/chat/sessions/${sid}/reply`, headers: { ...a.headers, accept: 'application/json' }, payload });

  it("another user's trip and items, and unknown ids, are not found to the model; nothing changes", async () => {
    const before = await bState();
    m.push(
      toolStep(
        call('list_trips', {}),
        call('get_trip', { trip_id: tripB }),
        call('update_trip', { trip_id: tripB, name: 'pwned' }),
        call('add_itinerary_item', { trip_id: tripB, day_number: 1, start_time: '11:00', end_time: '12:00', title: 'planted' }),
        call('add_flight', { trip_id: tripB, origin: 'OSL', destination: 'BGO', departure_time: '2026-05-01T08:00:00Z', arrival_time: '2026-05-01T09:00:00Z', price: '99' }),
        call('update_itinerary_item', { item_id: itemB, title: 'hijacked' }),
        call('get_trip', { trip_id: 987_654_321 }),
        call('compare_trips', { trip_ids: [tripA, tripB] }),
      ),
      say('I cannot see those.'),
    );
    const r = await reply(await session(), { content: 'show me trip ' + tripB });
    expect(r.statusCode, r.body).toBe(200);
    const calls = r.json().assistant_message.metadata.tool_calls as Array<{ name: string; status: string; result?: any; error?: any }>;
    expect(calls[0]!.status).toBe('ok');
    expect(calls[0]!.result.trips.map((x: { id: number }) => x.id)).toEqual([tripA]);
    for (const c of calls.slice(1)) {
      expect(c.status, c.name).toBe('error');
      expect(c.error.code, c.name).toBe('not_found');
    }
    expect(calls[7]!.error.details).toEqual({ missing_trip_ids: [tripB] });
    expect(await bState()).toEqual(before);
  });

  it("deleting another user's item, even approved, is not found and deletes nothing", async () => {
    m.push(toolStep(call('delete_itinerary_item', { item_id: itemB })));
    const sid = await session();
    const paused = await reply(sid, { content: 'delete item ' + itemB });
    expect(paused.json().status).toBe('awaiting_approval');
    m.push(say('It is not there.'));
    const approvalId = paused.json().pending_approvals[0].approval_id;
    const r = await reply(sid, { approvals: [{ approval_id: approvalId, approved: true }] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().assistant_message.metadata.tool_calls[0]).toMatchObject({ status: 'error', error: { code: 'not_found', message: 'itinerary item not found' } });
    expect((await bState()).items).toEqual([{ id: itemB, title: 'B only' }]);
  });

  it('tool contexts exist only for a signed-in user, and their transactions are that user', async () => {
    expect(() => userIdForTools(SERVICE)).toThrow(/only for a signed-in user, not for service_role/);
    expect(() => userIdForTools(ANON)).toThrow(/not for anon/);
    const tc = userToolContext(ctx.db, a.id, createMemoryAccess({ config: t.config, db: ctx.db }));
    const who = await tc.tx(async (trx) => (await sql<{ role: string; uid: string }>`SELECT current_user AS role, auth.uid()::text AS uid`.execute(trx)).rows[0], { readOnly: true });
    expect(who).toEqual({ role: 'authenticated', uid: a.id });
    // Over HTTP and MCP, a service_role token is refused before any tool could run.
    const svc = { authorization: `Bearer ${await t.tokens.sign({ role: 'service_role' }, 60)}` };
    const sid = await session();
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/chat/sessions/${sid}/reply`, headers: svc, payload: { content: 'x' } })).statusCode).toBe(403);
    const mcp = await t.app.inject({
      method: 'POST', url: '/mcp', headers: { ...svc, accept: 'application/json, text/event-stream' },
      payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_trips', arguments: {} } },
    });
    expect(mcp.statusCode).toBe(403);
  });
});
