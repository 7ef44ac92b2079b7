/**
 * Issue 15, item 6: the upload portal cannot be used to reserve storage without end. Without a base's link the open
 * form has tight limits, a throttle per address and a daily cap on bytes that holds across processes (two apps on
 * one store stand for two Lambda instances); with a base's signed link (/upload/b/<token>) the base is fixed, the
 * limits are the portal's and the acknowledgement may tell the base's status. Only the app's public options are
 * used, so that the file runs (and fails) on a tree without the fix.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../functions/shared/logger.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { retryAcknowledgements } from '../../shared/use-cases/acknowledge-send.ts';
import { type AppContext, fixedClock } from '../../shared/use-cases/context.ts';
import { RecordingMailer } from '../fixtures/notices.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { startTestStack } from './helpers.ts';
import { PASSWORDS, TEST_ACCOUNTS, TEST_SECRET } from './http-seed.ts';
import { type OpenedSession, postForm } from './upload-session-client.ts';

const MB = 1024 * 1024;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CLI = join(import.meta.dirname, '../../bin/intake.mjs');
const run = promisify(execFile);

type App = ReturnType<typeof createHttpApp>;

function files(count: number, size: number) {
  return Array.from({ length: count }, (_, i) => ({
    fileName: `佐证材料${i + 1}.pdf`,
    size,
    contentType: 'application/pdf',
  }));
}

function openSession(app: App, body: unknown, query = '') {
  return app.request(`/api/uploads/sessions${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('upload portal abuse (issue 15, item 6)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const options = { secret: TEST_SECRET, accounts: TEST_ACCOUNTS, uploadIngest: 'inline' as const };

  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => {});
    stack = await startTestStack(fixedClock(new Date('2023-11-08T02:00:00Z')));
  }, 120_000);
  afterAll(async () => {
    await stack?.dispose();
    vi.restoreAllMocks();
  });

  /** The stack on another day: each test has its own day's cap. */
  function onDay(iso: string, extra: Partial<AppContext> = {}): AppContext {
    return { ...stack.ctx, clock: fixedClock(new Date(iso)), ...extra };
  }

  async function staffCookie(app: App, name: keyof typeof PASSWORDS = 'admin'): Promise<string> {
    const response = await app.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ name, password: PASSWORDS[name], next: '/' }),
    });
    return response.headers.get('set-cookie')?.split(';')[0] ?? '';
  }

  async function linkOf(app: App, baseId: string): Promise<string> {
    const page = await app.request(`/bases/${baseId}/upload-link`, { headers: { cookie: await staffCookie(app) } });
    expect(page.status).toBe(200);
    const url = /id="upload-link" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    expect(url).toMatch(/\/upload\/b\/[\w-]+\.[\w-]+$/);
    return new URL(url).pathname;
  }

  it('holds a session without a link to 5 files and 100 MB, the one-request upload too', async () => {
    // Prepare
    const app = createHttpApp(onDay('2023-11-01T02:00:00Z'), options);
    const multipart = new FormData();
    multipart.append('base', '邮拓直播电商基地');
    for (let i = 0; i < 6; i++) multipart.append('files', new Blob([Buffer.from(`%PDF-1.4 ${i}`)]), `${i}.pdf`);

    // Act
    const sixFiles = await openSession(app, { base: '邮拓直播电商基地', files: files(6, 1000) });
    const tooLarge = await openSession(app, { base: '邮拓直播电商基地', files: files(2, 60 * MB) });
    const fits = await openSession(app, { base: '邮拓直播电商基地', files: files(5, 20 * MB) });
    const direct = await app.request('/api/uploads', { method: 'POST', body: multipart });

    // Assess
    expect(sixFiles.status).toBe(400);
    expect(((await sixFiles.json()) as { error: string }).error).toContain('一次最多上传5个文件');
    expect(tooLarge.status).toBe(400);
    expect(((await tooLarge.json()) as { error: string }).error).toContain('文件总大小不能超过100MB');
    expect(fits.status).toBe(201);
    expect(direct.status).toBe(413);
    const page = await (await app.request('/upload')).text();
    expect(page).toContain('data-max-files="5"');
    expect(page).toContain('专用上传链接');
  });

  it('lets one address open 10 sessions an hour without a link, then answers 429 with Retry-After', async () => {
    // Prepare
    const app = createHttpApp(onDay('2023-11-02T02:00:00Z'), options);
    const request = { base: '邮拓直播电商基地', files: files(1, 1000) };

    // Act: 100 sessions at once, as the adversarial pass did.
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 100 }, () => openSession(app, request)));
    const seconds = (performance.now() - started) / 1000;

    // Assess
    const statuses = answers.map((a) => a.status);
    console.info(
      `100 sessions without a link in ${seconds.toFixed(2)} s: ${statuses.filter((s) => s === 201).length} opened`,
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(90);
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    expect(((await refused.json()) as { error: string }).error).toMatch(/提交过于频繁，请 \d+ 分钟后再试/);
  });

  it('caps the bytes reserved in a day without a link across processes, and sends them to their city bureau', async () => {
    // Prepare: two apps on one store, as two Lambda instances; 10 MB a day.
    const ctx = onDay('2023-11-03T02:00:00Z');
    const limits = { openFormLimits: { dailyBytes: 10 * MB, sessionsPerAddressPerHour: 1000 } };
    const apps = [createHttpApp(ctx, { ...options, ...limits }), createHttpApp(ctx, { ...options, ...limits })];
    const request = { base: '邮拓直播电商基地', files: files(1, 3 * MB) };

    // Act: eight 3 MB sessions at once, alternating between the apps; then one more on the next (Beijing) day.
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => openSession(apps[i % 2]!, request)));
    const late = await openSession(apps[0]!, request);
    const nextDay = createHttpApp(onDay('2023-11-03T16:30:00Z'), { ...options, ...limits });
    const tomorrow = await openSession(nextDay, request);

    // Assess: at most three fit in 10 MB, whichever app took them.
    const opened = answers.filter((a) => a.status === 201).length;
    expect(opened).toBeGreaterThanOrEqual(1);
    expect(opened).toBeLessThanOrEqual(3);
    expect(answers.filter((a) => a.status !== 201).every((a) => a.status === 429)).toBe(true);
    expect(late.status).toBe(429);
    expect(Number(late.headers.get('retry-after'))).toBeGreaterThan(0);
    const { error } = (await late.json()) as { error: string };
    expect(error).toContain('已达上限');
    expect(error).toContain('地市商务局');
    expect(error).toContain('专用上传链接');
    expect(tomorrow.status).toBe(201);
  });

  it("gives staff and the base's bureau a signed link that fixes the base and lifts the open form's limits", async () => {
    // Prepare
    const ctx = onDay('2023-11-04T02:00:00Z');
    const app = createHttpApp(ctx, { ...options, openFormLimits: { dailyBytes: 1 * MB } });
    const path = await linkOf(app, 'p11');
    const token = path.split('/').pop() ?? '';
    const bureau = await staffCookie(app, 'cz');

    // Act
    const basePage = await app.request('/bases/p11', { headers: { cookie: await staffCookie(app) } });
    const ownCity = await app.request('/bases/p11/upload-link', { headers: { cookie: bureau } });
    const otherCity = await app.request('/bases/p02/upload-link', { headers: { cookie: bureau } });
    const anonymous = await app.request('/bases/p11/upload-link');
    const page = await app.request(path);
    const forged = await app.request(`/upload/b/${token.slice(0, -2)}xx`);
    const session = await openSession(
      app,
      { base: '随便填的名字', files: files(8, 30 * MB) },
      `?link=${encodeURIComponent(token)}`,
    );
    const badLink = await openSession(app, { base: 'x', files: files(1, 10) }, '?link=nonsense');
    const withoutLink = await openSession(app, { base: '平顺网红直播基地', files: files(1, 2 * MB) });

    // Assess
    expect(await basePage.text()).toContain('复制上传链接');
    expect(ownCity.status).toBe(200);
    expect(otherCity.status).toBe(403);
    expect(anonymous.status).not.toBe(200);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('value="平顺网红直播基地" readonly');
    expect(html).toContain(`data-sessions="/api/uploads/sessions?link=${token}"`);
    expect(html).toContain('data-max-files="20"');
    expect(forged.status).toBe(403);
    expect(session.status).toBe(201);
    const opened = (await session.json()) as OpenedSession;
    expect(opened.files).toHaveLength(8);
    const stored = JSON.parse(
      (await stack.ctx.blobs.get(`uploads/${opened.sessionId}/session.json`)).toString('utf8'),
    ) as { baseName: string };
    expect(stored.baseName).toBe('平顺网红直播基地');
    expect(badLink.status).toBe(403);
    expect(((await badLink.json()) as { error: string }).error).toContain('上传链接无效或已过期');
    expect(withoutLink.status).toBe(429);
  });

  /** Uploads a report form of 平顺网红直播基地 through a session (with a link's query, or none) and completes it. */
  async function submitForm(app: App, email: string, query: string): Promise<{ rawKey: string; submissionId: string }> {
    const form = await buildReportFormXlsx({ header: { baseName: '平顺网红直播基地' }, values: SAMPLE_FORM_VALUES });
    const request = {
      base: '平顺网红直播基地',
      email,
      files: [{ fileName: '平顺网红直播基地经营服务情况报告表.xlsx', size: form.length, contentType: XLSX }],
    };
    const session = (await (await openSession(app, request, query)).json()) as OpenedSession;
    const file = session.files[0]!;
    expect((await postForm(file.upload, form, file.fileName)).status).toBe(204);
    const done = await app.request(session.completeUrl, { method: 'POST' });
    expect(done.status).toBe(201);
    return (await done.json()) as { rawKey: string; submissionId: string };
  }

  it("tells the base's status in the acknowledgement of an upload made with its link, not of one without", async () => {
    // Prepare
    const mailer = new RecordingMailer();
    const ctx = onDay('2023-11-05T02:00:00Z', { mailer });
    const app = createHttpApp(ctx, options);
    const token = (await linkOf(app, 'p11')).split('/').pop() ?? '';

    // Act
    const linked = await submitForm(app, 'linked-uploader@example.com', `?link=${encodeURIComponent(token)}`);
    const open = await submitForm(app, 'open-uploader@example.com', '');

    // Assess
    const raw = (await stack.ctx.blobs.get(linked.rawKey)).toString('latin1');
    expect(raw).toMatch(/^X-Intake-Upload-Link: p11\r$/m);
    expect((await stack.ctx.blobs.get(open.rawKey)).toString('latin1')).not.toContain('X-Intake-Upload-Link');
    const toLinked = mailer.sent.find((m) => m.to.includes('linked-uploader@example.com'));
    const toOpen = mailer.sent.find((m) => m.to.includes('open-uploader@example.com'));
    expect(toLinked?.text).toMatch(/该基地的电子材料仍缺少：/);
    expect(toLinked?.text).not.toContain('只告知已登记的基地联系邮箱');
    expect(toOpen?.text).toContain('只告知已登记的基地联系邮箱');
  }, 60_000);

  it('still sends a retried acknowledgement of a linked upload where the message cannot be read (notify in AWS)', async () => {
    // Prepare: the first attempt fails at the transport; notify retries a day later without access to inbox/.
    const failing = new RecordingMailer();
    failing.failWith = new Error('SMTP 421 try again later');
    const app = createHttpApp(onDay('2023-11-07T02:00:00Z', { mailer: failing }), options);
    const token = (await linkOf(app, 'p11')).split('/').pop() ?? '';
    const linked = await submitForm(app, 'retry-uploader@example.com', `?link=${encodeURIComponent(token)}`);
    const mailer = new RecordingMailer();
    const denied: AppContext['blobs'] = Object.create(stack.ctx.blobs, {
      getStream: { value: () => Promise.reject(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' })) },
    });
    const notifyCtx = onDay('2023-11-08T02:00:00Z', { mailer, blobs: denied });

    // Act
    const results = await retryAcknowledgements(notifyCtx);

    // Assess
    const retried = results.find((r) => r.claim?.submissionId === linked.submissionId);
    expect(retried?.status).toBe('sent');
    expect(mailer.sent.map((m) => m.to)).toContainEqual(['retry-uploader@example.com']);
    expect(mailer.sent[0]?.text).toContain('只告知已登记的基地联系邮箱');
  }, 60_000);

  it('prints a base’s link with `intake upload-link`, which the stack of that data dir accepts', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'intake-upload-link-'));
    try {
      // Act
      const { stdout } = await run(process.execPath, [
        CLI,
        'upload-link',
        '--base',
        '平顺网红直播基地',
        '--data-dir',
        dir,
        '--origin',
        'https://intake.example.cn',
        '--json',
      ]);
      const printed = JSON.parse(stdout) as { baseId: string; url: string; expiresAt: string };
      const secret = (await readFile(join(dir, 'session-secret'), 'utf8')).trim();
      const app = createHttpApp(onDay('2023-11-06T02:00:00Z'), { ...options, secret });
      const page = await app.request(new URL(printed.url).pathname);
      const unknown = await run(process.execPath, [
        CLI,
        'upload-link',
        '--base',
        '没有这个基地',
        '--data-dir',
        dir,
      ]).catch((error: { code: number; stderr: string }) => error);

      // Assess
      expect(printed.baseId).toBe('p11');
      expect(printed.url).toMatch(/^https:\/\/intake\.example\.cn\/upload\/b\//);
      expect(Date.parse(printed.expiresAt)).toBeGreaterThan(Date.parse('2023-11-10T16:00:00Z'));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('value="平顺网红直播基地" readonly');
      expect(unknown).toMatchObject({ code: 2 });
      expect((unknown as { stderr: string }).stderr).toContain('没有编号或名称为“没有这个基地”的基地');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
