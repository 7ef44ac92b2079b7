/**
 * A package built in the background as staff meet it in AWS (issue 16, item 1): in chromium, the page of a package
 * job says 「材料包正在生成…」 and reloads itself (a meta refresh, no script) until the builder is done, then shows
 * 下载, which saves the zip from the store's presigned link under its Chinese name. Screenshots at 1366 and 390 px.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { S3BundleHandOff } from '../../shared/adapters/aws/s3-bundle-hand-off.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { buildBundleJob } from '../../shared/use-cases/bundle-jobs.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { startTestStack } from '../integration/helpers.ts';
import { PASSWORDS, seedIntake, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET } from '../integration/http-seed.ts';
import { describeNeeding } from '../support/requirements.ts';
import { type OpenedApp, openInBrowser, SCREENSHOTS, submitLogin } from './browser.ts';

describeNeeding('chromium')('a package built in the background, in chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let opened: OpenedApp | undefined;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedIntake(stack.ctx);
    // As in AWS: downloads redirected, packages handed to the builder (which the test runs when it chooses).
    const ctx = { ...stack.ctx, bundles: new S3BundleHandOff(stack.ctx.blobs) };
    opened = await openInBrowser(
      createHttpApp(ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS, fileDownloads: 'redirect' }),
    );
    page = opened.page;
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
    await stack?.dispose();
  });

  it('waits on a self-refreshing page, then offers 下载, which saves the zip under its Chinese name', async () => {
    // Prepare: staff ask for 邮拓's package from a page link.
    const { origin } = opened as OpenedApp;
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${origin}/login`);
    await submitLogin(page, 'admin', PASSWORDS.admin);
    await page.goto(`${origin}/bundles/new?base=p02`);
    const jobId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const waiting = (await page.locator('h1').textContent()) ?? '';
    await page.screenshot({ path: join(SCREENSHOTS, 'bundle-job-waiting-1366.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOTS, 'bundle-job-waiting-390.png') });

    // Act: the builder runs; the page reloads by itself and shows the link; the link is followed.
    const built = await buildBundleJob(stack.ctx, jobId);
    await page.waitForSelector('#bundle-download', { timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'bundle-job-ready-390.png') });
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, 'bundle-job-ready-1366.png') });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#bundle-download')]);
    const saved = join(SCREENSHOTS, 'downloaded-background-package.zip');
    await download.saveAs(saved);

    // Assess
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(waiting).toBe('材料包正在生成…');
    expect(built.outcome).toBe('built');
    expect(await page.locator('h1').textContent()).toBe('材料包已生成');
    expect(download.suggestedFilename()).toBe('邮拓直播电商基地 材料.zip');
    expect((await readFile(saved)).subarray(0, 2).toString('latin1')).toBe('PK');
  }, 60_000);
});
