/**
 * The upload portal's presigned-POST path on the embedded stack: the app signs, the test sends real multipart forms
 * to s3rver (behind the local POST policy check) with fetch and FormData, then completes the session through the
 * app (inline ingest, as locally) or through ingest-email on the S3 event (queued, as in AWS).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIngestEmailHandler } from '../../functions/ingest-email/handler.ts';
import { logger } from '../../functions/shared/logger.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { DEFAULT_LIMITS, fixedClock } from '../../shared/use-cases/context.ts';
import {
  composedMessageBytes,
  DEFAULT_UPLOAD_PORTAL_LIMITS,
  type UploadPortalLimits,
} from '../../shared/use-cases/upload-sessions.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { startTestStack } from './helpers.ts';
import { type OpenedSession, postForm } from './upload-session-client.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const LIMITS: UploadPortalLimits = {
  maxFiles: 3,
  maxFileBytes: 2 * 1024 * 1024,
  maxTotalBytes: 3 * 1024 * 1024,
  formSeconds: 600,
  // Below what 3 MB of files compose to (about 4.1 MB): a session within the total may still be refused.
  maxMessageBytes: 3.5 * 1024 * 1024,
};

type App = ReturnType<typeof createHttpApp>;

/** The S3 notification the inbox's bucket sends for a new object (what ingest-email receives in AWS). */
function objectCreated(key: string, eventName: string) {
  return {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName,
        eventTime: '2023-11-10T09:00:00.000Z',
        awsRegion: 'us-east-1',
        s3: { bucket: { name: 'intake', arn: 'arn:aws:s3:::intake' }, object: { key } },
      },
    ],
  };
}

function postJson(app: App, path: string, body?: unknown): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

