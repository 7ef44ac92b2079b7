/**
 * The dashboard's working tools in chromium (issue 16, items 3, 4, 6 and 9): filter chips, sortable columns and
 * search on the bases table (in place with the script, and from the server through `?state=`, `?sort=`, `?q=`
 * without it), the contacts at the top of a base page and a city's contact list, the unmatched mail's preview with
 * the base picker, and the bugs seen (bureau pages without the JSON links, notices' short columns on one line, the
 * phone's scroll hint). Screenshots at 1366 and 390 px go to tests/e2e/screenshots/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { buildEmail } from '../fixtures/email.ts';
import { startTestStack } from '../integration/helpers.ts';
import { PASSWORDS, seedIntake, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET } from '../integration/http-seed.ts';
import { describeNeeding } from '../support/requirements.ts';
import { type OpenedApp, openInBrowser, SCREENSHOTS, submitLogin } from './browser.ts';

const WIDE = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
/** A mail body longer than the preview shows, with markup that must be shown as text. */
const LONG_BODY = `您好：<b>附件</b>是我单位材料<script>window.injected=1</script>。\n${'说明文字'.repeat(600)}结尾标记`;

describeNeeding('chromium')('dashboard table tools, contacts and the unmatched preview in chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let opened: OpenedApp | undefined;
  let origin: string;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedIntake(stack.ctx);
    // A second unmatched mail: a long body with markup, and files of three kinds.
    await ingestMessage(stack.ctx, {
      channel: 'cli',
      raw: await buildEmail({
        subject: '补充材料',
        from: '"李会计" <li@unknown.example.cn>',
        receivedAt: new Date('2023-11-07T09:30:00Z'),
        text: LONG_BODY,
        attachments: [
          { filename: '附件清单.txt', content: Buffer.from('清单'.repeat(700)) },
          { filename: '照片.jpg', content: Buffer.alloc(2048, 1), contentType: 'image/jpeg' },
        ],
      }),
    });
    const app = createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS });
    opened = await openInBrowser(app);
    ({ origin, page } = opened);
    await page.setViewportSize(WIDE);
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
    await stack?.dispose();
  });

  async function signIn(name: string, password: string): Promise<void> {
    await page.goto(`${origin}/login`);
    await submitLogin(page, name, password);
  }

  async function signOut(): Promise<void> {
    await page.click('header button:has-text("退出")');
    await page.waitForURL(/\/login$/);
  }

  /** The page as the server renders it for the signed-in user, without the script (what a browser without JS gets). */
  async function serverHtml(path: string): Promise<string> {
    const cookie = (await page.context().cookies(origin)).map((c) => `${c.name}=${c.value}`).join('; ');
    const response = await fetch(`${origin}${path}`, { headers: { cookie } });
    expect(response.status).toBe(200);
    return response.text();
  }

  const visibleBases = () =>
    page.$$eval('table.bases tbody tr', (rows) =>
      rows.filter((r) => !r.hasAttribute('hidden')).map((r) => r.querySelector('td[data-label="基地"]')!.textContent!),
    );

  it('filters the bases by state with chips that count, in place and from the address', async () => {
    // Prepare
    await signIn('admin', PASSWORDS.admin);

    // Act
    await page.click('#filters a[data-state="incomplete"]');

    // Assess
    await expect(page.locator('#filters a[data-state="incomplete"]').textContent()).resolves.toBe('不完整2');
    await expect(page.locator('#filters a[data-state="not-received"]').textContent()).resolves.toBe('未收到28');
    expect((await visibleBases()).sort()).toEqual(['平顺网红直播基地', '邮拓直播电商基地'].sort());
    expect(new URL(page.url()).searchParams.get('state')).toBe('incomplete');
    await expect(page.locator('#shown-count').textContent()).resolves.toBe('2');
    await page.screenshot({ path: join(SCREENSHOTS, 'table-tools-filtered.png'), fullPage: true });
    // The same view from the server alone: a reload (or a browser without the script) shows the two rows only.
    const html = await serverHtml('/?state=incomplete');
    expect(html.match(/<tr class="incomplete"/g)).toHaveLength(2);
    expect(html).not.toContain('<tr class="not-received"');
    expect(html).toMatch(/data-state="incomplete" aria-current="true"/);
  });

  it('sorts by a column header button, from the keyboard too, and keeps the order in the address', async () => {
    // Prepare
    await page.goto(`${origin}/`);
    const header = page.locator('table.bases th[data-key="name"] button.sort');

    // Act
    await header.focus();
    await page.keyboard.press('Enter');

    // Assess
    const ascending = await visibleBases();
    expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b, 'zh-CN')));
    expect(ascending).toHaveLength(30);
    await expect(page.locator('table.bases th[data-key="name"]').getAttribute('aria-sort')).resolves.toBe('ascending');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('name');

    // Act: again, the other way
    await header.click();

    // Assess
    expect(await visibleBases()).toEqual([...ascending].reverse());
    await expect(page.locator('table.bases th[data-key="name"]').getAttribute('aria-sort')).resolves.toBe('descending');
    // Newest first from the server: the base that sent last (邮拓, 11月7日) leads, then 平顺 (11月6日).
    const html = await serverHtml('/?sort=-last');
    const order = [...html.matchAll(/<td data-label="基地"><a href="\/bases\/(\w+)">/g)].map((m) => m[1]);
    expect(order.slice(0, 2)).toEqual(['p02', 'p11']);
    expect(html).toMatch(/data-key="last" aria-sort="descending"/);
  });

  it('finds a base by its name, a sender address or a file name', async () => {
    // Prepare
    await page.goto(`${origin}/`);

    // Act / Assess: by sender
    await page.fill('#table-q', 'pingshun@example');
    expect(await visibleBases()).toEqual(['平顺网红直播基地']);
    // by file name
    await page.fill('#table-q', '自评报告.pdf');
    expect(await visibleBases()).toEqual(['平顺网红直播基地']);
    // by name
    await page.fill('#table-q', '龙巅');
    expect(await visibleBases()).toEqual(['龙巅兴趣直播基地']);
    // nothing
    await page.fill('#table-q', '没有这个基地');
    expect(await visibleBases()).toEqual([]);
    await expect(page.locator('#no-match').isVisible()).resolves.toBe(true);
    expect(new URL(page.url()).searchParams.get('q')).toBe('没有这个基地');
    // The server answers the same search (the form's GET without the script).
    const html = await serverHtml(`/?q=${encodeURIComponent('youtuo@example.cn')}`);
    expect(html.match(/<td data-label="基地">/g)).toHaveLength(1);
    expect(html).toContain('邮拓直播电商基地');
  });

  it('does the same without JavaScript: the chips and headers are links, the search a GET form', async () => {
    // Prepare: chromium with scripts off for this page
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    try {
      await page.goto(`${origin}/`);
      expect(await page.locator('table.bases th a.sort').count()).toBe(7);

      // Act: a chip, then a header, then a search
      await Promise.all([page.waitForURL(/state=incomplete/), page.click('#filters a[data-state="incomplete"]')]);
      await Promise.all([page.waitForURL(/sort=name/), page.click('table.bases th[data-key="name"] a.sort')]);
      const sorted = await visibleBases();
      await page.fill('#table-q', '平顺');
      await Promise.all([page.waitForURL(/q=/), page.press('#table-q', 'Enter')]);

      // Assess
      expect(sorted).toEqual(['平顺网红直播基地', '邮拓直播电商基地'].sort((a, b) => a.localeCompare(b, 'zh-CN')));
      const url = new URL(page.url());
      expect([url.searchParams.get('state'), url.searchParams.get('sort'), url.searchParams.get('q')]).toEqual([
        'incomplete',
        'name',
        '平顺',
      ]);
      expect(await visibleBases()).toEqual(['平顺网红直播基地']);
      await expect(page.locator('table.bases th[data-key="name"]').getAttribute('aria-sort')).resolves.toBe(
        'ascending',
      );
    } finally {
      await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
      await cdp.detach();
    }
  });

  it('shows the city table with 完成率 bars and the Excel button on top', async () => {
    // Act
    await page.goto(`${origin}/`);

    // Assess
    await expect(page.locator('#export-xlsx').getAttribute('href')).resolves.toBe('/export.xlsx');
    const box = await page.locator('#export-xlsx').boundingBox();
    const cities = await page.locator('#cities').boundingBox();
    expect(box!.y).toBeLessThan(cities!.y);
    expect(await page.locator('#cities td.rate .bar').count()).toBe(12);
    await expect(page.locator('#cities td.rate').first().textContent()).resolves.toMatch(/^\d+%$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'table-tools.png'), fullPage: true });
    await page.setViewportSize(PHONE);
    await expect(page.locator('.scroll-hint').first().isVisible()).resolves.toBe(true);
    const scrolls = await page.$eval('#cities', (t) => t.parentElement!.scrollWidth > t.parentElement!.clientWidth);
    expect(scrolls).toBe(true);
    await expect(page.locator('.tools select[name=sort]').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'table-tools-phone.png') });
    await page.locator('#filters').scrollIntoViewIfNeeded();
    await page.evaluate('window.scrollBy(0, -60)');
    await page.screenshot({ path: join(SCREENSHOTS, 'table-tools-phone-bases.png') });
    await page.setViewportSize(WIDE);
  });

  it('puts the report form contact and the senders at the top of a base page, dialling and mailing', async () => {
    // Act
    await page.goto(`${origin}/bases/p11`);

    // Assess
    const contacts = page.locator('#contacts');
    await expect(contacts.locator('.contact-name').textContent()).resolves.toContain('张晓明');
    await expect(contacts.locator('.contact-mobile a').getAttribute('href')).resolves.toBe('tel:13912345678');
    await expect(contacts.locator('.contact-phone a').getAttribute('href')).resolves.toBe('tel:03517654321');
    await expect(contacts.locator('.contact-email a').getAttribute('href')).resolves.toBe('mailto:zhangxm@example.com');
    await expect(contacts.locator('.senders a').getAttribute('href')).resolves.toBe('mailto:pingshun@example.cn');
    const [contactTop, missingTop] = await Promise.all([
      contacts.boundingBox(),
      page.locator('h2:has-text("缺少与逾期")').boundingBox(),
    ]);
    expect(contactTop!.y).toBeLessThan(missingTop!.y);
    // Files in reading order: the report form, then the self-assessment.
    const files = await page.$$eval('#documents tbody tr td[data-label="文件"] a', (as) =>
      as.map((a) => a.textContent),
    );
    expect(files).toEqual(['经营服务情况报告表.xlsx', '自评报告.pdf']);
    await page.screenshot({ path: join(SCREENSHOTS, 'base-contacts.png') });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: join(SCREENSHOTS, 'base-contacts-phone.png') });
    await page.setViewportSize(WIDE);

    // Act: a base that sent nothing
    await page.goto(`${origin}/bases/p03`);

    // Assess
    await expect(page.locator('#contacts .contact-mobile').textContent()).resolves.toBe('未读取');
    await expect(page.locator('#contacts .contact-name').textContent()).resolves.toBe('未读取');
  });

  it('previews the unmatched mail (files, escaped body) and offers the bases by city with a filter', async () => {
    // Act
    await page.goto(`${origin}/unmatched`);

    // Assess
    const mail = page.locator('section.item', { hasText: '补充材料' });
    const files = await mail.locator('table.files tbody tr').allTextContents();
    expect(files).toHaveLength(2);
    expect(files.join('|')).toMatch(/照片\.jpg.*2 KB/);
    expect(files.join('|')).toContain('附件清单.txt');
    const body = await mail.locator('pre.mail-body').textContent();
    expect(body).toContain('<b>附件</b>');
    expect(body).toContain('<script>window.injected=1</script>');
    expect(body!.length).toBe(2000);
    expect(body).not.toContain('结尾标记');
    await expect(mail.textContent()).resolves.toContain('只显示前2000字');
    expect(await page.evaluate('typeof window.injected')).toBe('undefined');
    const other = page.locator('section.item', { hasText: 'wang@unknown' });
    await expect(other.locator('pre.mail-body').textContent()).resolves.toBe('请查收');
    // The picker: the bases in a group per city, and a filter that narrows them.
    const groups = await mail
      .locator('select[name=baseId] optgroup')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('label')));
    expect(groups).toEqual(expect.arrayContaining(['太原市', '长治市', '山西综改示范区']));
    await mail.locator('input.pick-filter').fill('平顺');
    await expect(mail.locator('select[name=baseId]').inputValue()).resolves.toBe('p11');
    await page.screenshot({ path: join(SCREENSHOTS, 'unmatched-preview.png'), fullPage: true });
    await page.setViewportSize(PHONE);
    await mail.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'unmatched-preview-phone.png') });
    await page.setViewportSize(WIDE);
  });

  it('keeps the notices short columns on one line', async () => {
    // Act
    await page.goto(`${origin}/notices`);

    // Assess
    const { whiteSpace, height, lineHeight } = (await page.evaluate(`(() => {
      const td = document.querySelector('td[data-label="地市"]');
      const style = getComputedStyle(td);
      return { whiteSpace: style.whiteSpace, height: td.getBoundingClientRect().height, lineHeight: parseFloat(style.lineHeight) };
    })()`)) as { whiteSpace: string; height: number; lineHeight: number };
    expect(whiteSpace).toBe('nowrap');
    await page.screenshot({ path: join(SCREENSHOTS, 'notices.png') });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: join(SCREENSHOTS, 'notices-phone.png') });
    await page.setViewportSize(WIDE);
    expect(height).toBeLessThan(lineHeight * 2 + 16);
  });

  it('gives a bureau its city contact list, no other city, and no JSON links', async () => {
    // Prepare
    await signOut();
    await signIn('cz', PASSWORDS.cz);

    // Act
    const own = await page.goto(`${origin}/cities/changzhi/contacts`);

    // Assess
    expect(own?.status()).toBe(200);
    const rows = page.locator('#contacts tbody tr');
    expect(await rows.count()).toBe(3);
    // Bases that sent nothing come first, for the phoning round.
    await expect(rows.last().textContent()).resolves.toContain('平顺网红直播基地');
    const pingshun = rows.filter({ hasText: '平顺网红直播基地' });
    await expect(pingshun.locator('td[data-label="手机"] a').getAttribute('href')).resolves.toBe('tel:13912345678');
    await expect(
      rows.filter({ hasNotText: '平顺网红直播基地' }).first().locator('td[data-label="手机"]').textContent(),
    ).resolves.toBe('未读取');
    await page.screenshot({ path: join(SCREENSHOTS, 'city-contacts.png'), fullPage: true });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: join(SCREENSHOTS, 'city-contacts-phone.png') });
    await page.setViewportSize(WIDE);
    await page.goto(`${origin}/cities/changzhi`);
    await expect(page.locator('#city-contacts').getAttribute('href')).resolves.toBe('/cities/changzhi/contacts');
    await expect(page.locator('#city-files').getAttribute('href')).resolves.toBe('/bundles/new?city=changzhi');
    await serverHtml('/bundles/new?city=changzhi'); // answers the bureau 200 (through /api/cities/changzhi/files.zip)
    await expect(page.locator('#export-xlsx').getAttribute('href')).resolves.toBe('/export.xlsx?city=changzhi');
    const workbook = await serverHtml('/export.xlsx?city=changzhi'); // answers the bureau 200
    expect(workbook.startsWith('PK')).toBe(true);
    await page.click('#filters a[data-state="not-received"]');
    expect(await visibleBases()).toHaveLength(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'city-bureau.png'), fullPage: true });
    const other = await page.goto(`${origin}/cities/taiyuan/contacts`);
    expect(other?.status()).toBe(403);
    await page.goto(`${origin}/`);
    await expect(page.locator('main').textContent()).resolves.not.toContain('openapi');
    await expect(page.locator('#export-xlsx').textContent()).resolves.toBe('导出 Excel 汇总表（长治市）');
    await page.goto(`${origin}/bases/p11`);
    await expect(page.locator('main').textContent()).resolves.not.toContain('/api/bases/');
    await expect(page.locator('header .who').textContent()).resolves.toBe('cz（长治市商务局）');
  });
});
