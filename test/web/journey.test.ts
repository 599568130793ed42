/**
 * A traveller's whole journey in a real browser against a real `tripsage serve`: sign up, plan a
 * trip (flight, stay, items on two days), the exact budget, moving an item, the calendar
 * download, signing out and in again; then a second user, API errors on screen, and the session's
 * refresh and revocation.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServeProcess } from '../harness/serve.ts';
import type { TestBrowser } from './browser.ts';
import { browser, describeInBrowser, PASSWORD, signIn, signUp, startServer, uniqueEmail } from './harness.ts';

describeInBrowser('the web planner: a traveller\'s journey', () => {
  let server: ServeProcess;
  let alice: TestBrowser;
  let page: Page;
  const email = uniqueEmail('alice');
  let tripPath = '';
  beforeAll(async () => {
    server = await startServer();
    alice = await browser();
    page = alice.page;
  }, 900_000);
  afterAll(async () => {
    await alice?.close();
    await server?.stop();
  });

  const form = (name: string) => page.getByRole('form', { name });
  const day = (n: number) => page.getByTestId(`day-${n}`);

  async function addItem(n: number, title: string, start: string, end: string, cost: string) {
    await day(n).getByRole('button', { name: `Add item to day ${n}` }).click();
    const f = form(`New item on day ${n}`);
    await f.getByLabel('Title').fill(title);
    await f.getByLabel('Starts').fill(start);
    await f.getByLabel('Ends').fill(end);
    await f.getByLabel('Cost (optional)').fill(cost);
    await f.getByRole('button', { name: 'Add item' }).click();
    await expect.poll(() => day(n).getByText(title, { exact: true }).count()).toBe(1);
  }

  it('sign up, create a trip, add a flight, a stay and items on two days', async () => {
    await page.goto(server.url);
    await page.waitForURL(/\/sign-in/);
    await signUp(page, server.url, email, 'Alice');
    await page.getByText('No trips yet').waitFor();

    await page.getByRole('link', { name: 'New trip' }).click();
    const t = form('Create trip');
    await t.getByLabel('Name').fill('Lisbon in spring');
    await t.getByLabel('Destination').fill('Lisbon, Portugal');
    await t.getByLabel('Start date').fill('2026-05-01');
    await t.getByLabel('End date').fill('2026-05-04');
    await t.getByLabel('Budget').fill('2500.00');
    await t.getByLabel('Travellers').fill('2');
    await t.getByRole('button', { name: 'Create trip' }).click();
    await page.waitForURL(/\/trips\/\d+$/);
    tripPath = new URL(page.url()).pathname;
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Lisbon in spring');

    await page.getByRole('link', { name: 'Flights & stays' }).click();
    await page.getByRole('button', { name: 'Add flight' }).click();
    const f = form('New flight');
    await f.getByLabel('From').fill('JFK');
    await f.getByLabel('To').fill('LIS');
    await f.getByLabel('Departs').fill('2026-05-01T08:15');
    await f.getByLabel('Arrives').fill('2026-05-01T20:05');
    await f.getByLabel('Price').fill('612.30');
    await f.getByRole('button', { name: 'Add flight' }).click();
    await page.getByRole('list', { name: 'Flights' }).getByText('JFK → LIS').waitFor();

    await page.getByRole('button', { name: 'Add stay' }).click();
    const s = form('New stay');
    await s.getByLabel('Name').fill('Casa Azul');
    await s.getByLabel('Location').fill('Alfama');
    await s.getByLabel('Check-in').fill('2026-05-01');
    await s.getByLabel('Check-out').fill('2026-05-04');
    await s.getByLabel('Price per night').fill('240.00');
    await s.getByLabel('Total price').fill('720.00');
    await s.getByRole('button', { name: 'Add stay' }).click();
    await page.getByRole('list', { name: 'Stays' }).getByText('Casa Azul').waitFor();

    await page.getByRole('link', { name: 'Days' }).click();
    await addItem(1, 'São Jorge Castle', '09:00', '11:30', '15.00');
    await addItem(2, 'Day trip to Sintra', '10:00', '17:00', '40.00');
    await addItem(2, 'Lunch in Sintra', '12:30', '13:30', '25.50');
    // The API's overlap warning shows on the day.
    await day(2).getByText('"Day trip to Sintra" and "Lunch in Sintra" overlap from 12:30:00 to 13:30:00').waitFor();
  });

  it('the budget shows the API\'s exact numbers', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    // 2500.00 − (612.30 + 720.00 + 15.00 + 40.00 + 25.50) = 1087.20
    await expect.poll(() => page.getByTestId('remaining').textContent()).toBe('1,087.20');
    expect(await page.getByTestId('planned-total').textContent()).toBe('1,412.80');
    expect(await page.getByTestId('per-traveller').textContent()).toBe('706.40');
    expect(await page.getByTestId('per-day').textContent()).toBe('353.20');
    expect(await page.getByTestId('planned-itinerary').textContent()).toContain('80.50');
  });

  it('moves an item to another day', async () => {
    await page.getByRole('link', { name: 'Days' }).click();
    await day(1).getByLabel('Move “São Jorge Castle” to day').selectOption('2');
    await day(1).getByRole('button', { name: 'Move' }).click();
    await day(2).getByText('São Jorge Castle', { exact: true }).waitFor();
    await day(1).getByText('Nothing planned yet.').waitFor();
  });

  it('downloads the calendar', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Calendar (.ics)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^trip-\d+\.ics$/);
    const ics = readFileSync((await download.path())!, 'utf8');
    expect(ics).toContain('BEGIN:VCALENDAR');
    for (const title of ['São Jorge Castle', 'Day trip to Sintra', 'Casa Azul']) expect(ics).toContain(title);
    // Moved to day 2: the castle's floating time is on 2 May.
    expect(ics).toMatch(/DTSTART:20260502T090000\r?\n(?:.*\r?\n)*?SUMMARY:São Jorge Castle/);
  });

  it('signs out and back in: the data is still there', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`${server.url}${tripPath}/days`);
    await page.waitForURL(/\/sign-in\?next=/);
    await signIn(page, email);
    await page.waitForURL((u) => u.pathname === `${tripPath}/days`);
    await day(2).getByText('São Jorge Castle', { exact: true }).waitFor();
    await day(2).getByText('Lunch in Sintra', { exact: true }).waitFor();
    await page.goto(`${server.url}/trips`);
    await page.getByRole('link', { name: 'Lisbon in spring', exact: true }).waitFor();
  });

  it('a refresh rotates the refresh token; a revoked session returns to sign-in', async () => {
    const stored = () => page.evaluate(() => JSON.parse(localStorage.getItem('tripsage.session') ?? 'null'));
    const before = await stored();
    // Make the access token look expired: the next request refreshes first.
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('tripsage.session')!);
      localStorage.setItem('tripsage.session', JSON.stringify({ ...s, expires_at: 0 }));
    });
    await page.goto(`${server.url}/trips`);
    await page.getByRole('link', { name: 'Lisbon in spring', exact: true }).waitFor();
    const after = await stored();
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(after.expires_at).toBeGreaterThan(0);

    // Sign out everywhere behind the app's back, then let the app try to refresh.
    const status = await page.evaluate(async (token) => (await fetch('/auth/v1/logout?scope=global', { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status, after.access_token);
    expect(status).toBe(204);
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('tripsage.session')!);
      localStorage.setItem('tripsage.session', JSON.stringify({ ...s, expires_at: 0 }));
    });
    await page.goto(`${server.url}/trips`);
    await page.waitForURL(/\/sign-in/);
    await page.getByText('Your session has ended. Please sign in again.').waitFor();
    expect(await stored()).toBeNull();
    await signIn(page, email);
    await page.getByRole('link', { name: 'Lisbon in spring', exact: true }).waitFor();
  });

  it('a failed request shows the API\'s message and hint', async () => {
    await page.goto(`${server.url}/trips/new`);
    const t = form('Create trip');
    await t.getByLabel('Name').fill('Backwards');
    await t.getByLabel('Destination').fill('Porto');
    await t.getByLabel('Start date').fill('2026-06-10');
    await t.getByLabel('End date').fill('2026-06-01');
    await t.getByLabel('Budget').fill('300');
    await t.getByRole('button', { name: 'Create trip' }).click();
    const alert = t.getByRole('alert');
    await alert.getByText('invalid value: violates trips_date_check').waitFor();
    await alert.getByText('Hint: end_date must be on or after start_date').waitFor();

    await page.goto(`${server.url}/trips/99999999`);
    await page.getByRole('alert').getByText('trip not found').waitFor();
  });

  it('a second user sees none of the first user\'s trips', async () => {
    const bob = await browser();
    try {
      await signUp(bob.page, server.url, uniqueEmail('bob'));
      await bob.page.getByText('No trips yet').waitFor();
      expect(await bob.page.getByText('Lisbon in spring').count()).toBe(0);
      await bob.page.goto(`${server.url}${tripPath}`);
      await bob.page.getByRole('alert').getByText('trip not found').waitFor();
      expect(await bob.page.getByText('Lisbon in spring').count()).toBe(0);
      // And a wrong password is the API's own message.
      await bob.page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(bob.page, email, `${PASSWORD}-wrong`);
      await bob.page.getByRole('alert').getByText('Invalid login credentials').waitFor();
    } finally {
      await bob.close();
    }
  });
});
