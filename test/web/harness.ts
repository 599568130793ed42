/**
 * The browser suites' shared steps: a real `tripsage serve` on a temporary data directory, a
 * fresh Chromium per user, signing up and in through the UI, and the axe-core check.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
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
 * users and prices by `demo`), so that the server itself starts quickly. `rates` (CSV:
 * base,quote,rate,as_of) are imported by `tripsage rates import` before it starts: only
 * service_role writes exchange rates, and the embedded database allows one process at a time.
 */
export async function startServer({ demo = false, rates }: { demo?: boolean; rates?: string } = {}): Promise<ServeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tripsage-web-'));
  // Generous: a fresh embedded database on a busy machine can take minutes to migrate.
  const r = await tripsage(['--data-dir', dataDir, ...(demo ? ['demo', '--users', '1'] : ['db', 'migrate'])], {}, { timeoutMs: 600_000 });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  if (rates) {
    const file = join(dataDir, 'rates.csv');
    writeFileSync(file, rates);
    const imported = await tripsage(['--data-dir', dataDir, 'rates', 'import', file], {}, { timeoutMs: 600_000 });
    expect(imported.code, imported.stderr + imported.stdout).toBe(0);
  }
  return spawnServe(['--data-dir', dataDir]);
}

/**
 * The API called from the page as its signed-in user (the app's stored session), for the setup
 * a test is not about. Throws on any non-2xx answer.
 */
export async function apiAs<T = unknown>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(async ([m, p, b]) => {
    const { access_token } = JSON.parse(localStorage.getItem('tripsage.session')!) as { access_token: string };
    const res = await fetch(p, {
      method: m,
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: b === undefined ? undefined : JSON.stringify(b),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${m} ${p}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }, [method, path, body] as const);
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

/** An account made through the API alone, for a test that needs someone to exist, not a browser. */
export async function signUpByApi(url: string, email: string, name: string): Promise<void> {
  const res = await fetch(`${url}/auth/v1/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, data: { name } }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}
