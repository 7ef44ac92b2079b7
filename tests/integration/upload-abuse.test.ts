/**
 * Issue 15, item 6: the upload portal cannot be used to reserve storage without end. Without a base's link the open
 * form has tight limits, a throttle per address and a daily cap on bytes that holds across processes (two apps on
 * one store stand for two Lambda instances). Only the app's public options are used, so that the file runs (and
 * fails) on a tree without the fix.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../functions/shared/logger.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { type AppContext, fixedClock } from '../../shared/use-cases/context.ts';
import { startTestStack } from './helpers.ts';
import { TEST_ACCOUNTS, TEST_SECRET } from './http-seed.ts';

const MB = 1024 * 1024;

type App = ReturnType<typeof createHttpApp>;

function files(count: number, size: number) {
  return Array.from({ length: count }, (_, i) => ({
    fileName: `佐证材料${i + 1}.pdf`,
    size,
    contentType: 'application/pdf',
  }));
}

function openSession(app: App, body: unknown) {
  return app.request('/api/uploads/sessions', {
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
});
