/**
 * How the browser tests run chromium: headless, sandbox off (containers), nothing phoning home. Which chromium is
 * decided once per run by tests/support/chromium-setup.ts: Debian's /usr/bin/chromium where installed (CI), else
 * the build the @sparticuz/chromium dev dependency ships (a machine with Node alone, Linux x64).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { findChromium } from '../support/chromium-setup.ts';
import { type ChromiumFound, chromiumFound, missingFor } from '../support/requirements.ts';

/**
 * True when a chromium runs here. Where none does, the browser test groups (`describeNeeding('chromium')`) are
 * skipped and the run's last lines say why and how to enable them.
 */
export const HAS_CHROMIUM = missingFor('chromium') === null;
/** Where the browser tests leave their screenshots. */
export const SCREENSHOTS = join(import.meta.dirname, 'screenshots');
/** Flags for a quiet headless chromium in a container. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts chromium with a fresh profile (a persistent context is how playwright takes a user-data-dir), Chinese
 * locale and Beijing time; `close` ends it and removes the profile. Outside a vitest run (a script taking
 * screenshots) it looks for chromium itself.
 */
export async function launchBrowser(): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  let found: ChromiumFound = chromiumFound();
  if ('missing' in found) found = await findChromium();
  if ('missing' in found) throw new Error(`no chromium: ${found.missing}`);
  const profile = await mkdtemp(join(tmpdir(), 'intake-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: found.executablePath,
    env: { ...process.env, ...found.env },
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return {
    browser,
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The HTTP app on a loopback port and chromium with a page open on nothing yet; `close` ends both. */
export interface OpenedApp {
  origin: string;
  browser: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Serves `app` on 127.0.0.1 (a free port), starts chromium and opens a page; screenshots go to SCREENSHOTS. */
export async function openInBrowser(app: {
  fetch: (request: Request) => Response | Promise<Response>;
}): Promise<OpenedApp> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const stopServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await mkdir(SCREENSHOTS, { recursive: true });
  const launched = await launchBrowser().catch(async (error: unknown) => {
    await stopServer();
    throw error;
  });
  const page = launched.browser.pages()[0] ?? (await launched.browser.newPage());
  return {
    origin,
    browser: launched.browser,
    page,
    async close() {
      await launched.close();
      await stopServer();
    },
  };
}

/** Fills the sign-in form the page shows and submits it; resolves once the browser has left /login. */
export async function submitLogin(page: Page, name: string, password: string): Promise<void> {
  await page.fill('#name', name);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.click('button[type=submit]')]);
}
