/**
 * Travelling together in a real browser against a real `tripsage serve`: roles (an editor plans
 * but cannot delete; a viewer sees no add controls), invitations and ownership, share links opened
 * without an account, and a budget in several currencies exactly as /summary computes it.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServeProcess } from '../harness/serve.ts';
import { apiAs, browser, describeInBrowser, signUp, signUpByApi, startServer, uniqueEmail } from './harness.ts';

// USD→EUR 0.9 and EUR→JPY 160 from April; nothing for GBP.
const RATES = 'base,quote,rate,as_of\nUSD,EUR,0.9,2026-04-01\nEUR,JPY,160,2026-04-01\n';
const TRIP = { destination: 'Porto, Portugal', start_date: '2026-05-01', end_date: '2026-05-04', budget: '1000.00', currency: 'EUR' };

interface Created {
  id: number;
}

describeInBrowser('the web planner: travelling together', () => {
  let server: ServeProcess;
  beforeAll(async () => {
    server = await startServer({ rates: RATES });
  }, 900_000);
  afterAll(async () => {
    await server?.stop();
  });

  const newTrip = async (page: Page, name: string) => (await apiAs<Created>(page, 'POST', '/api/v1/trips', { ...TRIP, name })).id;
  const cardOf = (page: Page, name: string) => page.getByRole('list', { name: 'Trips' }).getByRole('listitem').filter({ has: page.getByRole('link', { name, exact: true }) });

  it('an editor plans with the owner but cannot delete the trip; as a viewer the add controls are gone', async () => {
    const alice = await browser();
    const bob = await browser();
    try {
      const bobEmail = uniqueEmail('bob');
      await signUp(bob.page, server.url, bobEmail, 'Bob');
      await signUp(alice.page, server.url, uniqueEmail('alice'), 'Alice');
      const tripId = await newTrip(alice.page, 'Porto together');

      // The owner invites Bob, who has an account: he is added at once, as an editor.
      const a = alice.page;
      await a.goto(`${server.url}/trips/${tripId}/people`);
      const invite = a.getByRole('form', { name: 'Invite someone' });
      await invite.getByLabel('Email').fill(bobEmail);
      await invite.getByLabel('Role').selectOption('editor');
      await invite.getByRole('button', { name: 'Invite' }).click();
      await expect.poll(() => a.getByTestId('invite-outcome').textContent()).toBe(`Bob (${bobEmail}) now has access as editor.`);
      const bobRow = a.getByTestId(`member-${bobEmail}`);
      await expect.poll(() => bobRow.getByTestId('member-role').textContent()).toBe('editor');
      expect(await a.getByRole('button', { name: 'Delete trip' }).count()).toBe(1); // the owner's control exists

      // Bob sees the trip marked with his role, among the shared ones and not among his own.
      const b = bob.page;
      await b.goto(`${server.url}/trips`);
      const card = cardOf(b, 'Porto together');
      await expect.poll(() => card.getByTestId('trip-role').textContent()).toBe('Shared with you · editor');
      expect(await card.getByRole('button', { name: 'Delete' }).count()).toBe(0);
      expect(await card.getByRole('link', { name: 'Edit Porto together' }).count()).toBe(1);
      await b.getByLabel('Whose').selectOption('mine');
      await b.getByText('No trips yet').waitFor();
      await b.getByLabel('Whose').selectOption('shared');
      await card.waitFor();
      expect(new URL(b.url()).searchParams.get('scope')).toBe('shared');

      // On the trip: no delete, no share links, no collaborator management; adding an item works.
      await card.getByRole('link', { name: 'Porto together', exact: true }).click();
      await b.getByRole('heading', { level: 1, name: 'Porto together' }).waitFor();
      expect(await b.getByTestId('trip-role').textContent()).toBe('Shared with you · editor');
      expect(await b.getByRole('button', { name: 'Delete trip' }).count()).toBe(0);
      expect(await b.getByRole('link', { name: 'Share links' }).count()).toBe(0);
      await b.getByRole('link', { name: 'People' }).click();
      await b.getByTestId(`member-${bobEmail}`).waitFor();
      expect(await b.getByRole('form', { name: 'Invite someone' }).count()).toBe(0);
      expect(await b.getByRole('button', { name: /Remove|Change role|Make .* owner/ }).count()).toBe(0);
      await b.getByRole('link', { name: 'Days' }).click();
      await b.getByTestId('day-1').getByRole('button', { name: 'Add item to day 1' }).click();
      const f = b.getByRole('form', { name: 'New item on day 1' });
      await f.getByLabel('Title').fill('Port tasting');
      await f.getByLabel('Starts').fill('17:00');
      await f.getByLabel('Ends').fill('18:30');
      await f.getByLabel('Cost (optional)').fill('25.00');
      expect(await f.getByLabel('Currency').inputValue()).toBe('EUR'); // the trip's, by default
      await f.getByRole('button', { name: 'Add item' }).click();
      await b.getByTestId('day-1').getByText('Port tasting', { exact: true }).waitFor();
      await b.getByTestId('day-1').getByText('· 25.00 EUR').waitFor();

      // The owner makes Bob a viewer.
      await a.reload();
      await bobRow.getByLabel(`Role of Bob (${bobEmail})`, { exact: true }).selectOption('viewer');
      await bobRow.getByRole('button', { name: `Change role of Bob (${bobEmail})` }).click();
      await expect.poll(() => bobRow.getByTestId('member-role').textContent()).toBe('viewer');

      // Bob, as a viewer, reads everything but no control to add, change or delete shows.
      await b.reload();
      await b.getByTestId('day-1').getByText('Port tasting', { exact: true }).waitFor();
      await expect.poll(() => b.getByTestId('trip-role').textContent()).toBe('Shared with you · viewer');
      for (const name of [/^Add item/, /^Move$/, /^Edit$/, /^Delete$/]) expect(await b.getByRole('button', { name }).count(), String(name)).toBe(0);
      expect(await b.getByRole('link', { name: 'Edit trip' }).count()).toBe(0);
      await b.getByRole('link', { name: 'Flights & stays' }).click();
      await b.getByText('No flights yet.').waitFor();
      expect(await b.getByRole('button', { name: /^Add / }).count()).toBe(0);
      await b.getByRole('link', { name: 'Notes' }).click();
      await b.getByText('No notes yet.').waitFor();
      expect(await b.getByRole('button', { name: 'Add note' }).count()).toBe(0);
      await b.getByRole('link', { name: 'Saved options' }).click();
      await b.getByRole('heading', { name: 'Saved options' }).waitFor();
      expect(await b.getByRole('form', { name: 'Save an option' }).count()).toBe(0);
      await b.goto(`${server.url}/trips`);
      await expect.poll(() => cardOf(b, 'Porto together').getByTestId('trip-role').textContent()).toBe('Shared with you · viewer');
      expect(await cardOf(b, 'Porto together').getByRole('link', { name: 'Edit Porto together' }).count()).toBe(0);
    } finally {
      await alice.close();
      await bob.close();
    }
  }, 600_000);

  it('a pending invitation is listed and revoked; ownership moves only after confirmation; a collaborator leaves', async () => {
    const alice = await browser();
    const { page } = alice;
    try {
      const carolEmail = uniqueEmail('carol');
      await signUpByApi(server.url, carolEmail, 'Carol');
      await signUp(page, server.url, uniqueEmail('alice'), 'Alice');
      const tripId = await newTrip(page, 'Handed over');
      await page.goto(`${server.url}/trips/${tripId}/people`);
      await page.getByText('No pending invitations.').waitFor();
      const invite = page.getByRole('form', { name: 'Invite someone' });

      const stranger = uniqueEmail('nobody');
      await invite.getByLabel('Email').fill(stranger);
      await invite.getByLabel('Role').selectOption('viewer');
      await invite.getByRole('button', { name: 'Invite' }).click();
      await expect.poll(() => page.getByTestId('invite-outcome').textContent()).toMatch(new RegExp(`^No account uses ${stranger.replace(/[.+]/g, '\\$&')} yet: an invitation as viewer is pending`));
      const pending = page.getByTestId(`invitation-${stranger}`);
      await pending.waitFor();
      await pending.getByRole('button', { name: `Revoke the invitation of ${stranger}` }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
      await page.getByText('No pending invitations.').waitFor();

      await invite.getByLabel('Email').fill(carolEmail);
      await invite.getByLabel('Role').selectOption('admin');
      await invite.getByRole('button', { name: 'Invite' }).click();
      const carol = page.getByTestId(`member-${carolEmail}`);
      await expect.poll(() => carol.getByTestId('member-role').textContent()).toBe('admin');

      // Transfer: cancelling changes nothing; confirming makes Carol the owner and Alice an admin.
      await carol.getByRole('button', { name: `Make Carol (${carolEmail}) owner` }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText(/You will stay on it as an admin/).waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await carol.getByTestId('member-role').textContent()).toBe('admin');
      await carol.getByRole('button', { name: `Make Carol (${carolEmail}) owner` }).click();
      await dialog.getByRole('button', { name: 'Transfer ownership' }).click();
      await expect.poll(() => carol.getByTestId('member-role').textContent()).toBe('owner');
      await expect.poll(() => page.getByTestId('trip-role').textContent()).toBe('Shared with you · admin');
      expect(await page.getByRole('button', { name: 'Delete trip' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /Make .* owner/ }).count()).toBe(0);
      // An admin still manages who is on the trip and its share links.
      await invite.waitFor();
      expect(await page.getByRole('link', { name: 'Share links' }).count()).toBe(1);

      await page.getByRole('button', { name: 'Leave trip' }).click();
      await dialog.getByRole('button', { name: 'Leave trip' }).click();
      await page.waitForURL(/\/trips$/);
      await page.getByText('No trips yet').waitFor();
    } finally {
      await alice.close();
    }
  }, 600_000);

  it('a share link opens the plan without an account: no prices unless included; a revoked link is not valid', async () => {
    const alice = await browser();
    const visitor = await browser(); // a fresh browser that never signs in
    try {
      const a = alice.page;
      await signUp(a, server.url, uniqueEmail('alice'), 'Alice');
      const tripId = await newTrip(a, 'Shared Porto');
      await apiAs(a, 'POST', `/api/v1/trips/${tripId}/itinerary-items`, { day_number: 2, title: 'Livraria Lello', start_time: '10:00', end_time: '11:00', cost: '15.00' });
      await apiAs(a, 'POST', `/api/v1/trips/${tripId}/notes`, { title: 'Bring', content: 'Comfortable shoes' });
      await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });

      const createLink = async (withPrices: boolean) => {
        await a.goto(`${server.url}/trips/${tripId}/share`);
        const form = a.getByRole('form', { name: 'Create a share link' });
        await form.waitFor();
        if (withPrices) await form.getByLabel('Include prices and the budget').check();
        await form.getByRole('button', { name: 'Create link' }).click();
        const field = a.getByTestId('new-link').getByLabel('Share link');
        await field.waitFor();
        return field.inputValue();
      };
      const plain = await createLink(false);
      expect(plain).toMatch(new RegExp(`^${server.url}/shared/[A-Za-z0-9_-]{43}$`));
      await a.getByRole('button', { name: 'Copy link' }).click();
      await a.getByText('Copied.').waitFor();
      expect(await a.evaluate(() => navigator.clipboard.readText())).toBe(plain);
      const priced = await createLink(true);
      await expect.poll(() => a.getByRole('list', { name: 'Share links' }).getByRole('listitem').count()).toBe(2);

      const v = visitor.page;
      await v.goto(plain);
      await v.getByRole('heading', { level: 1, name: 'Shared Porto' }).waitFor();
      expect(new URL(v.url()).pathname).toMatch(/^\/shared\//); // no detour through sign-in
      await v.getByTestId('day-2').getByText('Livraria Lello', { exact: true }).waitFor();
      await v.getByText('Comfortable shoes').waitFor();
      const main = () => v.locator('main').innerText();
      expect(await main()).not.toMatch(/15\.00|1,000\.00|EUR/);
      expect(await v.getByTestId('shared-budget').count()).toBe(0);
      const [download] = await Promise.all([v.waitForEvent('download'), v.getByRole('link', { name: 'Calendar (.ics)' }).click()]);
      const ics = readFileSync((await download.path())!, 'utf8');
      expect(ics).toContain('BEGIN:VCALENDAR');
      expect(ics).toContain('SUMMARY:Livraria Lello');

      await v.goto(priced);
      await v.getByTestId('day-2').getByText('· 15.00 EUR').waitFor();
      expect(await v.getByTestId('shared-budget').textContent()).toBe('budget 1,000.00 EUR');

      // Revoke the link without prices: it is not valid any more; the other still works.
      await a.goto(`${server.url}/trips/${tripId}/share`);
      const row = a.getByRole('list', { name: 'Share links' }).getByRole('listitem').filter({ hasText: 'without prices' });
      await row.getByRole('button', { name: /^Revoke/ }).click();
      await a.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
      await expect.poll(() => a.getByRole('list', { name: 'Share links' }).getByRole('listitem').count()).toBe(1);
      await v.goto(plain);
      await v.getByRole('heading', { level: 1, name: 'This link is not valid' }).waitFor();
      expect(await main()).not.toContain('Livraria Lello');
      await v.goto(`${server.url}/shared/not-a-real-token`);
      await v.getByRole('heading', { level: 1, name: 'This link is not valid' }).waitFor();
      await v.goto(priced);
      await v.getByRole('heading', { level: 1, name: 'Shared Porto' }).waitFor();
    } finally {
      await alice.close();
      await visitor.close();
    }
  }, 600_000);

  it('costs in three currencies: the exact converted remaining amount of /summary, and an unconverted cost flagged', async () => {
    const alice = await browser();
    const { page } = alice;
    try {
      await signUp(page, server.url, uniqueEmail('alice'), 'Alice');
      // The trip in EUR, through the form (the currency select lists the API's codes).
      await page.goto(`${server.url}/trips/new`);
      const t = page.getByRole('form', { name: 'Create trip' });
      await t.getByLabel('Name').fill('Three currencies');
      await t.getByLabel('Destination').fill('Europe');
      await t.getByLabel('Start date').fill('2026-05-01');
      await t.getByLabel('End date').fill('2026-05-04');
      await t.getByLabel('Budget').fill('1000.00');
      await expect.poll(() => t.getByLabel('Currency').locator('option').count()).toBeGreaterThan(100);
      await t.getByLabel('Currency').selectOption('EUR');
      await t.getByRole('button', { name: 'Create trip' }).click();
      await page.waitForURL(/\/trips\/\d+$/);
      const tripId = Number(/\/trips\/(\d+)$/.exec(page.url())![1]);

      // A flight in USD through the form; a stay in EUR, a train in JPY and an activity in GBP.
      await page.goto(`${server.url}/trips/${tripId}/bookings`);
      await page.getByRole('button', { name: 'Add flight' }).click();
      const f = page.getByRole('form', { name: 'New flight' });
      await f.getByLabel('From').fill('JFK');
      await f.getByLabel('To').fill('OPO');
      await f.getByLabel('Departs').fill('2026-05-01T08:15');
      await f.getByLabel('Arrives').fill('2026-05-01T20:05');
      await f.getByLabel('Price').fill('33.33');
      expect(await f.getByLabel('Currency').inputValue()).toBe('EUR');
      await f.getByLabel('Currency').selectOption('USD');
      await f.getByRole('button', { name: 'Add flight' }).click();
      await page.getByRole('list', { name: 'Flights' }).getByText('33.33 USD').waitFor();
      const base = `/api/v1/trips/${tripId}`;
      await apiAs(page, 'POST', `${base}/accommodations`, { name: 'Casa', type: 'hotel', location: 'Ribeira', check_in_date: '2026-05-01', check_out_date: '2026-05-04', price_per_night: '100.00', total_price: '300.00', booking_status: 'saved' });
      await apiAs(page, 'POST', `${base}/transportation`, { type: 'train', origin: 'Porto', destination: 'Lisbon', departure_time: '2026-05-02T09:00:00Z', arrival_time: '2026-05-02T12:00:00Z', price: '2000', currency: 'JPY' });
      await apiAs(page, 'POST', `${base}/itinerary-items`, { day_number: 1, title: 'Tea', start_time: '16:00', end_time: '17:00', cost: '10.00', currency: 'GBP' });

      const summary = await apiAs<{ remaining: string; total: string; complete: boolean }>(page, 'GET', `${base}/summary`);
      // 33.33 USD × 0.9 = 30.00 EUR; 2000 JPY / 160 = 12.50 EUR; 300.00 EUR; 10.00 GBP has no rate.
      expect(summary).toMatchObject({ total: '342.50', remaining: '657.50', complete: false });

      await page.goto(`${server.url}/trips/${tripId}`);
      await expect.poll(() => page.getByTestId('remaining').textContent()).toBe(summary.remaining);
      expect(await page.getByTestId('planned-total').textContent()).toBe('342.50');
      expect(await page.getByTestId('budget').locator('xpath=..').textContent()).toBe('1,000.00 EUR');
      const flagged = page.getByTestId('unconverted');
      await flagged.getByText('1 cost not in the total: no exchange rate into EUR').waitFor();
      expect(await flagged.getByRole('listitem').textContent()).toBe('Activity on Fri, 1 May 2026: 10.00 GBP');
      const table = page.getByTestId('by-currency');
      const row = (code: string) => table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: code }) });
      expect(await row('USD').getByRole('cell').allTextContents()).toEqual(['1', '33.33 USD', '30.00 EUR', '—']);
      expect(await row('JPY').getByRole('cell').allTextContents()).toEqual(['1', '2,000 JPY', '12.50 EUR', '—']);
      expect(await row('EUR').getByRole('cell').allTextContents()).toEqual(['1', '300.00 EUR', '300.00 EUR', '—']);
      expect(await row('GBP').getByRole('cell').allTextContents()).toEqual(['1', '10.00 GBP', '0 EUR', '⚠ 10.00 GBP (1)']);

      await page.getByRole('link', { name: 'Days' }).click();
      await expect.poll(() => page.getByTestId('unconverted-day-1').textContent()).toBe('Not in the day’s total (no exchange rate to EUR): 10.00 GBP');
      await page.getByTestId('day-1').getByText('(no exchange rate: not in the total)').waitFor();
    } finally {
      await alice.close();
    }
  }, 600_000);
});
