/**
 * The browser tests' chromium (tests/support/chromium-setup.ts). The npm build is tested here whatever the machine
 * has, since CI, with Debian's chromium installed, would otherwise never start it: unpacked, started, and drawing
 * Chinese with Noto Sans SC from the npm font (asked of chromium itself: the platform font that rendered a node).
 */
import { type Browser, chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../e2e/browser.ts';
import { findChromium, fontsEnv, unpackNpmChromium } from '../../support/chromium-setup.ts';

const NPM_BUILD_RUNS_HERE = process.platform === 'linux' && process.arch === 'x64';

let browser: Browser | undefined;

afterEach(async () => {
  await browser?.close();
  browser = undefined;
});

/** Starts a chromium, shows a Chinese heading and returns the platform fonts chromium drew it with. */
async function fontsOfHeading(executablePath: string, env: Record<string, string>): Promise<string[]> {
  browser = await chromium.launch({
    executablePath,
    env: { ...process.env, ...env },
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage();
  await page.setContent('<h1 style="font-family: sans-serif">全省参评基地电子材料报送（接收）情况</h1>');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'h1' });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  return fonts.map((font) => font.familyName);
}

describe('chromium for the browser tests', () => {
  it('unpacks the npm build, which starts and draws Chinese with the npm font alone', async () => {
    if (!NPM_BUILD_RUNS_HERE) {
      // Arrange: nothing to unpack; the reason is what the run's skip line says when Debian's is missing too.
      const found = await findChromium();
      if ('missing' in found) expect(found.missing).toContain('ships a Linux x64 build only');
      return;
    }

    // Arrange
    const unpacked = await unpackNpmChromium();
    const env = { ...unpacked.env, ...(await fontsEnv()) };

    // Act
    const fonts = await fontsOfHeading(unpacked.executablePath, env);

    // Assess
    expect(browser?.version()).toMatch(/^\d+\./);
    expect(fonts).toEqual([expect.stringMatching(/^Noto Sans SC/)]); // its name table says 'Noto Sans SC Thin'
  });

  it('finds a chromium that draws with the npm font, whichever it is', async () => {
    // Act
    const found = await findChromium();

    // Assess
    if ('missing' in found) {
      expect(NPM_BUILD_RUNS_HERE).toBe(false);
      return;
    }
    expect(found.version).toMatch(/^Chromium \d+\./);
    expect(await fontsOfHeading(found.executablePath, found.env)).toEqual([expect.stringMatching(/^Noto Sans SC/)]);
  });
});
