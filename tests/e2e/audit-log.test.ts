/**
 * 操作日志 (/log) in a real browser: staff read every action as a sentence in Beijing time, narrow the log by city,
 * action, actor and date range with the form, page through it and copy it as text; a city bureau is refused.
 * Screenshots at 1366 and 390 px go to tests/e2e/screenshots/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueCityLink } from '../../shared/access/city-links.ts';
import { TokenSigner } from '../../shared/access/signing.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import {
  classifyDocumentByHand,
  markNotApplicable,
  recordCityLetter,
  recordPaperCopies,
} from '../../shared/use-cases/staff-actions.ts';
import { startTestStack } from '../integration/helpers.ts';
import { PASSWORDS, type Seeded, seedIntake, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET } from '../integration/http-seed.ts';
import { describeNeeding } from '../support/requirements.ts';
import { type OpenedApp, openInBrowser, SCREENSHOTS, submitLogin } from './browser.ts';

describeNeeding('chromium')('the log of every staff action in chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let opened: OpenedApp | undefined;
  let origin: string;
  let page: Page;
  let seeded: Seeded;
  let now = TEST_NOW.getTime();

  beforeAll(async () => {
    stack = await startTestStack({ now: () => new Date(now) });
    seeded = await seedIntake(stack.ctx);
    const { ctx } = stack;
    // 6 November: 王芳 registers 平顺's paper copies (长治).
    now = Date.parse('2023-11-06T02:00:00Z');
    await recordPaperCopies(ctx, {
      actor: '王芳',
      reason: '长治市局寄来',
      baseId: 'p11',
      copies: 2,
      receivedOn: '2023-11-05',
    });
    // 7 November: 李强 issues 长治's link and marks an indicator of 邮拓 (太原) not applicable.
    now = Date.parse('2023-11-07T01:30:00Z');
    await issueCityLink(
      { ctx, signer: new TokenSigner(Buffer.from(TEST_SECRET, 'hex')), wallClock: () => new Date(now) },
      { city: 'changzhi', hours: 72, actor: '李强', reason: '长治市局查看', origin: 'http://127.0.0.1' },
    );
    await markNotApplicable(ctx, { actor: '李强', reason: '无此项', baseId: 'p02', indicator: 'bandwidth' });
    // 8 November: 王芳 records 太原's letter and places a file of 邮拓 by hand.
    now = Date.parse('2023-11-08T03:00:00Z');
    await recordCityLetter(ctx, { actor: '王芳', reason: '公函', city: 'taiyuan', pilotUnits: ['p02'] });
    const documentId = seeded.youtuo.documentIds[0] ?? '';
    await classifyDocumentByHand(ctx, {
      actor: '王芳',
      reason: '核对文件',
      documentId,
      kind: 'evidence',
      indicator: 'building-area',
    });
    // 55 more paper-copy entries for 邮拓 on 9 November, so that the log runs to two pages.
    now = Date.parse('2023-11-09T02:00:00Z');
    for (let i = 0; i < 55; i++) {
      now += 60_000;
      await recordPaperCopies(ctx, { actor: '赵敏', reason: `第${i + 1}次核对`, baseId: 'p02', copies: 1 + (i % 2) });
    }
    now = TEST_NOW.getTime() + 3 * 24 * 3_600_000;
    const app = createHttpApp(ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS });
    opened = await openInBrowser(app);
    ({ origin, page } = opened);
  }, 180_000);

  afterAll(async () => {
    await opened?.close();
    await stack?.dispose();
  });

  async function signIn(name: string, password: string): Promise<void> {
    await page.context().clearCookies();
    await page.goto(`${origin}/login`);
    await submitLogin(page, name, password);
  }

  const rows = () => page.locator('#log tbody tr');

  it('shows staff every action as a sentence, Beijing time, newest first, fifty to a page', async () => {
    // Arrange
    await page.setViewportSize({ width: 1366, height: 900 });
    await signIn('admin', PASSWORDS.admin);

    // Act
    await page.click('header nav >> text=操作日志');

    // Assess
    await expect(page.locator('h1').textContent()).resolves.toContain('操作日志');
    await expect(page.locator('#log-count').textContent()).resolves.toBe('共 60 条');
    expect(await rows().count()).toBe(50);
    await expect(rows().first().textContent()).resolves.toContain('11月9日10时55分');
    await expect(page.locator('#log-pager').textContent()).resolves.toContain('第 1 / 2 页');

    // Act: the second page holds the rest, the oldest last
    await page.click('#log-pager >> text=下一页');

    // Assess
    expect(await rows().count()).toBe(10);
    const last = rows().last();
    await expect(last.textContent()).resolves.toContain('11月6日10时');
    await expect(last.textContent()).resolves.toContain('登记纸质材料2份（2023年11月5日收到）');
    await expect(last.locator('td[data-label="基地"]').textContent()).resolves.toBe('平顺网红直播基地 长治市');
    const text = (await page.locator('#log').textContent()) ?? '';
    expect(text).toContain('生成长治市商务局专用链接，有效至11月10日9时30分');
    expect(text).toContain('将指标‘网络带宽’标记为不适用');
    expect(text).toContain('登记太原市商务局公函：试点单位邮拓直播电商基地');
    expect(text).toContain('归为‘直播电商基地建筑面积’');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T|changzhi|bandwidth|p02/);
  });

  it('narrows the log by city, action, actor and date range with the form', async () => {
    // Arrange
    await page.goto(`${origin}/log`);

    // Act: 长治 only
    await page.selectOption('#log-filters select[name=city]', 'changzhi');
    await Promise.all([page.waitForURL(/city=changzhi/), page.click('#log-filters button[type=submit]')]);

    // Assess: 平顺's paper copies and 长治's link, nothing of 太原
    await expect(page.locator('#log-count').textContent()).resolves.toBe('符合条件 2 条');
    await expect(rows().nth(0).textContent()).resolves.toContain('生成长治市商务局专用链接');
    await expect(rows().nth(1).textContent()).resolves.toContain('平顺网红直播基地');
    await expect(page.locator('#log-filters select[name=city]').inputValue()).resolves.toBe('changzhi');
    expect(await page.locator('#log-pager').count()).toBe(0);

    // Act: every city, one action
    await page.selectOption('#log-filters select[name=city]', '');
    await page.selectOption('#log-filters select[name=action]', { label: '标记不适用' });
    await Promise.all([page.waitForURL(/action=mark-not-applicable/), page.click('#log-filters button[type=submit]')]);

    // Assess
    expect(await rows().count()).toBe(1);
    await expect(rows().first().textContent()).resolves.toContain('李强');

    // Act: 王芳 between 7 and 8 November (Beijing days)
    await page.selectOption('#log-filters select[name=action]', '');
    await page.fill('#log-filters input[name=actor]', '王芳');
    await page.fill('#log-filters input[name=from]', '2023-11-07');
    await page.fill('#log-filters input[name=to]', '2023-11-08');
    await Promise.all([page.waitForURL(/actor=/), page.click('#log-filters button[type=submit]')]);

    // Assess: the letter and the classification; the paper copies of 6 November fall outside
    await expect(page.locator('#log-count').textContent()).resolves.toBe('符合条件 2 条');
    const text = (await page.locator('#log').textContent()) ?? '';
    expect(text).toContain('登记太原市商务局公函');
    expect(text).toContain('归为‘直播电商基地建筑面积’');
    expect(text).not.toContain('纸质材料');
    await page.screenshot({ path: join(SCREENSHOTS, 'log-filtered.png'), fullPage: true });

    // Act: one base, from the grouped list
    await page.goto(`${origin}/log`);
    await page.selectOption('#log-filters select[name=base]', { label: '平顺网红直播基地' });
    await Promise.all([page.waitForURL(/base=p11/), page.click('#log-filters button[type=submit]')]);

    // Assess
    expect(await rows().count()).toBe(1);
  });

  it('copies the shown lines as plain text, and answers the same query in JSON', async () => {
    // Arrange
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await page.goto(`${origin}/log?city=changzhi`);

    // Act
    await page.click('button[data-copy="log-text"]');
    // The status line is written when the clipboard has taken the text (a promise): wait for it
    await page.locator('[data-copy-state="log-text"]', { hasText: '已复制' }).waitFor();
    await expect(page.locator('[data-copy-state="log-text"]').textContent()).resolves.toBe('已复制2条');
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');

    // Assess
    expect(copied.split('\n')).toEqual([
      '11月7日9时30分 李强：生成长治市商务局专用链接，有效至11月10日9时30分（原因：长治市局查看）',
      '11月6日10时 王芳：【平顺网红直播基地】登记纸质材料2份（2023年11月5日收到）（原因：长治市局寄来）',
    ]);
    const json = await (await page.request.get(`${origin}/api/audit/log?city=changzhi`)).json();
    expect(json.total).toBe(2);
    expect(json.entries[1].sentence).toBe('登记纸质材料2份（2023年11月5日收到）');
  });

  it('shows the log on a phone, each entry as a stacked card', async () => {
    // Arrange
    await page.setViewportSize({ width: 390, height: 844 });

    // Act
    await page.goto(`${origin}/log`);

    // Assess: no sideways scrolling of the page
    const wide = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(wide).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SCREENSHOTS, 'log-phone.png'), fullPage: false });
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${origin}/log`);
    await page.screenshot({ path: join(SCREENSHOTS, 'log.png'), fullPage: false });
  });

  it('prints the log without navigation, filters or buttons, the table whole', async () => {
    // Arrange
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${origin}/log?city=changzhi`);

    // Act
    await page.emulateMedia({ media: 'print' });

    // Assess
    await expect(page.locator('header nav').isVisible()).resolves.toBe(false);
    await expect(page.locator('#log-filters').isVisible()).resolves.toBe(false);
    await expect(page.locator('button[data-copy]').isVisible()).resolves.toBe(false);
    await expect(page.locator('#log').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'log-print.png'), fullPage: false });

    // Act: a city page and a base page on paper
    await page.goto(`${origin}/cities/changzhi`);
    await page.screenshot({ path: join(SCREENSHOTS, 'city-print.png'), fullPage: true });
    // The column headings stay (they are sort buttons on screen)
    await expect(page.locator('table thead').first().textContent()).resolves.toContain('基地');
    await page.goto(`${origin}/bases/p11`);
    await page.screenshot({ path: join(SCREENSHOTS, 'base-print.png'), fullPage: true });

    // Assess: no forms or buttons, the tables whole
    expect(await page.locator('form.inline:visible, button:not(.sort):visible, header nav:visible').count()).toBe(0);
    const clipped = await page.evaluate<number>(
      "[...document.querySelectorAll('.table-wrap')].filter((w) => w.scrollWidth > w.clientWidth + 1).length",
    );
    expect(clipped).toBe(0);
    await page.emulateMedia({ media: 'screen' });
  });

  it('refuses a city bureau and shows it no link to the log', async () => {
    // Arrange
    await signIn('cz', PASSWORDS.cz);

    // Act
    const response = await page.goto(`${origin}/log`);

    // Assess
    expect(response?.status()).toBe(403);
    await page.goto(`${origin}/`);
    expect(await page.locator('header nav >> text=操作日志').count()).toBe(0);
    expect((await page.request.get(`${origin}/api/audit/log`)).status()).toBe(403);
  });
});
