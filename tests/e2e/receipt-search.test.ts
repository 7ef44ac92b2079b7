/**
 * Finding a base by the receipt number of its upload, in chromium (issue 16): a clerk types 2023-0001 into the
 * overview's search box and the table narrows to that base; the search page opens the base page at that
 * submission, whose 提交记录 names the number; the log's 回执编号 filter shows the actions on it. Screenshots at 1366
 * and 390 px go to tests/e2e/screenshots/ (receipt-search*.png, receipt-base-page*.png, receipt-log.png).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { reprocessSubmission } from '../../shared/use-cases/staff-actions.ts';
import { composeUploadMessage } from '../../shared/use-cases/upload.ts';
import { drawReceiptNumber, UPLOAD_RECEIPT_HEADER } from '../../shared/use-cases/upload-receipt-number.ts';
import { startTestStack } from '../integration/helpers.ts';
import { PASSWORDS, seedIntake, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET } from '../integration/http-seed.ts';
import { describeNeeding } from '../support/requirements.ts';
import { type OpenedApp, openInBrowser, SCREENSHOTS, submitLogin } from './browser.ts';

const WIDE = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

describeNeeding('chromium')('finding a base by its receipt number in chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let opened: OpenedApp | undefined;
  let page: Page;
  let number: string;
  let submissionId: string;

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedIntake(stack.ctx);
    // 平顺网红直播基地 (长治) uploads through the portal: the message the portal composes, with its receipt number.
    number = await drawReceiptNumber(stack.ctx);
    const raw = await composeUploadMessage(stack.ctx, {
      baseName: '平顺网红直播基地',
      uploader: 'pingshun@163.com',
      files: [{ fileName: '主播培训情况补充说明.txt', content: Buffer.from('主播培训情况说明'.repeat(40)) }],
      date: new Date('2023-11-08T02:10:00Z'),
      headers: { [UPLOAD_RECEIPT_HEADER]: number },
    })
      .compile()
      .build();
    const received = new Date('2023-11-08T02:10:00Z');
    ({ submissionId } = await ingestMessage(stack.ctx, { raw, channel: 'upload', receivedAt: received }));
    await reprocessSubmission(stack.ctx, { submissionId, actor: '王芳', reason: '基地来电，按回执编号核对' });
    const app = createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS });
    opened = await openInBrowser(app);
    page = opened.page;
    await page.setViewportSize(WIDE);
    await page.goto(`${opened.origin}/login`);
    await submitLogin(page, 'admin', PASSWORDS.admin);
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
    await stack?.dispose();
  });

  const visibleBases = () =>
    page.$$eval('table.bases tbody tr', (rows) =>
      rows.filter((r) => !r.hasAttribute('hidden')).map((r) => r.querySelector('td[data-label="基地"]')!.textContent!),
    );

  it('narrows the overview to the base when its receipt number is typed into the search box', async () => {
    // Act
    await page.goto(`${opened!.origin}/`);
    const all = (await visibleBases()).length;
    await page.fill('#table-q', number);
    const shown = await visibleBases();
    const placeholder = await page.getAttribute('#table-q', 'placeholder');
    const address = new URL(page.url());
    await page.evaluate("document.getElementById('bases-title').scrollIntoView()");
    await page.screenshot({ path: join(SCREENSHOTS, 'receipt-search.png') });
    await page.setViewportSize(PHONE);
    await page.evaluate("document.getElementById('bases-title').scrollIntoView()");
    await page.screenshot({ path: join(SCREENSHOTS, 'receipt-search-phone.png') });
    await page.setViewportSize(WIDE);

    // Assess
    expect(all).toBeGreaterThan(20);
    expect(shown).toEqual(['平顺网红直播基地']);
    expect(placeholder).toBe('按基地名称、发件人、文件名或回执编号查找');
    expect(address.searchParams.get('q')).toBe(number);
  });

  it('opens the base page at the submission from the search page, the number in its 提交记录 and 操作记录', async () => {
    // Act
    await page.goto(`${opened!.origin}/search`);
    await page.fill('form.inline[action="/search"] input[name=q]', number);
    await Promise.all([
      page.waitForURL(/\/bases\/p11/),
      page.click('form.inline[action="/search"] button[type=submit]'),
    ]);
    const url = new URL(page.url());
    const entry = (await page.locator(`#receipt-${number}`).textContent()) ?? '';
    const history = (await page.locator('table.audit').first().textContent()) ?? '';
    await page.screenshot({ path: join(SCREENSHOTS, 'receipt-base-page.png') });
    await page.setViewportSize(PHONE);
    await page.locator(`#receipt-${number}`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'receipt-base-page-phone.png') });
    await page.setViewportSize(WIDE);

    // Assess
    expect(url.pathname).toBe('/bases/p11');
    expect(url.hash).toBe(`#receipt-${number}`);
    expect(entry).toContain(`回执编号 ${number}`);
    expect(entry).toContain('网上');
    expect(history).toContain(`（回执编号${number}）`);
  });

  it('filters the log by the receipt number', async () => {
    // Act
    await page.goto(`${opened!.origin}/log`);
    await page.fill('input[name=receipt]', number);
    await Promise.all([page.waitForURL(/receipt=/), page.click('#log-filters button[type=submit]')]);
    const line = (await page.locator('#log-receipt').textContent()) ?? '';
    const actions = await page.$$eval('table#log tbody tr', (rows) => rows.map((r) => r.getAttribute('data-action')));
    await page.screenshot({ path: join(SCREENSHOTS, 'receipt-log.png'), fullPage: true });

    // Assess
    expect(line).toContain(`回执编号 ${number}`);
    expect(line).toContain('平顺网红直播基地');
    expect(actions).toContain('reprocess-submission');
    expect(actions.length).toBeGreaterThan(0);
  });
});
