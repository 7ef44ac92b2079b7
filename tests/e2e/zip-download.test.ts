/**
 * The zip download as a user gets it (issue 16, item 1): in chromium, a bureau clicks 下载全部文件 on a base page of
 * its city and saves what the browser downloads; the file is named after the base, and its entries come in the
 * package's order with Chinese names (report form and self-assessment first, then the index), the stored bytes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { startTestStack } from '../integration/helpers.ts';
import { PASSWORDS, seedIntake, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET } from '../integration/http-seed.ts';
import { describeNeeding } from '../support/requirements.ts';
import { type OpenedApp, openInBrowser, SCREENSHOTS, submitLogin } from './browser.ts';

/** The names of a zip's entries in order, as yauzl decodes them (UTF-8 where the entry says so). */
function entryNames(zip: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error || !archive) return reject(error);
      const names: string[] = [];
      archive.on('error', reject);
      archive.on('end', () => resolve(names));
      archive.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        archive.readEntry();
      });
      archive.readEntry();
    });
  });
}

describeNeeding('chromium')('zip download of a base in chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let opened: OpenedApp | undefined;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedIntake(stack.ctx);
    opened = await openInBrowser(createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS }));
    page = opened.page;
    await page.setViewportSize({ width: 1366, height: 900 });
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
    await stack?.dispose();
  });

  it('saves the base’s package from the button on its page, named and ordered for the experts', async () => {
    // Prepare: the bureau of 长治 signs in and opens 平顺网红直播基地 (p11).
    const { origin } = opened as OpenedApp;
    await page.goto(`${origin}/login`);
    await submitLogin(page, 'cz', PASSWORDS.cz);
    await page.goto(`${origin}/bases/p11`);
    await page.locator('#files-zip').screenshot({ path: join(SCREENSHOTS, 'base-zip-button.png') });

    // Act
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#files-zip')]);
    const saved = join(SCREENSHOTS, 'downloaded-package.zip');
    await download.saveAs(saved);
    const zip = await readFile(saved);

    // Assess
    expect(download.suggestedFilename()).toBe('平顺网红直播基地 材料.zip');
    expect(await entryNames(zip)).toEqual([
      '平顺网红直播基地/00 经营服务情况报告表.xlsx',
      '平顺网红直播基地/00 自评报告.pdf',
      '目录.xlsx',
    ]);
  });
});
