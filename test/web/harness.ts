/**
 * The browser suites' shared steps: a real `tripsage serve` on a temporary data directory, a
 * fresh Chromium per user, signing up and in through the UI, and the axe-core check.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, inject } from 'vitest';
import { tripsage } from '../harness/cli.ts';
import { spawnServe, type ServeProcess } from '../harness/serve.ts';
import { CHROMIUM_NOT_FOUND, launchChromium, type TestBrowser } from './browser.ts';

export const PASSWORD = 'a-long-password';

/** A describe block that runs only where Chromium exists (global-setup fails CI without it). */
export function describeInBrowser(name: string, fn: () => void): void {
  const chromium = inject('chromium');
  describe.skipIf(!chromium)(chromium ? name : `${name} — skipped: ${CHROMIUM_NOT_FOUND}`, fn);
}

export function browser(opts: { phone?: boolean } = {}): Promise<TestBrowser> {
  return launchChromium(inject('chromium')!, opts);
}

/**
 * `tripsage serve` on a new data directory, migrated first by the CLI (or loaded with the demo
 * users and prices by `demo`), so that the server itself starts quickly.
 */
export async function startServer({ demo = false } = {}): Promise<ServeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tripsage-web-'));
  // Generous: a fresh embedded database on a busy machine can take minutes to migrate.
  const r = await tripsage(['--data-dir', dataDir, ...(demo ? ['demo', '--users', '1'] : ['db', 'migrate'])], {}, { timeoutMs: 600_000 });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return spawnServe(['--data-dir', dataDir]);
}

export const uniqueEmail = (who: string) => `${who}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;

export async function signUp(page: Page, url: string, email: string, name = ''): Promise<void> {
  await page.goto(`${url}/sign-up`);
  const form = page.getByRole('form', { name: 'Sign up' });
  if (name) await form.getByLabel('Your name').fill(name);
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(/\/trips$/);
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  expect(bad, `axe on ${where}`).toEqual([]);
}
