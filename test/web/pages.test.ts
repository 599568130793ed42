/**
 * Every page of the app on the demo data: axe-core finds no serious or critical violation, at
 * desktop width and at 375 px (where nothing may scroll sideways); a whole task done with the
 * keyboard alone. With TRIPSAGE_SCREENSHOTS=1 (npm run screenshots) the main pages are saved to
 * docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServeProcess } from '../harness/serve.ts';
import { browser, describeInBrowser, expectAccessible, signIn, signUp, startServer, uniqueEmail } from './harness.ts';

const DEMO_EMAIL = 'demo1@demo.tripsage.test';
const DEMO_PASSWORD = 'tripsage-demo';
const SHOTS = process.env.TRIPSAGE_SCREENSHOTS ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)) : null;

/** Each page, and what shows once it has loaded. */
function pages(tripId: string): [string, string, string][] {
  return [
    ['trips', '/trips', 'My trips'],
    ['new-trip', '/trips/new', 'New trip'],
    ['trip-overview', `/trips/${tripId}`, 'Budget'],
    ['trip-days', `/trips/${tripId}/days`, 'Day by day'],
    ['trip-timeline', `/trips/${tripId}/timeline`, 'Timeline'],
    ['trip-bookings', `/trips/${tripId}/bookings`, 'Flights'],
    ['trip-notes', `/trips/${tripId}/notes`, 'Notes'],
    ['trip-options', `/trips/${tripId}/options`, 'Saved options'],
    ['trip-assistant', `/trips/${tripId}/assistant`, 'Plan with the assistant'],
    ['edit-trip', `/trips/${tripId}/edit`, 'Edit trip'],
    ['comparisons', '/comparisons', 'Compare trips'],
    ['assistant', '/assistant', 'Assistant'],
    ['memories', '/memories', 'All memories'],
    ['prices', '/prices?entity=BER-LIS', 'Current deals'],
    ['insights', '/insights', 'Search insights'],
    ['keys', '/keys', 'API keys'],
    ['profile', '/profile', 'Profile'],
    ['not-found', '/no-such-page', 'Page not found'],
  ];
}
const SCREENSHOTS = new Set(['trips', 'trip-overview', 'trip-days', 'trip-bookings', 'comparisons', 'prices', 'keys', 'memories']);

async function settle(page: Page, heading: string): Promise<void> {
  await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
  await page.getByRole('status').filter({ hasText: 'Loading' }).first().waitFor({ state: 'detached' }).catch(() => undefined);
  await expect.poll(() => page.locator('.spinner').count()).toBe(0);
}