describe('upload portal: sessions with presigned POST on the embedded stack', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let inline: App;
  let queued: App;
  let form: Buffer;
  const evidence = Buffer.from('%PDF-1.4\n% 佐证材料\n'.repeat(2000));

  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => {});
    stack = await startTestStack(fixedClock(new Date('2023-11-10T08:00:00Z')));
    const options = { secret: 'x'.repeat(32), accounts: [], uploadLimits: LIMITS };
    inline = createHttpApp(stack.ctx, { ...options, uploadIngest: 'inline' });
    queued = createHttpApp(stack.ctx, { ...options, uploadIngest: 'queued' });
    form = await buildReportFormXlsx({ header: { baseName: '邮拓直播电商基地' }, values: SAMPLE_FORM_VALUES });
  }, 120_000);
  afterAll(async () => {
    await stack?.dispose();
    vi.restoreAllMocks();
  });

  async function open(app: App, files: { fileName: string; size: number; contentType?: string }[]) {
    const response = await postJson(app, '/api/uploads/sessions', {
      base: '邮拓直播电商基地',
      email: 'youtuo@163.com',
      files,
    });
    return { response, body: (await response.json()) as OpenedSession & { error?: string } };
  }

  it('uploads each file straight to storage and completes into one submission, the same on a second completion', async () => {
    // Prepare
    const { response, body: session } = await open(inline, [
      { fileName: '邮拓直播电商基地经营服务情况报告表.xlsx', size: form.length, contentType: XLSX },
      { fileName: '佐证材料 第1册.pdf', size: evidence.length, contentType: 'application/pdf' },
    ]);
    const [formFile, evidenceFile] = session.files;

    // Act
    const posts = [
      await postForm(formFile!.upload, form, formFile!.fileName),
      await postForm(evidenceFile!.upload, evidence, evidenceFile!.fileName),
    ];
    const first = await postJson(inline, session.completeUrl);
    const second = await postJson(inline, session.completeUrl);

    // Assess
    expect(response.status).toBe(201);
    expect(session.sessionId).toMatch(/^u-[0-9a-f]{32}$/);
    expect(formFile!.key).toBe(`uploads/${session.sessionId}/1`);
    expect(formFile!.upload.fields['x-amz-meta-filename']).toBe(encodeURIComponent(formFile!.fileName));
    expect(posts.map((p) => p.status)).toEqual([204, 204]);
    const head = await stack.ctx.uploads?.head(evidenceFile!.key);
    expect(head).toMatchObject({ size: evidence.length, contentType: 'application/pdf' });
    expect(decodeURIComponent(head?.metadata.filename ?? '')).toBe('佐证材料 第1册.pdf');

    expect(first.status).toBe(201);
    const done = (await first.json()) as Record<string, unknown>;
    expect(done).toMatchObject({
      sessionId: session.sessionId,
      rawKey: `inbox/upload/${session.sessionId}.eml`,
      ingest: 'inline',
      repeated: false,
    });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ ...done, repeated: true });

    const submission = await stack.ctx.records.submissions.get(String(done.submissionId));
    expect(submission).toMatchObject({
      channel: 'upload',
      rawKey: `inbox/upload/${session.sessionId}.eml`,
      baseId: 'p02',
      receivedAt: done.receivedAt,
      receivedAtSource: 'transport',
      state: 'processed',
    });
    const documents = await stack.ctx.records.documents.listBySubmission(String(done.submissionId));
    expect(documents.map((d) => d.fileName).sort()).toEqual([evidenceFile!.fileName, formFile!.fileName].sort());
    const raw = (await stack.ctx.blobs.get(`inbox/upload/${session.sessionId}.eml`)).toString('latin1');
    expect(raw).toMatch(/^X-Intake-Channel: upload$/m);
    expect(await stack.ctx.records.submissions.listByBase('p02')).toHaveLength(1);
  });

  it('storage refuses a file outside the signed size, a form for another key and a forged signature', async () => {
    // Prepare
    const { body: session } = await open(inline, [
      { fileName: '报告.pdf', size: 1000, contentType: 'application/pdf' },
    ]);
    const upload = session.files[0]!.upload;

    // Act
    const tooLarge = await postForm(upload, Buffer.alloc(1001, 1), '报告.pdf');
    const tooSmall = await postForm(upload, Buffer.alloc(999, 1), '报告.pdf');
    const otherKey = await postForm(
      { ...upload, fields: { ...upload.fields, key: 'inbox/evil.eml' } },
      Buffer.alloc(1000, 1),
      'x',
    );
    const forged = await postForm(
      { ...upload, fields: { ...upload.fields, 'X-Amz-Signature': '0'.repeat(64) } },
      Buffer.alloc(1000, 1),
      'x',
    );
    const early = await postJson(inline, session.completeUrl);

    // Assess
    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.text()).toContain('EntityTooLarge');
    expect(tooSmall.status).toBe(400);
    expect(await tooSmall.text()).toContain('EntityTooSmall');
    expect(otherKey.status).toBe(403);
    expect(forged.status).toBe(403);
    expect(await stack.ctx.blobs.exists(session.files[0]!.key)).toBe(false);
    expect(await stack.ctx.blobs.exists('inbox/evil.eml')).toBe(false);
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({
      problems: [{ n: 1, fileName: '报告.pdf', problem: 'missing', expectedSize: 1000, actualSize: null }],
    });
  });

  it('refuses sessions over the configured limits, naming the limit', async () => {
    // Act
    const tooMany = await open(
      inline,
      [1, 2, 3, 4].map((n) => ({ fileName: `${n}.pdf`, size: 10 })),
    );
    const tooBig = await open(inline, [{ fileName: 'big.mp4', size: LIMITS.maxFileBytes + 1 }]);
    const tooMuch = await open(inline, [
      { fileName: 'a.mp4', size: LIMITS.maxFileBytes },
      { fileName: 'b.mp4', size: LIMITS.maxFileBytes },
    ]);
    const encodedTooMuch = await open(inline, [
      { fileName: 'a.mp4', size: 1_400_000 },
      { fileName: 'b.mp4', size: 1_400_000 },
    ]);
    const empty = await open(inline, []);
    const unknown = await postJson(inline, '/api/uploads/sessions/u-00000000000000000000000000000000/complete');
    const malformed = await postJson(inline, '/api/uploads/sessions/..%2Fsession/complete');

    // Assess
    expect([tooMany, tooBig, tooMuch, encodedTooMuch, empty].map((r) => r.response.status)).toEqual([
      400, 400, 400, 400, 400,
    ]);
    expect(encodedTooMuch.body.error).toContain('文件编码后的总大小超过4MB的上限，请分两次上传');
    expect(tooMany.body.error).toContain('一次最多上传3个文件');
    expect(tooBig.body.error).toContain('单个文件不能超过2MB');
    expect(tooMuch.body.error).toContain('文件总大小不能超过3MB');
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
  });

  it('by default, a full session composes to a message the intake reads whole', () => {
    const { maxFiles, maxFileBytes, maxTotalBytes, maxMessageBytes } = DEFAULT_UPLOAD_PORTAL_LIMITS;
    const fewLarge = [maxFileBytes, maxTotalBytes - maxFileBytes];
    const manySmall = Array.from({ length: maxFiles }, () => maxTotalBytes / maxFiles);
    expect(maxMessageBytes).toBe(DEFAULT_LIMITS.maxStoredMessageBytes);
    for (const sizes of [fewLarge, manySmall]) expect(composedMessageBytes(sizes)).toBeLessThan(maxMessageBytes);
    // What a 500 MB session (the old default) composed to: over the intake's limit, so it went unread.
    expect(composedMessageBytes([200, 200, 100].map((mb) => mb * 1024 * 1024))).toBeGreaterThan(maxMessageBytes);
  });

  it('queued (AWS): completion stores the message under inbox/upload/ and ingest-email makes it the announced submission', async () => {
    // Prepare
    const content = Buffer.from('补充材料：直播间照片说明。'.repeat(50));
    const { body: session } = await open(queued, [
      { fileName: '补充说明.txt', size: content.length, contentType: 'text/plain' },
    ]);
    await postForm(session.files[0]!.upload, content, '补充说明.txt');
    const handler = createIngestEmailHandler({ context: async () => stack.ctx, scanCheck: null });

    // Act
    const completed = await postJson(queued, session.completeUrl);
    const done = (await completed.json()) as { submissionId: string; rawKey: string; receivedAt: string };
    const before = await stack.ctx.records.submissions.get(done.submissionId);
    const ingest = await handler(objectCreated(done.rawKey, 'ObjectCreated:CompleteMultipartUpload'));

    // Assess
    expect(completed.status).toBe(201);
    expect(done).toMatchObject({ ingest: 'queued', rawKey: `inbox/upload/${session.sessionId}.eml` });
    expect(before).toBeNull();
    const head = await stack.ctx.uploads?.head(done.rawKey);
    expect(head?.metadata['received-at']).toBe(done.receivedAt);
    expect(ingest).toEqual({ objects: [{ key: done.rawKey, outcome: 'ingested' }] });
    const raw = await stack.ctx.blobs.get(done.rawKey);
    expect(done.submissionId).toBe(`s-${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`);
    expect(await stack.ctx.records.submissions.get(done.submissionId)).toMatchObject({
      channel: 'upload',
      receivedAt: done.receivedAt,
      receivedAtSource: 'transport',
    });
  });

  it('queued (AWS): a direct upload goes to inbox/upload/ unread, and ingest-email makes it the announced submission', async () => {
    // Prepare
    const form = new FormData();
    form.set('base', '腾锐电商孵化基地');
    form.set('email', 'base@example.cn');
    form.append('files', new Blob([Buffer.from('直播间照片说明'.repeat(40))], { type: 'text/plain' }), '说明.txt');
    const handler = createIngestEmailHandler({ context: async () => stack.ctx, scanCheck: null });

    // Act
    const response = await queued.request('/api/uploads', { method: 'POST', body: form });
    const queuedUpload = (await response.json()) as { rawKey: string; submissionId: string; receivedAt: string };
    const before = await stack.ctx.records.submissions.get(queuedUpload.submissionId);
    const ingest = await handler(objectCreated(queuedUpload.rawKey, 'ObjectCreated:Put'));

    // Assess
    expect(response.status).toBe(202);
    expect(queuedUpload.rawKey).toMatch(/^inbox\/upload\/direct-[0-9a-f]{32}\.eml$/);
    expect(before).toBeNull();
    expect(ingest).toEqual({ objects: [{ key: queuedUpload.rawKey, outcome: 'ingested' }] });
    const submission = await stack.ctx.records.submissions.get(queuedUpload.submissionId);
    expect(submission).toMatchObject({ channel: 'upload', receivedAt: queuedUpload.receivedAt, baseId: 'p23' });
    const documents = await stack.ctx.records.documents.listBySubmission(queuedUpload.submissionId);
    expect(documents.map((d) => d.fileName)).toEqual(['说明.txt']);
  });

  it('composes the same bytes when a completion is repeated before it was recorded (concurrent calls)', async () => {
    // Prepare
    const content = Buffer.from('同一份材料');
    const { body: session } = await open(queued, [{ fileName: 'a.txt', size: content.length }]);
    await postForm(session.files[0]!.upload, content, 'a.txt');

    // Act
    const [a, b] = await Promise.all([postJson(queued, session.completeUrl), postJson(queued, session.completeUrl)]);

    // Assess
    const [first, second] = [
      (await a.json()) as { submissionId: string },
      (await b.json()) as { submissionId: string },
    ];
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(first.submissionId).toMatch(/^s-[0-9a-f]{32}$/);
    expect(first.submissionId).toBe(second.submissionId);
  });
});
