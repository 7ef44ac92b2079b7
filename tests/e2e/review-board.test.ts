/**
 * The review board in a real browser (playwright-core driving Debian's chromium, skipped where it cannot run):
 * three experts' workbooks imported, the board shows their totals side by side with the spread, the experts who
 * still owe points, the flags; a base page shows every indicator by expert; the proposal lists removals and
 * candidates; a bureau is refused the board and sees its own city's results once the feedback went out.
 * Screenshots at 1366 px go to tests/e2e/screenshots/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { sendReviewFeedback } from '../../shared/use-cases/review-feedback.ts';
import { importScoreSheets } from '../../shared/use-cases/review-import.ts';
import { issueScoreSheets } from '../../shared/use-cases/review-sheets.ts';
import { RecordingMailer } from '../fixtures/notices.ts';
import { fillScoreWorkbook, marks, type SheetEntry } from '../fixtures/review-sheets.ts';
import { startTestStack } from '../integration/helpers.ts';
import { PASSWORDS, seedIntake, TEST_ACCOUNTS, TEST_SECRET } from '../integration/http-seed.ts';
import { describeNeeding } from '../support/requirements.ts';
import { type OpenedApp, openInBrowser, SCREENSHOTS, submitLogin } from './browser.ts';

const REVIEW_NOW = new Date('2023-11-20T02:00:00Z');
const MET = { 'building-area': '是', 'live-rooms': '是', anchors: '是', gmv: '是' };

describeNeeding('chromium')('review board in chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let opened: OpenedApp | undefined;
  let origin: string;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(REVIEW_NOW));
    await seedIntake(stack.ctx);
    const indicators = stack.ctx.round.indicators;
    const scored = (less: number, bonus = 0, extra: Partial<SheetEntry> = {}): SheetEntry => ({
      points: marks(indicators, { scoredLess: less, bonus }),
      controls: MET,
      ...extra,
    });
    // Per expert: what each scores; 专家C has not returned p02 yet, and disagrees widely on p05.
    const plan: Record<string, Record<string, SheetEntry>> = {
      专家A: {
        p11: scored(12, 4, { comment: '直播间配套较好，建议加强主播孵化。' }),
        p02: scored(20, 2),
        p05: scored(10, 6),
        p20: scored(50),
        r05: scored(14, 2),
      },
      专家B: { p11: scored(10, 4), p02: scored(22, 2), p05: scored(12, 6), p20: scored(48), r05: scored(16, 2) },
      专家C: {
        p11: scored(14, 4, { controls: { ...MET, anchors: '否' } }),
        p05: scored(30, 6),
        p20: scored(47),
        r05: scored(12, 2),
      },
    };
    const files = [];
    for (const [expert, entries] of Object.entries(plan)) {
      const issued = await issueScoreSheets(stack.ctx, { expert, actor: 'staff' });
      files.push({
        fileName: `${expert}.xlsx`,
        content: await fillScoreWorkbook(issued.workbook, (id) => entries[id] ?? null),
      });
    }
    const imported = await importScoreSheets(stack.ctx, { files, actor: 'staff' });
    if (!imported.applied) throw new Error(JSON.stringify(imported.findings.filter((f) => f.severity === 'error')));

    const app = createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS });
    opened = await openInBrowser(app);
    ({ origin, page } = opened);
    await page.setViewportSize({ width: 1366, height: 900 });
  }, 180_000);

  afterAll(async () => {
    await opened?.close();
    await stack?.dispose();
  });

  async function signIn(name: string, password: string, next = '/review'): Promise<void> {
    await page.goto(`${origin}${next}`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await submitLogin(page, name, password);
  }

  it('shows the experts’ totals side by side, the spread, who still owes points and the flags', async () => {
    // Act
    await signIn('admin', PASSWORDS.admin);

    // Assess
    await expect(page.locator('h1').textContent()).resolves.toBe('专家评审');
    expect(await page.locator('#board thead th').allTextContents()).toEqual([
      '全省',
      '本市',
      '地市',
      '基地',
      '等级',
      '总分',
      '专家A',
      '专家B',
      '专家C',
      '分差',
      '提示',
    ]);
    expect(await page.locator('#board tbody tr').count()).toBe(30);
    const cells = async (id: string) => page.locator(`#board tr[data-base="${id}"] td`).allTextContents();
    // p11: 88+4, 90+4, 86+4 -> 92, 94, 90; mean 92, first (p05 is 88.67): an A, held back by the anchors control item
    expect((await cells('p11')).slice(0, 10).map((t) => t.trim())).toEqual([
      '1',
      '1',
      '长治市',
      '平顺网红直播基地 省级基地',
      'A',
      '92',
      '92',
      '94',
      '90',
      '4',
    ]);
    await expect(page.locator('#board tr[data-base="p11"] td').last().textContent()).resolves.toContain(
      '控制项未确认：基地主播数量',
    );
    // p02: 专家C has not returned it
    expect((await cells('p02'))[8]?.trim()).toBe('未交');
    // p05: 90+6, 88+6, 70+6 -> a spread of 20 marked
    await expect(page.locator('#board tr[data-base="p05"] td.spread').getAttribute('class')).resolves.toContain('wide');
    // p20: a D
    await expect(page.locator('#board tr[data-base="p20"] .grade').textContent()).resolves.toBe('D');
    await expect(page.locator('#review-cards').textContent()).resolves.toMatch(
      /5\s*已有总分\s*26\s*有专家未交评分\s*1\s*分差≥10分/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'review-board.png'), fullPage: true });
  });

  it('opens a base with every indicator by expert, the control items and the comments', async () => {
    // Act
    await Promise.all([page.waitForURL(/\/review\/bases\/p11$/), page.click('#board a:has-text("平顺网红直播基地")')]);

    // Assess
    await expect(page.locator('h1').textContent()).resolves.toBe('平顺网红直播基地');
    const liveRooms = await page.locator('#indicators tr[data-indicator="live-rooms"] td').allTextContents();
    expect(liveRooms.map((t) => t.trim())).toEqual(['基地配套专业直播间数量', '8', '4', '6', '2', '4', '4']);
    await expect(page.locator('#controls').textContent()).resolves.toContain('不满足');
    await expect(page.locator('#comments').textContent()).resolves.toContain('建议加强主播孵化');
    await page.screenshot({ path: join(SCREENSHOTS, 'review-base.png'), fullPage: true });
  });

  it('shows the proposal: D twice removed, B twice a candidate', async () => {
    // Act
    await page.goto(`${origin}/review/proposal`);

    // Assess
    await expect(page.locator('#removals').textContent()).resolves.toContain('晋享生活直播基地');
    await expect(page.locator('#additions').textContent()).resolves.toContain('极致星空电商直播基地');
    const publicity = await page.request.get(`${origin}/review/publicity.html?from=2023-11-27`);
    expect(await publicity.text()).toContain('公示时间：11月27日至12月1日。');
    const workbook = await page.request.get(`${origin}/review/proposal.xlsx`);
    expect(workbook.headers()['content-type']).toContain('spreadsheetml');
    await page.screenshot({ path: join(SCREENSHOTS, 'review-proposal.png'), fullPage: true });
  });

  it('refuses the board and its API to a city bureau', async () => {
    // Prepare
    await page.click('header button:has-text("退出")');
    await page.waitForURL(/\/login$/);

    // Act
    await signIn('cz', PASSWORDS.cz, '/');
    const board = await page.goto(`${origin}/review`);
    const api = await page.request.get(`${origin}/api/review`);

    // Assess
    expect(board?.status()).toBe(403);
    expect(api.status()).toBe(403);
  });

  it('shows a bureau its own bases’ results once the feedback went out, and no other city’s', async () => {
    // Prepare: signed in as the Changzhi bureau (previous test)
    const before = await page.goto(`${origin}/review/cities/changzhi`);
    const notYet = await page.locator('#not-released').textContent();

    // Act
    await sendReviewFeedback(
      { ...stack.ctx, mailer: new RecordingMailer() },
      { city: 'changzhi', send: true, actor: 'staff' },
    );
    await page.goto(`${origin}/review/cities/changzhi`);
    const other = await page.goto(`${origin}/review/cities/linfen`);

    // Assess
    expect(before?.status()).toBe(200);
    expect(notYet).toContain('尚未反馈');
    expect(other?.status()).toBe(403);
    await page.goto(`${origin}/review/cities/changzhi`);
    await expect(page.locator('#city-results tr[data-base="p11"]').textContent()).resolves.toContain('92');
    expect(await page.locator('#city-results tbody tr').count()).toBe(3);
    await expect(page.locator('main').textContent()).resolves.toContain('建议加强主播孵化');
    await expect(page.locator('main').textContent()).resolves.not.toContain('专家A');
    await page.screenshot({ path: join(SCREENSHOTS, 'review-city.png'), fullPage: true });
  });
});
