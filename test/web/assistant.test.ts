/**
 * The assistant's chat panel in a real browser against a real `tripsage serve` whose model is the
 * test's fake OpenAI-compatible server (test/harness/fake-llm.ts): an answer shows while it
 * streams, a tool call shows as it happens and its row appears on the trip's days page, a delete
 * waits for approval (declined: the item stays; approved after a reload: it is gone), and a
 * server without a model says so in the API's own words. With TRIPSAGE_SCREENSHOTS=1 the panel
 * with a conversation is saved to docs/screenshots/.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { after, startFakeLlm, text, textInTwoParts, toolCalls, type FakeLlm } from '../harness/fake-llm.ts';
import type { ServeProcess } from '../harness/serve.ts';
import { apiAs, browser, describeInBrowser, expectAccessible, prepareDataDir, signUp, startServer, uniqueEmail } from './harness.ts';

const SHOTS = process.env.TRIPSAGE_SCREENSHOTS ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)) : null;

/** A promise and the function that resolves it: the test decides when the fake model goes on. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

const panel = (page: Page) => page.locator('section.assistant');
const turns = (page: Page, role: 'user' | 'assistant') => panel(page).getByTestId(`turn-${role}`);
const toolCall = (page: Page, name: string) => panel(page).locator(`[data-testid="tool-call"][data-tool="${name}"]`);

async function ask(page: Page, message: string): Promise<void> {
  const box = panel(page).getByRole('form', { name: 'Ask the assistant' }).getByLabel('Message');
  await box.fill(message);
  await box.press('Enter');
}

async function newTrip(page: Page, name: string): Promise<number> {
  const trip = await apiAs<{ id: number }>(page, 'POST', '/api/v1/trips', { name, destination: 'Lisbon', start_date: '2026-06-01', end_date: '2026-06-03', budget: '900.00' });
  return trip.id;
}

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

let template = '';
beforeAll(async () => {
  template = await prepareDataDir();
}, 900_000);

describeInBrowser('the assistant panel, with a model', () => {
  let llm: FakeLlm;
  let server: ServeProcess;
  beforeAll(async () => {
    llm = await startFakeLlm();
    server = await startServer({
      from: template,
      env: {
        TRIPSAGE_LLM_PROVIDER: 'openai-compatible', TRIPSAGE_LLM_BASE_URL: llm.baseUrl, TRIPSAGE_LLM_MODEL: 'fake-model',
        TRIPSAGE_LLM_API_KEY: 'sk-server-key', TRIPSAGE_LLM_MAX_RETRIES: '0',
      },
    });
  }, 900_000);
  afterAll(async () => {
    await server?.stop();
    await llm?.close();
  });

  it('an answer shows while it streams; the conversation is listed and reopens from the server', async () => {
    const b = await browser();
    const { page } = b;
    try {
      await signUp(page, server.url, uniqueEmail('streams'));
      await page.goto(`${server.url}/assistant`);
      await panel(page).getByText('No conversations yet.').waitFor();
      const rest = gate();
      llm.push(textInTwoParts('Bom dia! Lisbon in June ', rest.opened, 'is warm: pack light.'));
      await ask(page, 'What should I pack for Lisbon?');
      await turns(page, 'user').getByText('What should I pack for Lisbon?').waitFor();
      // The first words are on screen while the answer is still running (Stop is offered).
      await turns(page, 'assistant').getByText('Bom dia! Lisbon in June').waitFor();
      expect(await panel(page).getByRole('button', { name: 'Stop' }).isVisible()).toBe(true);
      expect(await turns(page, 'assistant').textContent()).not.toContain('pack light');
      rest.open();
      await turns(page, 'assistant').getByText('Bom dia! Lisbon in June is warm: pack light.').waitFor();
      await panel(page).getByRole('button', { name: 'Stop' }).waitFor({ state: 'detached' });
      await expectAccessible(page, 'assistant with a conversation');
      await page.setViewportSize({ width: 375, height: 740 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 'sideways scrolling at 375 px').toBeLessThanOrEqual(0);
      await expectAccessible(page, 'assistant with a conversation at 375 px');
      await page.setViewportSize({ width: 1280, height: 900 });

      // The conversation is named after its first message, and is stored: a reload shows it.
      const link = panel(page).getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: 'What should I pack for Lisbon?' });
      await link.waitFor();
      expect(await link.getAttribute('aria-current')).toBe('page');
      await page.reload();
      await turns(page, 'assistant').getByText('Bom dia! Lisbon in June is warm: pack light.').waitFor();
      expect(await turns(page, 'user').allTextContents()).toEqual(['You: What should I pack for Lisbon?']);
    } finally {
      await b.close();
    }
  }, 300_000);

  it('a tool call shows as it happens, and the item it added appears on the trip\'s days page', async () => {
    const b = await browser();
    const { page } = b;
    try {
      await signUp(page, server.url, uniqueEmail('tools'));
      const tripId = await newTrip(page, 'Tiles and trams');
      // The days page first: its (still fresh) cached view must be refreshed after the turn.
      await page.goto(`${server.url}/trips/${tripId}/days`);
      await page.getByTestId('day-2').waitFor();
      const tabs = page.getByRole('navigation', { name: 'Trip sections' });
      await tabs.getByRole('link', { name: 'Assistant' }).click();

      const answer = gate();
      llm.push(
        toolCalls({ name: 'add_itinerary_item', args: { trip_id: tripId, day_number: 2, start_time: '10:00', end_time: '12:00', title: 'Tile museum' } }),
        after(answer.opened, text('Added the Tile museum on day 2, 10:00–12:00.')),
      );
      await ask(page, 'Add the tile museum to day 2, 10 to 12');
      const call = toolCall(page, 'add_itinerary_item');
      // Shown, with its arguments and its result, before the model has answered.
      await call.locator('.tool-status', { hasText: 'done' }).waitFor();
      expect(await call.locator('.tool-args').textContent()).toContain('title: "Tile museum"');
      expect(await call.locator('.tool-args').textContent()).toContain(`trip_id: ${tripId}`);
      expect(await turns(page, 'assistant').textContent()).not.toContain('Added the Tile museum');
      answer.open();
      await turns(page, 'assistant').getByText('Added the Tile museum on day 2, 10:00–12:00.').waitFor();

      // The trip's session is listed on the trip's panel only.
      await panel(page).getByRole('link', { name: 'Add the tile museum to day 2, 10 to 12' }).waitFor();
      await tabs.getByRole('link', { name: 'Days' }).click();
      await page.getByTestId('day-2').getByText('Tile museum', { exact: true }).waitFor();
      await page.goto(`${server.url}/assistant`);
      await panel(page).getByRole('link', { name: 'Add the tile museum to day 2, 10 to 12' }).waitFor();
    } finally {
      await b.close();
    }
  }, 300_000);

  it('a delete waits for approval, answered by keyboard: declined, the item stays; approved (after a reload), it is gone', async () => {
    const b = await browser();
    const { page } = b;
    try {
      await signUp(page, server.url, uniqueEmail('approves'));
      const tripId = await newTrip(page, 'Boats');
      const item = await apiAs<{ id: number }>(page, 'POST', `/api/v1/trips/${tripId}/itinerary-items`, { day_number: 1, start_time: '15:00', end_time: '17:00', title: 'Boat tour' });
      const items = () => apiAs<{ id: number }[]>(page, 'GET', `/api/v1/trips/${tripId}/itinerary-items`).then((r) => r.map((i) => i.id));
      await page.goto(`${server.url}/trips/${tripId}/assistant`);

      llm.push(toolCalls({ name: 'delete_itinerary_item', args: { item_id: item.id } }), text('Fine, the boat tour stays.'));
      await ask(page, 'Drop the boat tour');
      const prompt = panel(page).getByRole('group', { name: /wants to run delete_itinerary_item/ });
      await prompt.waitFor();
      expect(await prompt.textContent()).toContain(`item_id: ${item.id}`);
      // Focus is on the question; Tab reaches Approve, then Decline.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('group');
      await page.keyboard.press('Tab');
      expect(await focusedText(page)).toBe('Approve');
      await page.keyboard.press('Tab');
      expect(await focusedText(page)).toBe('Decline');
      await page.keyboard.press('Enter');
      await turns(page, 'assistant').getByText('Fine, the boat tour stays.').waitFor();
      await toolCall(page, 'delete_itinerary_item').locator('.tool-status', { hasText: 'declined' }).waitFor();
      expect(await items()).toEqual([item.id]);

      llm.push(toolCalls({ name: 'delete_itinerary_item', args: { item_id: item.id } }), text('The boat tour is gone.'));
      await ask(page, 'No, really: drop it');
      await prompt.waitFor();
      await expectAccessible(page, 'assistant asking for approval');
      if (SHOTS) await panel(page).screenshot({ path: `${SHOTS}trip-assistant.png` });
      // The paused turn is stored: after a reload the question is still there, and answerable.
      await page.reload();
      await prompt.waitFor();
      await prompt.getByRole('button', { name: 'Approve' }).focus();
      await page.keyboard.press('Enter');
      await turns(page, 'assistant').getByText('The boat tour is gone.').waitFor();
      expect(await items()).toEqual([]);
      await page.getByRole('navigation', { name: 'Trip sections' }).getByRole('link', { name: 'Days' }).click();
      await page.getByTestId('day-1').waitFor();
      expect(await page.getByText('Boat tour', { exact: true }).count()).toBe(0);
    } finally {
      await b.close();
    }
  }, 300_000);
});

describeInBrowser('the assistant panel, without a model', () => {
  let server: ServeProcess;
  beforeAll(async () => {
    server = await startServer({ from: template });
  }, 900_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('says the assistant is not configured, with the API\'s message and hint, and keeps the message', async () => {
    const b = await browser();
    const { page } = b;
    try {
      await signUp(page, server.url, uniqueEmail('nomodel'));
      await page.goto(`${server.url}/assistant`);
      await ask(page, 'Plan my week');
      const alert = panel(page).getByRole('alert');
      await alert.waitFor();
      // Exactly what the API answers.
      const sid = new URL(page.url()).searchParams.get('chat');
      const res = await page.evaluate(async (id) => {
        const { access_token } = JSON.parse(localStorage.getItem('tripsage.session')!) as { access_token: string };
        const r = await fetch(`/api/v1/chat/sessions/${id}/reply`, { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ content: 'x' }) });
        return { status: r.status, body: (await r.json()) as { code: string; message: string; hint: string } };
      }, sid);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('assistant_unavailable');
      expect(await alert.locator('.error-title').textContent()).toBe('The assistant is not configured');
      expect(await alert.locator('.error-message').textContent()).toBe(res.body.message);
      expect(await alert.locator('.error-hint').textContent()).toBe(`Hint: ${res.body.hint}`);
      expect(res.body.hint).toContain('TRIPSAGE_LLM_PROVIDER');
      // Nothing was stored: the message is back in the box, and no turn is shown.
      expect(await panel(page).getByLabel('Message').inputValue()).toBe('Plan my week');
      expect(await turns(page, 'user').count()).toBe(0);
      await expectAccessible(page, 'assistant not configured');
    } finally {
      await b.close();
    }
  }, 300_000);
});