describeInBrowser('the web planner: every page, accessible, at 375 px and by keyboard', () => {
  let server: ServeProcess;
  let tripId = '';
  beforeAll(async () => {
    server = await startServer({ demo: true });
  }, 900_000);
  afterAll(async () => {
    await server?.stop();
  });

  async function signedIn(page: Page): Promise<void> {
    await page.goto(`${server.url}/sign-in`);
    await expectAccessible(page, 'sign-in');
    await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
    await page.waitForURL(/\/trips$/);
    const first = page.getByRole('list', { name: 'Trips' }).getByRole('heading').first().getByRole('link');
    tripId = /\/trips\/(\d+)/.exec((await first.getAttribute('href'))!)![1]!;
  }

  it('desktop: no serious or critical axe violation on any page (and the screenshots)', async () => {
    const b = await browser();
    try {
      await signedIn(b.page);
      // Something in every list: a key and a comparison.
      await b.page.evaluate(async () => {
        const { access_token } = JSON.parse(localStorage.getItem('tripsage.session')!);
        const h = { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' };
        await fetch('/api/v1/api-keys', { method: 'POST', headers: h, body: JSON.stringify({ service_name: 'openai', key_name: 'personal', value: 'sk-demo-0000-0000-0000-abcd' }) });
        const trips = await (await fetch('/api/v1/trips', { headers: h })).json();
        await fetch('/api/v1/trip-comparisons', { method: 'POST', headers: h, body: JSON.stringify({ title: 'Which trip first?', trip_ids: trips.map((t: { id: number }) => t.id) }) });
      });
      if (SHOTS) mkdirSync(SHOTS, { recursive: true });
      for (const [name, path, heading] of pages(tripId)) {
        await b.page.goto(`${server.url}${path}`);
        await settle(b.page, heading);
        await expectAccessible(b.page, name);
        if (SHOTS && SCREENSHOTS.has(name)) await b.page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
      }
      // The key's value never reaches the page: only its masked hint.
      await b.page.goto(`${server.url}/keys`);
      await b.page.getByText('••••abcd').waitFor();
      expect(await b.page.content()).not.toContain('sk-demo-0000');
      await b.page.goto(`${server.url}/sign-up`);
      await expectAccessible(b.page, 'sign-up (signed in: redirects)');
    } finally {
      await b.close();
    }
  }, 300_000);

  it('375 px wide: every page fits the screen and stays accessible', async () => {
    const b = await browser({ phone: true });
    try {
      await signedIn(b.page);
      for (const [name, path, heading] of pages(tripId)) {
        await b.page.goto(`${server.url}${path}`);
        await settle(b.page, heading);
        const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
        // axe at this width on the main pages (every page is checked at desktop width above).
        if (SCREENSHOTS.has(name)) await expectAccessible(b.page, `${name} at 375 px`);
        if (SHOTS && name === 'trip-days') await b.page.screenshot({ path: `${SHOTS}phone-trip-days.png`, fullPage: true });
      }
    } finally {
      await b.close();
    }
  }, 300_000);

  it('the keyboard alone: sign up, create a trip, delete it with confirmation', async () => {
    const b = await browser();
    const { page } = b;
    const focused = () => page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      return `${e?.tagName ?? ''}|${e?.getAttribute('id') ? document.querySelector(`label[for="${e.id}"]`)?.textContent ?? '' : ''}|${e?.textContent?.trim() ?? ''}`;
    });
    const tabTo = async (match: RegExp) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        if (match.test(await focused())) return;
      }
      throw new Error(`Tab never reached ${match}`);
    };
    try {
      await page.goto(`${server.url}/sign-up`);
      await tabTo(/^INPUT\|Email/);
      await page.keyboard.type(uniqueEmail('keys'));
      await tabTo(/^INPUT\|Password/);
      await page.keyboard.type('a-long-password');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/trips$/);
      await tabTo(/^A\|\|New trip$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/trips\/new$/);
      await tabTo(/^INPUT\|Name/);
      await page.keyboard.type('By keyboard');
      await tabTo(/^INPUT\|Destination/);
      await page.keyboard.type('Porto');
      // Dates typed digit by digit: the same in day-month and month-day order (Chromium's date
      // field follows the browser's language), and Tab steps through the field's parts.
      await tabTo(/^INPUT\|Start date/);
      await page.keyboard.type('01012026');
      await tabTo(/^INPUT\|End date/);
      await page.keyboard.type('02022026');
      await tabTo(/^INPUT\|Budget/);
      await page.keyboard.type('450.00');
      await tabTo(/^BUTTON\|\|Create trip$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/trips\/\d+$/);
      await page.getByRole('heading', { name: 'By keyboard', level: 1 }).waitFor();
      expect(await page.getByTestId('budget').textContent()).toBe('450.00');

      await page.goto(`${server.url}/trips`);
      await tabTo(/^BUTTON\|\|Delete$/);
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await page.keyboard.press('Escape'); // cancel: nothing deleted
      await dialog.waitFor({ state: 'hidden' });
      expect(await page.getByRole('link', { name: 'By keyboard', exact: true }).count()).toBe(1);
      await page.keyboard.press('Enter'); // focus is back on the Delete button
      await dialog.waitFor();
      expect(await focused()).toMatch(/^BUTTON\|\|Delete$/);
      await page.keyboard.press('Enter');
      await page.getByText('No trips yet').waitFor();
    } finally {
      await b.close();
    }
  }, 300_000);

  it('a signed-up user is redirected from the sign-in pages, and signing up twice shows the API\'s message', async () => {
    const b = await browser();
    try {
      const email = uniqueEmail('twice');
      await signUp(b.page, server.url, email);
      await b.page.getByRole('button', { name: 'Sign out' }).click();
      await b.page.goto(`${server.url}/sign-up`);
      const form = b.page.getByRole('form', { name: 'Sign up' });
      await form.getByLabel('Email').fill(email);
      await form.getByLabel('Password').fill('a-long-password');
      await form.getByRole('button', { name: 'Sign up' }).click();
      await form.getByRole('alert').waitFor();
      expect(await form.getByRole('alert').textContent()).toMatch(/already/i);
    } finally {
      await b.close();
    }
  }, 300_000);
});
