/**
 * A base's own upload link in a real browser (issue 15, item 6): chromium opens /upload/b/<token> as a base would,
 * finds its name filled in and fixed, sends more files than the open form allows (6 > 5), and the submission is
 * recorded for that base. A screenshot of the page after the submission goes to tests/e2e/screenshots/.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { logger } from '../../functions/shared/logger.ts';
import { secretBytes, TokenSigner } from '../../shared/access/signing.ts';
import { signUploadLink } from '../../shared/access/upload-links.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { startTestStack } from '../integration/helpers.ts';
import { TEST_NOW, TEST_SECRET } from '../integration/http-seed.ts';
import { describeNeeding } from '../support/requirements.ts';
import { launchBrowser, SCREENSHOTS } from './browser.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describeNeeding('chromium')('a base’s upload link in chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let server: ReturnType<typeof serve>;
  let origin: string;
  let launched: Awaited<ReturnType<typeof launchBrowser>> | undefined;

  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => {});
    stack = await startTestStack(fixedClock(TEST_NOW));
    const app = createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: [], uploadIngest: 'inline' });
    server = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    launched = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await launched?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await stack?.dispose();
    vi.restoreAllMocks();
  });

  it('opens with the base fixed and takes more files than the open form, recorded for that base', async () => {
    // Prepare
    const link = signUploadLink(new TokenSigner(secretBytes(TEST_SECRET)), stack.ctx.round, 'p11', TEST_NOW);
    const form = await buildReportFormXlsx({ header: { baseName: '平顺网红直播基地' }, values: SAMPLE_FORM_VALUES });
    const files = [
      { name: '平顺网红直播基地经营服务情况报告表.xlsx', mimeType: XLSX, buffer: form },
      ...Array.from({ length: 5 }, (_, i) => ({
        name: `佐证材料${i + 1}.pdf`,
        mimeType: 'application/pdf',
        buffer: Buffer.from(`%PDF-1.4\n% 佐证材料 ${i + 1}\n`.repeat(50)),
      })),
    ];
    const page = await launched!.browser.newPage();

    // Act
    await page.goto(`${origin}${link.path}`);
    const base = page.locator('#base');
    const fixed = { value: await base.inputValue(), readonly: await base.getAttribute('readonly') };
    await page.fill('#email', 'pingshun@example.cn');
    await page.setInputFiles('#files', files);
    await page.click('#upload-submit');
    await page.locator('#submission-id').waitFor({ timeout: 20_000 });

    // Assess
    expect(fixed).toEqual({ value: '平顺网红直播基地', readonly: '' });
    expect(await page.locator('#base-list').count()).toBe(0);
    await expect(page.locator('#limits').textContent()).resolves.toContain('一次最多上传 20 个文件');
    const submissionId = (await page.locator('#submission-id').textContent()) ?? '';
    const submission = await stack.ctx.records.submissions.get(submissionId);
    expect(submission).toMatchObject({ channel: 'upload', baseId: 'p11', state: 'processed' });
    expect(await stack.ctx.records.documents.listBySubmission(submissionId)).toHaveLength(6);
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'upload-link.png'), fullPage: true });
    await page.close();
  });
});
