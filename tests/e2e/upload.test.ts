/**
 * The upload page in a real browser: chromium (playwright-core, as in ./dashboard.test.ts) fills the public page
 * served on a loopback port, its script opens a session, posts the files straight to s3rver from the page's origin
 * (so through the bucket's CORS rule and the local POST policy check) and completes; the test then checks the
 * submission in the records, down to the bytes of each document. Screenshots of the page after a submission and
 * after a refusal are written to tests/e2e/screenshots/.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { logger } from '../../functions/shared/logger.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import type { UploadPortalLimits } from '../../shared/use-cases/upload-sessions.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { startTestStack } from '../integration/helpers.ts';
import { TEST_NOW, TEST_SECRET } from '../integration/http-seed.ts';
import { describeNeeding } from '../support/requirements.ts';
import { launchBrowser, SCREENSHOTS } from './browser.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const KB = 1024;
const LIMITS: UploadPortalLimits = {
  maxFiles: 5,
  maxFileBytes: 2 * 1024 * KB,
  maxTotalBytes: 4 * 1024 * KB,
  formSeconds: 600,
  maxMessageBytes: 600 * 1024 * KB,
};
const SMALL_LIMITS: UploadPortalLimits = {
  maxFiles: 3,
  maxFileBytes: 64 * KB,
  maxTotalBytes: 100 * KB,
  formSeconds: 600,
  maxMessageBytes: 600 * 1024 * KB,
};

type Server = ReturnType<typeof serve>;

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describeNeeding('chromium')('upload page in chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const servers: Server[] = [];
  let origin: string;
  let smallOrigin: string;
  let launched: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let browser: BrowserContext;
  let page: Page;

  async function listen(app: ReturnType<typeof createHttpApp>): Promise<string> {
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => {});
    stack = await startTestStack(fixedClock(TEST_NOW));
    const options = { secret: TEST_SECRET, accounts: [], uploadIngest: 'inline' as const };
    origin = await listen(createHttpApp(stack.ctx, { ...options, uploadLimits: LIMITS }));
    smallOrigin = await listen(createHttpApp(stack.ctx, { ...options, uploadLimits: SMALL_LIMITS }));
    launched = await launchBrowser();
    browser = launched.browser;
  }, 120_000);

  afterEach(async () => {
    await page?.close();
  });

  afterAll(async () => {
    await launched?.close();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    await stack?.dispose();
    vi.restoreAllMocks();
  });

  /** Checks through the records that a submission holds exactly these files, byte for byte. */
  async function expectStored(submissionId: string, baseId: string, files: { name: string; buffer: Buffer }[]) {
    const submission = await stack.ctx.records.submissions.get(submissionId);
    expect(submission).toMatchObject({ channel: 'upload', baseId, state: 'processed' });
    const documents = await stack.ctx.records.documents.listBySubmission(submissionId);
    const stored = await Promise.all(
      documents.map(async (d) => ({
        name: d.fileName,
        sha256: d.sha256,
        blob: sha256(await stack.ctx.blobs.get(d.blobKey)),
      })),
    );
    const expected = files.map((f) => ({ name: f.name, sha256: sha256(f.buffer), blob: sha256(f.buffer) }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(stored.sort(byName)).toEqual(expected.sort(byName));
  }

  it('is linked from the login page and sends a report form and a large file into one upload submission', async () => {
    // Prepare
    const formName = '邮拓直播电商基地经营服务情况报告表.xlsx';
    const form = await buildReportFormXlsx({ header: { baseName: '邮拓直播电商基地' }, values: SAMPLE_FORM_VALUES });
    const video = randomBytes(400 * KB);
    const files = [
      { name: formName, mimeType: XLSX, buffer: form },
      { name: '直播间实景视频.mp4', mimeType: 'video/mp4', buffer: video },
    ];
    page = await browser.newPage();
    await page.goto(`${origin}/login`);
    await Promise.all([page.waitForURL(/\/upload$/), page.click('text=基地提交材料请点此上传')]);
    const datalist = await page
      .locator('#base-list option')
      .evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));

    // Act
    await page.fill('#base', '邮拓直播电商基地');
    await page.fill('#email', 'youtuo@163.com');
    await page.setInputFiles('#files', files);
    await page.click('#upload-submit');
    await page.locator('#submission-id').waitFor({ timeout: 20_000 });

    // Assess
    await expect(page.locator('h1').textContent()).resolves.toBe('上传材料');
    expect(await page.locator('header nav').count()).toBe(0);
    // The title leads back to the upload page, not to the staff overview (which would ask a base to sign in).
    expect(await page.locator('a.brand').getAttribute('href')).toBe('/upload');
    expect(datalist).toContain('邮拓直播电商基地');
    await expect(page.locator('#limits').textContent()).resolves.toContain('单个文件不超过 2 MB，合计不超过 4 MB');
    await expect(page.locator('#deadline').textContent()).resolves.toContain('北京时间');
    const result = (await page.locator('#upload-ok').textContent()) ?? '';
    expect(result).toContain('提交成功');
    expect(result).toContain(formName);
    expect(result).toContain('直播间实景视频.mp4（400 KB）');
    expect(await page.locator('#upload-files li.done').count()).toBe(2);
    const submissionId = (await page.locator('#submission-id').textContent()) ?? '';
    expect(submissionId).toMatch(/^s-[0-9a-f]{32}$/);
    await expectStored(submissionId, 'p02', files);
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'upload.png'), fullPage: true });
  });

  it('offers a retry for a file whose upload failed on the network, and then completes', async () => {
    // Prepare
    const files = [
      {
        name: '腾锐电商孵化基地自评报告.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n'.repeat(500)),
      },
      { name: '直播间照片.zip', mimeType: 'application/zip', buffer: randomBytes(120 * KB) },
    ];
    page = await browser.newPage();
    let dropped = 0;
    // The first post to storage is cut off, as a flaky uplink would.
    await page.route(
      (url) => url.pathname.startsWith('/intake'),
      (route) => {
        return dropped++ === 0 ? route.abort('connectionreset') : route.continue();
      },
    );
    await page.goto(`${origin}/upload`);
    await page.fill('#base', '腾锐电商孵化基地');
    await page.setInputFiles('#files', files);

    // Act
    await page.click('#upload-submit');
    await page.locator('#upload-retry').waitFor({ state: 'visible', timeout: 20_000 });
    const failure = await page.locator('#upload-error').textContent();
    await page.click('#upload-retry');
    await page.locator('#submission-id').waitFor({ timeout: 20_000 });

    // Assess
    expect(failure).toContain('有 1 个文件未能上传');
    expect(failure).toContain('网络中断');
    expect(dropped).toBe(3);
    await expectStored((await page.locator('#submission-id').textContent()) ?? '', 'p23', files);
  });

  it('refuses a file over the per-file limit in the page, before anything is sent', async () => {
    // Prepare
    page = await browser.newPage();
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await page.goto(`${smallOrigin}/upload`);
    await page.fill('#base', '邮拓直播电商基地');
    await page.setInputFiles('#files', [
      { name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from('直播间说明'.repeat(100)) },
      { name: '宣传片.mp4', mimeType: 'video/mp4', buffer: randomBytes(80 * KB) },
    ]);

    // Act
    await page.click('#upload-submit');
    await page.locator('#upload-error').waitFor();

    // Assess
    await expect(page.locator('#limits').textContent()).resolves.toContain(
      '一次最多上传 3 个文件，单个文件不超过 64 KB，合计不超过 100 KB',
    );
    const error = (await page.locator('#upload-error').textContent()) ?? '';
    expect(error).toContain('「宣传片.mp4」大小为 80 KB，超过单个文件上限 64 KB');
    expect(error).not.toContain('说明.txt');
    expect(posts).toEqual([]);
    expect(await page.locator('#upload-files').isHidden()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'upload-refused.png'), fullPage: true });
  });
});
