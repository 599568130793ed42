/**
 * `tripsage chat --email X` as a user runs it (a separate process on the embedded database) against
 * a local OpenAI-compatible server: the answer streams to the terminal, tool calls show as they
 * happen, and approvals are answered with y/n — y runs the delete, n does not.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tripsage } from './harness/cli.ts';
import { startFakeLlm, text, toolCalls, type FakeLlm, type FakeRequest } from './harness/fake-llm.ts';

/** The JSON result of the request's tool messages, in order. */
const toolResults = (req: FakeRequest) => req.body.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(String(m.content)));

describe('tripsage chat (embedded)', () => {
  let llm: FakeLlm;
  const dir = mkdtempSync(join(tmpdir(), 'tripsage-chat-cli-'));
  const dd = ['--data-dir', join(dir, 'data')];
  beforeAll(async () => {
    llm = await startFakeLlm();
  });
  afterAll(async () => llm?.close());

  it('streams, shows tool calls, asks y/n for deletes and acts on the answers', async () => {
    const created = await tripsage([...dd, 'users', 'create', '--email', 'chat@example.test', '--password', 'correct horse']);
    expect(created.code, created.stderr).toBe(0);
    const items: number[] = [];
    llm.push(
      toolCalls({ name: 'create_trip', args: { name: 'Lisbon', start_date: '2026-09-01', end_date: '2026-09-04', destination: 'Lisbon', budget: '800' } }),
      (req: FakeRequest, res: ServerResponse) => {
        const tripId = toolResults(req)[0].trip.id;
        const item = (title: string) => ({ name: 'add_itinerary_item', args: { trip_id: tripId, day_number: 1, start_time: '10:00', end_time: '11:00', title } });
        return toolCalls(item('Gulbenkian'), item('Belém tower'))(req, res);
      },
      (req: FakeRequest, res: ServerResponse) => {
        items.push(...toolResults(req).slice(-2).map((r) => r.itinerary_item.id as number));
        return text('Planned ', 'two visits.')(req, res);
      },
      // The next turn's history is text only: the scripted model remembers the ids itself.
      (req: FakeRequest, res: ServerResponse) => toolCalls(...items.map((id) => ({ name: 'delete_itinerary_item', args: { item_id: id } })))(req, res),
      text('Removed one, kept the other.'),
    );
    const env = { TRIPSAGE_LLM_PROVIDER: 'openai-compatible', TRIPSAGE_LLM_BASE_URL: llm.baseUrl, TRIPSAGE_LLM_MODEL: 'fake-model', TRIPSAGE_LLM_API_KEY: 'sk-cli' };
    const r = await tripsage([...dd, 'chat', '--email', 'chat@example.test'], env, { input: 'plan Lisbon\nremove both\ny\nn\nexit\n' });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^chat session [0-9a-f-]{36} \(chat@example\.test\)/);
    expect(r.stdout).toContain('  → create_trip {"name":"Lisbon"');
    expect(r.stdout).toContain('  ✓ create_trip');
    expect(r.stdout).toContain('  ✓ add_itinerary_item');
    expect(r.stdout).toContain('Planned two visits.');
    expect(r.stdout.match(/Allow delete_itinerary_item \{"item_id":\d+\}\? \[y\/N\] /g), r.stdout).toHaveLength(2);
    expect(r.stdout).toMatch(/✗ delete_itinerary_item: declined/);
    expect(r.stdout).toContain('Removed one, kept the other.');
    expect(llm.requests.every((x) => x.headers.authorization === 'Bearer sk-cli')).toBe(true);

    const exported = await tripsage([...dd, 'export', '--email', 'chat@example.test']);
    expect(exported.code, exported.stderr).toBe(0);
    const trips = JSON.parse(exported.stdout).trips;
    expect(trips).toHaveLength(1);
    expect(trips[0].itinerary_items.map((i: { title: string }) => i.title)).toEqual(['Belém tower']);
  }, 300_000);

  it('without a language model it says how to configure one, and exits 1', async () => {
    await tripsage([...dd, 'users', 'create', '--email', 'nokey@example.test', '--password', 'correct horse']);
    const r = await tripsage([...dd, 'chat', '--email', 'nokey@example.test'], {}, { input: 'hello\n' });
    expect(r.code).toBe(1);
    // One line through the CLI's error path (src/cli/errors.ts): the message, then the hint.
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tripsage: [^\n]*no language model provider is configured.*\(An operator sets TRIPSAGE_LLM_PROVIDER/);
  }, 300_000);
});
