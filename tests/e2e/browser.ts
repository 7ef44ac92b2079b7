/** How the browser tests run Debian's chromium: headless, sandbox off (containers), nothing phoning home. */
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium (installed by .ci/run), driven by playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
/**
 * True when chromium can run here. A machine without it (a laptop with Node alone) skips the browser tests and says
 * so; CI installs it, so there they always run.
 */
export const HAS_CHROMIUM = (() => {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return true;
  } catch {
    console.warn(`SKIPPED: browser tests need chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);
    return false;
  }
})();
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
 * locale and Beijing time; `close` ends it and removes the profile.
 */
export async function launchBrowser(): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'intake-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
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
