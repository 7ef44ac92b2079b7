/**
 * The dashboard in a real browser: playwright-core driving Debian's chromium (`apt-get install chromium`) against
 * the HTTP app served on a loopback port over the embedded stack. Screenshots of the overview and a base page are
 * written to tests/e2e/screenshots/ for people to look at.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { startTestStack } from '../integration/helpers.ts';
import { PASSWORDS, seedIntake, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET } from '../integration/http-seed.ts';
import { describeNeeding } from '../support/requirements.ts';
import { type OpenedApp, openInBrowser, SCREENSHOTS, submitLogin } from './browser.ts';

describeNeeding('chromium')('dashboard in chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let opened: OpenedApp | undefined;
  let origin: string;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedIntake(stack.ctx);
    const app = createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS });
    opened = await openInBrowser(app);
    ({ origin, page } = opened);
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
    await stack?.dispose();
  });

  async function signIn(name: string, password: string): Promise<void> {
    await page.goto(`${origin}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await submitLogin(page, name, password);
  }

  it('signs staff in and shows the overview by city with the countdown', async () => {
    // Act
    await signIn('admin', PASSWORDS.admin);

    // Assess
    await expect(page.locator('h1').textContent()).resolves.toContain('全省参评基地电子材料报送（接收）情况');
    expect(await page.locator('#cities tbody tr').count()).toBe(12);
    await expect(page.locator('#countdown').textContent()).resolves.toMatch(/还有\s*\d+ 天/);
    await expect(page.locator('table.bases').textContent()).resolves.toContain('平顺网红直播基地');
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOTS, 'overview-phone.png'), fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('opens a base page with documents, findings and form values beside the report', async () => {
    // Act
    await page.click('text=平顺网红直播基地');
    await page.waitForURL(/\/bases\/p11$/);

    // Assess
    await expect(page.locator('h1').textContent()).resolves.toContain('平顺网红直播基地');
    await expect(page.locator('#documents').textContent()).resolves.toContain('经营服务情况报告表');
    await expect(page.locator('#form-values').textContent()).resolves.toContain('不一致');
    await expect(page.locator('#findings').textContent()).resolves.toContain('处理建议');
    expect(await page.locator('#evidence tbody tr').count()).toBeGreaterThan(30);
    await page.screenshot({ path: join(SCREENSHOTS, 'base.png'), fullPage: true });
  });

  it('assigns an unmatched submission and shows the base it went to as received', async () => {
    // Prepare
    await page.goto(`${origin}/bases/p03`);
    await expect(page.locator('h1 .chip').first().textContent()).resolves.toBe('未收到材料');
    await page.click('header nav >> text=待分配');
    await expect(page.locator('section.item').count()).resolves.toBe(1);

    // Act
    await page.selectOption('select[name=baseId]', 'p03');
    await page.fill('form[action="/ui/assign"] input[name=reason]', '电话核实：龙巅基地的材料');
    await Promise.all([page.waitForURL(/\/bases\/p03$/), page.click('form[action="/ui/assign"] button')]);

    // Assess
    await expect(page.locator('.flash.ok').textContent()).resolves.toContain('已将邮件分配给龙巅兴趣直播基地');
    await expect(page.locator('h1 .chip').first().textContent()).resolves.toBe('材料不完整');
    await expect(page.locator('#timeline').textContent()).resolves.toContain('人工指定');
    await page.goto(`${origin}/unmatched`);
    await expect(page.locator('main').textContent()).resolves.toContain('没有待分配的邮件');
  });

  it('keeps a city bureau to its own city: another city base answers 403', async () => {
    // Prepare
    await page.click('header button:has-text("退出")');
    await page.waitForURL(/\/login$/);

    // Act
    await signIn('cz', PASSWORDS.cz);
    const own = await page.goto(`${origin}/bases/p11`);
    const other = await page.goto(`${origin}/bases/p02`);

    // Assess
    expect(own?.status()).toBe(200);
    expect(other?.status()).toBe(403);
    await expect(page.locator('h1').textContent()).resolves.toBe('无权访问');
    await page.goto(`${origin}/`);
    expect(await page.locator('#cities tbody tr').count()).toBe(1);
  });
});
