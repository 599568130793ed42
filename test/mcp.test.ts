/**
 * /mcp: the MCP TypeScript SDK's own client over Streamable HTTP against the real server. It lists
 * the registry's tools (deletes annotated as destructive), calls create_trip and get_trip as the
 * token's user, reads their trips as resources, gets structured errors for another user's trip,
 * and is refused without a token.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TOOLS } from '../src/assistant/tools/index.ts';
import { describeEachBackend } from './harness/backends.ts';
import { insert } from './harness/fixtures.ts';
import { buildTestApp, makeUser, type TestApp, type TestUser } from './harness/http.ts';

const NAMES = [
  'list_trips', 'get_trip', 'create_trip', 'update_trip', 'add_itinerary_item', 'update_itinerary_item', 'delete_itinerary_item',
  'add_flight', 'add_accommodation', 'add_transportation', 'add_note', 'save_option', 'compare_trips', 'search_memories', 'remember',
  'price_insights', 'search_insights',
];

describeEachBackend('MCP server', (ctx) => {
  let t: TestApp;
  let url: URL;
  let u: TestUser;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = new URL(`http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/mcp`);
    u = await makeUser(t, ctx.db);
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await t?.app.close();
  });

  async function connect(headers: Record<string, string>): Promise<Client> {
    const client = new Client({ name: 'tripsage-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
    clients.push(client);
    return client;
  }

  it('lists exactly the registry, with JSON Schemas and annotations', async () => {
    const client = await connect(u.headers);
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual([...NAMES].sort());
    expect(TOOLS.map((x) => x.name).sort()).toEqual([...NAMES].sort());
    const del = tools.find((x) => x.name === 'delete_itinerary_item')!;
    expect(del.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
    expect(tools.find((x) => x.name === 'create_trip')!.annotations).toMatchObject({ destructiveHint: false, readOnlyHint: false });
    expect(tools.find((x) => x.name === 'get_trip')!.annotations).toMatchObject({ readOnlyHint: true });
    expect(tools.find((x) => x.name === 'create_trip')!.inputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['name', 'start_date', 'end_date', 'destination', 'budget']) });
  });

  it("calls create_trip and get_trip as the token's user; the trip is a resource", async () => {
    const client = await connect(u.headers);
    const created = await client.callTool({ name: 'create_trip', arguments: { name: 'Lofoten', start_date: '2026-08-10', end_date: '2026-08-17', destination: 'Lofoten', budget: 2500 } });
    expect(created.isError).toBeFalsy();
    const trip = (created.structuredContent as { trip: { id: number; user_id: string; budget: string } }).trip;
    expect(trip).toMatchObject({ user_id: u.id, budget: '2500' });
    const row = await ctx.db.query('SELECT user_id, name FROM public.trips WHERE id = $1', [trip.id]);
    expect(row.rows).toEqual([{ user_id: u.id, name: 'Lofoten' }]);

    const got = await client.callTool({ name: 'get_trip', arguments: { trip_id: trip.id } });
    expect(got.structuredContent).toMatchObject({ trip: { id: trip.id }, summary: { duration_days: 8, budget: '2500' }, days: expect.any(Array) });
    expect(JSON.parse((got.content as Array<{ text: string }>)[0]!.text)).toEqual(got.structuredContent);

    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain(`tripsage://trips/${trip.id}`);
    const read = await client.readResource({ uri: `tripsage://trips/${trip.id}` });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({ trip: { name: 'Lofoten' } });
    const templates = await client.listResourceTemplates();
    expect(templates.resourceTemplates[0]).toMatchObject({ uriTemplate: 'tripsage://trips/{trip_id}' });
  });

  it("another user's trip is not found (a tool error result, a resource error); bad arguments are structured", async () => {
    const other = await makeUser(t, ctx.db);
    const theirs = await insert(ctx.db, 'trips', { user_id: other.id, name: 'Theirs', start_date: '2026-01-01', end_date: '2026-01-02', destination: 'X', budget: '1' });
    const client = await connect(u.headers);
    const r = await client.callTool({ name: 'get_trip', arguments: { trip_id: theirs.id } });
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toMatchObject({ error: { code: 'not_found', message: 'trip not found' } });
    await expect(client.readResource({ uri: `tripsage://trips/${theirs.id}` })).rejects.toThrow(/trip not found/);
    const bad = await client.callTool({ name: 'add_note', arguments: { trip_id: 'one' } });
    expect(bad.structuredContent).toMatchObject({ error: { code: 'invalid_arguments' } });
    expect((await client.listResources()).resources.map((x) => x.uri)).not.toContain(`tripsage://trips/${theirs.id}`);
    await expect(client.callTool({ name: 'book_hotel', arguments: {} })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/unknown tool: book_hotel/) });
  });

  it('refuses a request without a token (401), and answers GET with 405', async () => {
    await expect(connect({})).rejects.toMatchObject({ code: 401, message: expect.stringMatching(/invalid_token/) });
    const raw = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(url, { headers: u.headers })).status).toBe(405);
  });
});
