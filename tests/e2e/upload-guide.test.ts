/**
 * The upload page guides a base (issue 16, item 5), in a real chromium against the real app on a loopback port with
 * the seeded records (../integration/http-seed.ts): the checklist and its template download, the base list grouped
 * by city that typing filters, the confirmation for a name on no list, the receipt with its short number and what the
 * base still lacks (only for a sender known for the base), a base's own page behind its link, and the hint for
 * WeChat's in-app browser. Screenshots at 1366 and 390 px go to tests/e2e/screenshots/.
 */
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { logger } from '../../functions/shared/logger.ts';
import { secretBytes, TokenSigner } from '../../shared/access/signing.ts';
import { signUploadLink } from '../../shared/access/upload-links.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { startTestStack } from '../integration/helpers.ts';
import { seedIntake, TEST_NOW, TEST_SECRET } from '../integration/http-seed.ts';
import { describeNeeding } from '../support/requirements.ts';
import { type OpenedApp, openInBrowser, SCREENSHOTS } from './browser.ts';

const PDF = 'application/pdf';
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

/** What the page's own scripts see (the project has no DOM types). */
interface PageGlobals {
  document: { documentElement: { scrollWidth: number } };
}

function pdf(text: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${text}\n`.repeat(40));
}

describeNeeding('chromium')('the upload page guides a base, in chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let opened: OpenedApp;
  let page: Page;

  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => {});
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedIntake(stack.ctx);
    opened = await openInBrowser(
      createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: [], uploadIngest: 'inline' }),
    );
  }, 120_000);

  afterEach(async () => {
    await page?.close();
  });

  afterAll(async () => {
    await opened?.close();
    await stack?.dispose();
    vi.restoreAllMocks();
  });

  async function newPage(size = DESKTOP): Promise<Page> {
    page = await opened.browser.newPage();
    await page.setViewportSize(size);
    return page;
  }

  async function shoot(name: string): Promise<void> {
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
    await page.setViewportSize(DESKTOP);
  }

  /** The options the base list shows now, by city group. */
  async function shownGroups(p: Page): Promise<Record<string, string[]>> {
    return p
      .locator('#base-list optgroup')
      .evaluateAll((groups) =>
        Object.fromEntries(
          groups.map((g) => [
            g.getAttribute('label') ?? '',
            Array.from(g.querySelectorAll('option'), (o) => (o as { textContent: string | null }).textContent ?? ''),
          ]),
        ),
      );
  }

  it('lists what to send with the template, and picks the base from a list grouped by city that typing filters', async () => {
    // Prepare
    const p = await newPage();

    // Act
    await p.goto(`${opened.origin}/upload`);
    const checklist = (await p.locator('#checklist').textContent()) ?? '';
    const allGroups = await shownGroups(p);
    const template = await p.request.get(
      new URL((await p.locator('#template-link').getAttribute('href')) ?? '', opened.origin).toString(),
    );
    await p.fill('#base', '平顺');
    const filtered = await shownGroups(p);
    const matchLine = await p.locator('#base-match').textContent();
    await p.selectOption('#base-list', '平顺网红直播基地');
    const chosen = await p.inputValue('#base');
    await p.fill('#base', '');
    await p.locator('#base-match').filter({ hasText: '名单共' }).waitFor();
    await shoot('upload-guide');

    // Assess
    expect(checklist).toContain('附件2 经营服务情况报告表');
    expect(checklist).toContain('.xlsx');
    expect(checklist).toContain('附件3 自评报告');
    expect(checklist).toContain('PDF 或 Word 文件');
    expect(checklist).toContain('zip 压缩包');
    expect(checklist).toContain('纸质材料一式2份');
    expect(template.status()).toBe(200);
    expect(template.headers()['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(await template.body()).buffer);
    const cells: string[] = [];
    workbook.worksheets[0]?.eachRow((row) => {
      row.eachCell((cell) => {
        cells.push(String(cell.value ?? ''));
      });
    });
    expect(cells.join('\n')).toContain('经营服务情况报告表');
    expect(Object.keys(allGroups)).toEqual(expect.arrayContaining(['太原市', '长治市', '晋城市']));
    expect(allGroups.长治市).toContain('平顺网红直播基地');
    expect(allGroups.太原市).toContain('邮拓直播电商基地');
    // The cancelled base (239新媒体产业园, Annex 4's third table) is on no list.
    expect(Object.values(allGroups).flat()).not.toContain('239新媒体产业园');
    expect(filtered).toEqual({ 长治市: ['平顺网红直播基地'] });
    expect(matchLine).toContain('名单中有 1 个基地');
    expect(chosen).toBe('平顺网红直播基地');
  });

  it('asks before sending a name that is on no list, then gives a short receipt number', async () => {
    // Prepare
    const p = await newPage();
    const posts: string[] = [];
    p.on('request', (request) => {
      if (request.method() === 'POST') posts.push(new URL(request.url()).pathname);
    });
    await p.goto(`${opened.origin}/upload`);
    await p.fill('#base', '晋阳湖直播产业园（筹）');
    await p.setInputFiles('#files', [{ name: '园区简介.pdf', mimeType: PDF, buffer: pdf('园区简介') }]);

    // Act
    await p.click('#upload-submit');
    await p.locator('#base-confirm').waitFor({ state: 'visible' });
    const question = (await p.locator('#base-confirm-text').textContent()) ?? '';
    const postsWhileAsking = [...posts];
    await p.click('#base-confirm-no');
    const hiddenAfterNo = await p.locator('#base-confirm').isHidden();
    await p.click('#upload-submit');
    await p.click('#base-confirm-yes');
    await p.locator('#receipt-number').waitFor({ timeout: 20_000 });

    // Assess
    expect(question).toContain('“晋阳湖直播产业园（筹）”不在本次参评基地名单中');
    expect(postsWhileAsking).toEqual([]);
    expect(hiddenAfterNo).toBe(true);
    expect(await p.locator('#receipt-number').textContent()).toMatch(/^2023-\d{4}$/);
    const status = (await p.locator('#receipt-status').textContent()) ?? '';
    expect(status).toContain('与参评基地名单不一致');
    const submissionId = (await p.locator('#submission-id').textContent()) ?? '';
    expect(await stack.ctx.records.submissions.get(submissionId)).toMatchObject({ channel: 'upload', baseId: null });
  });

  it('tells what the base still lacks on the receipt to a sender known for it, not to a stranger or no address', async () => {
    // Prepare: pingshun@example.cn sent 平顺网红直播基地's report form by mail (the seed).
    const p = await newPage();
    const upload = async (email: string, file: string) => {
      await p.goto(`${opened.origin}/upload`);
      await p.fill('#base', '平顺网红');
      await p.selectOption('#base-list', '平顺网红直播基地');
      await p.fill('#email', email);
      await p.setInputFiles('#files', [{ name: file, mimeType: PDF, buffer: pdf(file) }]);
      await p.click('#upload-submit');
      await p.locator('#receipt-number').waitFor({ timeout: 20_000 });
      return {
        number: (await p.locator('#receipt-number').textContent()) ?? '',
        status: (await p.locator('#receipt-status').textContent()) ?? '',
        link: await p
          .locator('#receipt-status a')
          .getAttribute('href', { timeout: 1000 })
          .catch(() => null),
      };
    };

    // Act
    const known = await upload('PingShun@example.cn', '直播间照片.pdf');
    await shoot('upload-receipt');
    const stranger = await upload('someone@example.org', '直播间照片2.pdf');
    const noAddress = await upload('', '直播间照片3.pdf');

    // Assess
    expect(known.number).toMatch(/^2023-\d{4}$/);
    expect(stranger.number).toMatch(/^2023-\d{4}$/);
    expect(stranger.number).not.toBe(known.number);
    expect(known.status).toContain('截至目前，本基地电子材料仍缺少');
    expect(known.status).toMatch(/证明材料（\d+项）：/);
    expect(known.link).toMatch(/^\/upload\/b\//);
    expect(stranger.status).toContain('只告知已登记的基地联系邮箱');
    expect(stranger.status).not.toContain('证明材料（');
    expect(stranger.link).toBeNull();
    // Without an address only the base's own link vouches (the open form has none).
    expect(noAddress.status).toContain('只告知已登记的基地联系邮箱');
    expect(noAddress.link).toBeNull();
  });

  it('shows a base on its own page what arrived, what is missing and what waits to be placed, and takes more', async () => {
    // Prepare: 商家主播.pdf is a file the classifier asks staff about (待核实), as `intake classify` shows.
    const link = signUploadLink(new TokenSigner(secretBytes(TEST_SECRET)), stack.ctx.round, 'p11', TEST_NOW);
    const p = await newPage(PHONE);
    const asked = '商家主播.pdf';

    // Act
    await p.goto(`${opened.origin}${link.path}`);
    const before = {
      state: await p.locator('#base-state').textContent(),
      missing: await p.locator('#base-missing li').allTextContents(),
      files: (await p.locator('#base-files').textContent()) ?? '',
      reportForm: (await p.locator('#check-report-form').textContent()) ?? '',
      selfAssessment: (await p.locator('#check-self-assessment').textContent()) ?? '',
      evidence: (await p.locator('#check-evidence').textContent()) ?? '',
      picker: await p.locator('#base-list').count(),
      pending: await p.locator('#base-pending').count(),
    };
    const pageWidth = await p.evaluate(
      () => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth,
    );
    await p.setInputFiles('#files', [{ name: asked, mimeType: PDF, buffer: pdf('商家主播') }]);
    await p.click('#upload-submit');
    await p.locator('#receipt-number').waitFor({ timeout: 20_000 });
    const receipt = (await p.locator('#upload-ok').textContent()) ?? '';
    await p.locator('#upload-ok').screenshot({ path: join(SCREENSHOTS, 'upload-own-receipt-phone.png') });
    await p.reload();
    const after = {
      files: (await p.locator('#base-files').textContent()) ?? '',
      pending: (await p.locator('#base-pending').textContent()) ?? '',
      note: (await p.locator('#base-status').textContent()) ?? '',
    };
    await shoot('upload-own-page');

    // Assess
    expect(before.state).toBe('材料不完整');
    expect(before.missing.some((line) => /^证明材料（\d+项）：/.test(line))).toBe(true);
    expect(before.files).toContain('经营服务情况报告表.xlsx');
    expect(before.files).toContain('自评报告.pdf');
    expect(before.reportForm).toContain('已收到');
    expect(before.selfAssessment).toContain('已收到');
    expect(before.evidence).toMatch(/仍缺\d+项/);
    expect(before.picker).toBe(0);
    expect(before.pending).toBe(0);
    expect(pageWidth).toBeLessThanOrEqual(PHONE.width);
    expect(receipt).toMatch(/回执编号：2023-\d{4}/);
    expect(receipt).toContain('截至目前，本基地电子材料仍缺少');
    expect(receipt).toContain('已收到、待核实');
    expect(after.files).toContain(asked);
    expect(after.pending).toContain(`“${asked}”`);
    expect(after.note).toContain('不计为缺少，无需重复报送');
  });

  it('suggests the system browser inside WeChat only', async () => {
    // Prepare
    const p = await newPage(PHONE);
    const cdp = await opened.browser.newCDPSession(p);
    await p.goto(`${opened.origin}/upload`);
    const elsewhere = await p.locator('#wechat-hint').isVisible();

    // Act
    await cdp.send('Network.setUserAgentOverride', {
      userAgent:
        'Mozilla/5.0 (Linux; Android 13; V2203A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/111.0 Mobile Safari/537.36 XWEB/1160065 MicroMessenger/8.0.42.2460(0x28002A3B) WeChat/arm64 NetType/WIFI Language/zh_CN',
    });
    await p.reload();

    // Assess
    expect(elsewhere).toBe(false);
    await p.locator('#wechat-hint').waitFor({ state: 'visible' });
    expect(await p.locator('#wechat-hint').textContent()).toContain('在浏览器打开');
    await p.screenshot({ path: join(SCREENSHOTS, 'upload-wechat-phone.png') });
  });
});
