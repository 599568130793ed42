/**
 * Headless Chromium from the system (Debian's `chromium`), driven by playwright-core: never a
 * browser download. Every browser starts on a fresh profile directory (--user-data-dir, which
 * Playwright takes as launchPersistentContext's argument), removed when it closes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CANDIDATES = [process.env.TRIPSAGE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];

export const CHROMIUM_NOT_FOUND = 'no Chromium at /usr/bin/chromium (Debian: apt-get install -y chromium; or set TRIPSAGE_CHROMIUM)';

export function findChromium(): string | null {
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launchChromium(executablePath: string, { phone = false } = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'tripsage-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    acceptDownloads: true,
    viewport: phone ? { width: 375, height: 740 } : { width: 1280, height: 900 },
    timezoneId: 'Europe/Lisbon',
    locale: 'en-GB',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
