/**
 * The unclassified queue (待核实材料) in a real browser: staff see the files the classifier asked about with its
 * candidates and reasons, settle one in one click (audited, the base evaluated again), and a city bureau sees its own
 * city's files read-only. Screenshots of the queue and of a base page with a file 待核实 go to tests/e2e/screenshots/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRound } from '../../shared/domain/rounds/index.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildMinimalPdf } from '../fixtures/self-assessment-pdf.ts';
import { startTestStack } from '../integration/helpers.ts';
import { PASSWORDS, seedIntake, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET } from '../integration/http-seed.ts';
import { describeNeeding } from '../support/requirements.ts';
import { type OpenedApp, openInBrowser, SCREENSHOTS, submitLogin } from './browser.ts';

const round = loadRound('2023');
const merchants = round.indicators.find((i) => i.slug === 'merchants-products')!;
/** A name the classifier cannot place alone: the merchants' own anchors (店播), or the merchant list; settled files lean neither way. */
const ASKED = '商家主播.pdf';
/** A name nothing hints at: no candidates, staff pick from the list (several for a shared table). */
const ROSTER = '人员名单.xlsx';

describeNeeding('chromium')('unclassified queue in chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let opened: OpenedApp | undefined;
  let origin: string;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedIntake(stack.ctx);
    // 平顺 (Changzhi) and 邮拓 (Taiyuan) each send a file the classifier asks about.
    for (const [subject, at, names] of [
      ['平顺网红直播基地 补充证明材料', '2023-11-07T03:00:00Z', [ASKED, ROSTER]],
      ['邮拓直播电商基地 补充证明材料', '2023-11-07T04:00:00Z', [ASKED]],
    ] as const) {
      await ingestMessage(stack.ctx, {
        channel: 'cli',
        raw: await buildEmail({
          subject,
          receivedAt: new Date(at),
          attachments: await Promise.all(
            names.map(async (filename) => ({ filename, content: await buildMinimalPdf(`${subject} ${filename}`) })),
          ),
        }),
      });
    }
    const app = createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS });
    opened = await openInBrowser(app);
    ({ origin, page } = opened);
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
    await stack?.dispose();
  });

  async function signIn(name: string, password: string): Promise<void> {
    await page.goto(`${origin}/login`);
    await submitLogin(page, name, password);
  }

  it('shows staff each asked file with its candidates as buttons and the reasons', async () => {
    // Prepare
    await signIn('admin', PASSWORDS.admin);

    // Act
    await page.click('header nav >> text=待核实材料');

    // Assess
    await expect(page.locator('h1').textContent()).resolves.toContain('待核实材料');
    const rows = page.locator('#unclassified tbody tr');
    expect(await rows.count()).toBe(3);
    const pingshun = rows.filter({ hasText: '平顺网红直播基地' }).filter({ hasText: ASKED });
    await expect(pingshun.locator('td').nth(1).textContent()).resolves.toContain(ASKED);
    await expect(pingshun.locator('td.reasons').textContent()).resolves.toMatch(/文件名含/);
    await expect(pingshun.locator(`button:has-text("计入：${merchants.name}")`).count()).resolves.toBe(1);
    // Staff keep the JSON address (and the vocabulary's).
    await expect(page.locator('#unclassified-links a[href="/api/unclassified"]').count()).resolves.toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'unclassified.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOTS, 'unclassified-phone.png'), fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows the base page with the file 待核实 beside the indicator, not 缺少', async () => {
    // Act
    await page.goto(`${origin}/bases/p11`);

    // Assess
    const row = page.locator('#evidence tbody tr', { hasText: merchants.name });
    await expect(row.locator('.chip').first().textContent()).resolves.toBe('待核实');
    await expect(row.textContent()).resolves.toContain(ASKED);
    await expect(page.locator('#documents').textContent()).resolves.toContain('待核实');
    await page.screenshot({ path: join(SCREENSHOTS, 'base-pending.png'), fullPage: true });
  });

  it('classifies a file in one click: gone from the queue, counted for the indicator, audited', async () => {
    // Prepare
    await page.goto(`${origin}/ui/unclassified`);
    const pingshun = page.locator('#unclassified tbody tr', { hasText: '平顺网红直播基地' }).filter({ hasText: ASKED });

    // Act
    await Promise.all([
      page.waitForURL(/\/ui\/unclassified$/),
      pingshun.locator(`button:has-text("计入：${merchants.name}")`).click(),
    ]);

    // Assess
    await expect(page.locator('.flash.ok').textContent()).resolves.toContain(`计入${merchants.name}`);
    expect(await page.locator('#unclassified tbody tr').count()).toBe(2);
    await page.goto(`${origin}/bases/p11`);
    const row = page.locator('#evidence tbody tr', { hasText: merchants.name });
    await expect(row.locator('.chip').first().textContent()).resolves.toBe('已提交');
    const audit = await stack.ctx.records.audit.list('p11');
    expect(audit.map((a) => a.action)).toContain('classify-document');
  });

  it('classifies a file nothing hinted at for several indicators at once (a shared table)', async () => {
    // Prepare
    await page.goto(`${origin}/ui/unclassified`);
    const roster = page.locator('#unclassified tbody tr', { hasText: ROSTER });
    await roster.locator('details.other summary').click();

    // Act
    for (const slug of ['employees', 'party-members']) {
      await roster.locator(`input[name=indicators][value="${slug}"]`).check();
    }
    await Promise.all([
      page.waitForURL(/\/ui\/unclassified$/),
      roster.locator('button:has-text("计入所选指标")').click(),
    ]);

    // Assess
    const names = ['employees', 'party-members'].map((slug) => round.indicators.find((i) => i.slug === slug)!.name);
    const flash = (await page.locator('.flash.ok').textContent()) ?? '';
    for (const name of names) expect(flash).toContain(name);
    const doc = (await stack.ctx.records.documents.listByBase('p11')).find((d) => d.fileName === ROSTER)!;
    const [status] = (await stack.ctx.records.statuses.list('changzhi')).filter((b) => b.baseId === 'p11');
    expect(status?.documents.find((d) => d.id === doc.id)?.indicators.sort()).toEqual(['employees', 'party-members']);
  });

  it('lets a city bureau see its own city’s files, without buttons', async () => {
    // Prepare: Taiyuan's file stays in the queue, but it is not Changzhi's to see.
    await page.click('header button:has-text("退出")');
    await page.waitForURL(/\/login$/);
    await signIn('cz', PASSWORDS.cz);

    // Act
    await page.goto(`${origin}/ui/unclassified`);
    const api = await page.request.get(`${origin}/api/unclassified`);

    // Assess
    await expect(page.locator('#unclassified-empty').textContent()).resolves.toContain('没有待核实的材料');
    expect(await page.locator('#unclassified button').count()).toBe(0);
    expect(api.status()).toBe(200);
    expect(await api.json()).toEqual([]);
    expect((await page.request.get(`${origin}/api/unclassified?city=taiyuan`)).status()).toBe(403);
  });

  it('shows a bureau an unsettled file of its city with the candidates as words, not buttons', async () => {
    // Prepare: a new file from 平顺 the classifier asks about.
    await ingestMessage(stack.ctx, {
      channel: 'cli',
      raw: await buildEmail({
        subject: '平顺网红直播基地 再补充',
        receivedAt: new Date('2023-11-08T01:00:00Z'),
        attachments: [{ filename: '商家直播数据（第二批）.pdf', content: await buildMinimalPdf('第二批') }],
      }),
    });

    // Act
    await page.goto(`${origin}/ui/unclassified`);

    // Assess
    const rows = page.locator('#unclassified tbody tr');
    expect(await rows.count()).toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('平顺网红直播基地');
    expect(await page.locator('#unclassified button').count()).toBe(0);
    // A bureau is never shown JSON or API addresses (the same words staff see them by).
    await expect(page.locator('main').textContent()).resolves.not.toContain('JSON');
    expect(await page.locator('main a[href^="/api/"]').count()).toBe(0);
    expect(await page.locator('#unclassified-links').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'unclassified-bureau.png'), fullPage: true });
  });
});
