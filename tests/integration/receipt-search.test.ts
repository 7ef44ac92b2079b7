/**
 * Receipt numbers on the submission (issue 16): the number a base was shown after uploading is drawn when its
 * session opens, travels in the composed message and is recorded on the submission by intake, whether the
 * completion ingests at once (locally) or the inbox's S3 event does later (AWS), and survives a reprocess. Staff find
 * the base by it: the overview's table search, the search page (straight to the base page at that submission), the
 * log's filter and its JSON, and `intake receipt`. A bureau finds only its own city's. All on the embedded stack.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIngestEmailHandler } from '../../functions/ingest-email/handler.ts';
import { logger } from '../../functions/shared/logger.ts';
import { writeStackFile } from '../../shared/composition/local.ts';
import { submissionSchema } from '../../shared/domain/records.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { findByReceipt } from '../../shared/use-cases/read-model.ts';
import { reprocessSubmission } from '../../shared/use-cases/staff-actions.ts';
import { receiptNumberFor } from '../../shared/use-cases/upload-receipts.ts';
import { startTestStack } from './helpers.ts';
import { PASSWORDS, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET } from './http-seed.ts';
import { type OpenedSession, postForm } from './upload-session-client.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/intake.mjs');

type App = ReturnType<typeof createHttpApp>;

function objectCreated(key: string) {
  return {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:CompleteMultipartUpload',
        eventTime: TEST_NOW.toISOString(),
        awsRegion: 'us-east-1',
        s3: { bucket: { name: 'intake', arn: 'arn:aws:s3:::intake' }, object: { key } },
      },
    ],
  };
}

interface Completed {
  submissionId: string;
  rawKey: string;
  receipt?: { number: string };
}

describe('receipt numbers: recorded on the submission, found by staff', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let inline: App;
  let queued: App;
  let staff: string;
  let bureau: string;
  /** 武乡县红星杨电子商务产业园 (p04, 长治), uploaded and ingested at once. */
  let wuxiang: Completed & { number: string; sessionId: string };
  /** 邮拓直播电商基地 (p02, 太原), ingested later by ingest-email as in AWS. */
  let youtuo: Completed & { number: string };

  async function upload(app: App, base: string, text: string) {
    const content = Buffer.from(text.repeat(30));
    const opened = await app.request('/api/uploads/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ base, files: [{ fileName: '补充说明.txt', size: content.length }] }),
    });
    const session = (await opened.json()) as OpenedSession;
    await postForm(session.files[0]!.upload, content, '补充说明.txt');
    const done = (await (await app.request(session.completeUrl, { method: 'POST' })).json()) as Completed;
    return { ...done, number: done.receipt?.number ?? '', sessionId: session.sessionId };
  }

  const cookieOf = (response: Response) => response.headers.get('set-cookie')?.split(';')[0] ?? '';
  const login = (name: string, password: string) =>
    inline.request('/login', { method: 'POST', body: new URLSearchParams({ name, password, next: '/' }) });
  const get = (path: string, cookie: string) => inline.request(path, { headers: { cookie } });

  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => {});
    // The portal's receive time is when storage got the last file (now): pages show what arrived up to the clock's now.
    stack = await startTestStack(fixedClock(new Date(Date.now() + 3_600_000)));
    const options = { secret: TEST_SECRET, accounts: TEST_ACCOUNTS };
    inline = createHttpApp(stack.ctx, { ...options, uploadIngest: 'inline' });
    queued = createHttpApp(stack.ctx, { ...options, uploadIngest: 'queued' });
    staff = cookieOf(await login('admin', PASSWORDS.admin));
    bureau = cookieOf(await login('cz', PASSWORDS.cz));
    wuxiang = await upload(inline, '武乡县红星杨电子商务产业园', '直播间设备清单说明');
    youtuo = await upload(queued, '邮拓直播电商基地', '主播培训情况说明');
  }, 120_000);

  afterAll(async () => {
    await stack?.dispose();
    vi.restoreAllMocks();
  });

  it('records the number shown on the receipt on the submission, inline and through the S3 event', async () => {
    // Prepare
    const handler = createIngestEmailHandler({ context: async () => stack.ctx, scanCheck: null });
    const beforeQueuedIngest = await stack.ctx.records.submissions.get(youtuo.submissionId);

    // Act
    await handler(objectCreated(youtuo.rawKey));
    const inlineRecord = await stack.ctx.records.submissions.get(wuxiang.submissionId);
    const queuedRecord = await stack.ctx.records.submissions.get(youtuo.submissionId);
    const again = (await (
      await inline.request(`/api/uploads/sessions/${wuxiang.sessionId}/complete`, { method: 'POST' })
    ).json()) as Completed;
    const raw = (await stack.ctx.blobs.get(wuxiang.rawKey)).toString('latin1');

    // Assess
    expect(wuxiang.number).toMatch(/^2023-\d{4}$/);
    expect(youtuo.number).toMatch(/^2023-\d{4}$/);
    expect(youtuo.number).not.toBe(wuxiang.number);
    expect(beforeQueuedIngest).toBeNull();
    expect(inlineRecord).toMatchObject({ baseId: 'p04', receipt: wuxiang.number, channel: 'upload' });
    expect(queuedRecord).toMatchObject({ baseId: 'p02', receipt: youtuo.number, channel: 'upload' });
    expect(again.receipt?.number).toBe(wuxiang.number);
    expect(again.submissionId).toBe(wuxiang.submissionId);
    expect(raw).toContain(`X-Intake-Upload-Receipt: ${wuxiang.number}\r\n`);
  });

  it('keeps the number through a reprocess, and reads submissions stored without one', async () => {
    // Prepare
    const stored = await stack.ctx.records.submissions.get(wuxiang.submissionId);
    const { receipt: _, ...old } = stored!;

    // Act
    await reprocessSubmission(stack.ctx, { submissionId: wuxiang.submissionId, actor: 'admin', reason: '重新读取' });
    const after = await stack.ctx.records.submissions.get(wuxiang.submissionId);

    // Assess
    expect(after?.receipt).toBe(wuxiang.number);
    expect(submissionSchema.parse(old).receipt).toBeUndefined();
  });

  it('puts a number drawn at completion (a session opened before numbers were drawn at opening) on the submission', async () => {
    // Prepare: a submission recorded without a number, as a completion of such a session leaves it.
    const stored = await stack.ctx.records.submissions.get(youtuo.submissionId);
    const { receipt: _, ...withoutNumber } = stored!;
    const legacy = { ...withoutNumber, id: `s-${'e'.repeat(32)}` };
    await stack.ctx.records.submissions.create(legacy);
    const completion = {
      submissionId: legacy.id,
      rawKey: legacy.rawKey,
      receivedAt: legacy.receivedAt,
      completedAt: legacy.receivedAt,
      ingest: 'queued' as const,
    };

    // Act
    const number = await receiptNumberFor(stack.ctx, `u-${'e'.repeat(32)}`, completion);
    const found = await findByReceipt(
      stack.ctx,
      number.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)),
    );

    // Assess
    expect((await stack.ctx.records.submissions.get(legacy.id))?.receipt).toBe(number);
    expect(found?.submission.id).toBe(legacy.id);
    expect(found?.base?.id).toBe('p02');
    await stack.ctx.records.submissions.save({ ...legacy, baseId: null });
  });

  it('finds the base by its number in the table search, the search page and the log', async () => {
    // Act
    const overview = await (await get(`/?q=${wuxiang.number}`, staff)).text();
    const search = await get(`/search?q=${wuxiang.number}`, staff);
    const basePage = await (await get('/bases/p04', staff)).text();
    const log = await (await get(`/log?receipt=${wuxiang.number}`, staff)).text();
    const logJson = (await (await get(`/api/audit/log?receipt=${wuxiang.number}`, staff)).json()) as {
      entries: { action: string; submissionId: string | null }[];
    };
    const unknown = await (await get('/search?q=2023-9999', staff)).text();
    const unknownLog = (await (await get('/api/audit/log?receipt=2023-9999', staff)).json()) as { total: number };

    // Assess
    const rows = [...overview.matchAll(/<tr class="[^"]*" data-state="[^"]*" data-text="([^"]*)"/g)];
    const shown = rows.map((r) => r[1]);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain('武乡县红星杨电子商务产业园');
    expect(overview).toContain('显示 <span id="shown-count">1</span>');
    expect(search.status).toBe(302);
    expect(search.headers.get('location')).toBe(`/bases/p04#receipt-${wuxiang.number}`);
    expect(basePage).toContain(`id="receipt-${wuxiang.number}"`);
    expect(basePage).toContain(`回执编号 <strong>${wuxiang.number}</strong>`);
    expect(basePage).toMatch(new RegExp(`重新读取[^\\n]*（回执编号${wuxiang.number}）`));
    expect(log).toContain('id="log-receipt"');
    expect(log).toContain('武乡县红星杨电子商务产业园');
    expect(log).toContain(`（回执编号${wuxiang.number}）`);
    expect(logJson.entries.map((e) => [e.action, e.submissionId])).toEqual([
      ['reprocess-submission', wuxiang.submissionId],
    ]);
    expect(unknown).toContain('没有找到回执编号为2023-9999的网上提交');
    expect(unknownLog.total).toBe(0);
  });

  it('shows the number of an upload no base could be found for in the 待分配 queue and its JSON', async () => {
    // Prepare
    const stray = await upload(inline, '某某县未登记直播基地', '补充材料说明');

    // Act
    const unmatched = await (await inline.request('/unmatched', { headers: { cookie: staff } })).text();
    const status = (await (await inline.request('/api/status', { headers: { cookie: staff } })).json()) as {
      unmatched: { submissionId: string; receipt?: string }[];
    };

    // Assess
    expect(stray.number).toMatch(/^2023-\d{4}$/);
    const entry = unmatched.slice(unmatched.indexOf(`id="u-${stray.submissionId}"`));
    expect(entry).toContain(`<dt>回执编号</dt><dd>${stray.number}</dd>`);
    expect(status.unmatched.find((u) => u.submissionId === stray.submissionId)?.receipt).toBe(stray.number);
  });

  it('lets a bureau find its own city’s base by number, never another city’s', async () => {
    // Act
    const own = await get(`/search?q=${wuxiang.number}`, bureau);
    const other = await get(`/search?q=${youtuo.number}`, bureau);
    const otherText = await other.text();

    // Assess
    expect(own.status).toBe(302);
    expect(own.headers.get('location')).toBe(`/bases/p04#receipt-${wuxiang.number}`);
    expect(other.status).toBe(200);
    expect(otherText).toContain(`没有找到回执编号为${youtuo.number}的网上提交（只能查询本市基地）`);
    expect(otherText).not.toContain('邮拓');
  });

  it('intake receipt prints the base a number belongs to, and fails on an unknown one', async () => {
    // Prepare: the CLI joins this process's stand-ins, as it joins a running `intake start`.
    const dataDir = stack.dataDir;
    await writeStackFile(dataDir, await stack.endpoints());

    // Act
    const printed = await run(process.execPath, [CLI, 'receipt', wuxiang.number, '--data-dir', dataDir]);
    const json = JSON.parse(
      (await run(process.execPath, [CLI, 'receipt', youtuo.number, '--data-dir', dataDir, '--json'])).stdout,
    );
    const unknown = await run(process.execPath, [CLI, 'receipt', '2023-9999', '--data-dir', dataDir]).catch(
      (error: { code: number; stderr: string }) => error,
    );

    // Assess
    expect(printed.stdout).toContain(`回执编号 ${wuxiang.number}：`);
    expect(printed.stdout).toContain('所属基地：武乡县红星杨电子商务产业园（p04）');
    expect(json.receipt).toMatchObject({ number: youtuo.number, submissionId: youtuo.submissionId, baseId: 'p02' });
    expect(json.base).toMatchObject({ baseId: 'p02', name: '邮拓直播电商基地' });
    expect(unknown).toMatchObject({ code: 2 });
    expect((unknown as { stderr: string }).stderr).toContain('没有找到回执编号为2023-9999的网上提交');
  }, 60_000);
});
