/**
 * Intake of a message the receiving service stored (SES's S3 action): read from the blob store as a stream, never
 * whole in memory. The same bytes must give the same records as the in-memory path, quirks included.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentRecord, Submission } from '../../shared/domain/records.ts';
import type { BlobStore } from '../../shared/ports/index.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { ingestMessage, ingestStoredMessage } from '../../shared/use-cases/intake.ts';
import { RecordingMailer } from '../fixtures/notices.ts';
import {
  base64Lines,
  bytes,
  encodedWordB,
  forwardedMessage,
  gbkEvidenceZip,
  messageIdFor,
  multipartWithoutBoundary,
  noClosingBoundary,
  type QuirkyMessage,
  raw8bitLegacySubject,
  rawGbkNameParameter,
  rfc2231Continuations,
  sampleBytes,
  tnefAttachment,
  wellFormedMessage,
} from '../fixtures/quirky-mail.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { startTestStack } from './helpers.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What a reader of the records sees of one submission, ids included. */
async function view(ctx: AppContext, submissionId: string) {
  const submission = (await ctx.records.submissions.get(submissionId)) as Submission;
  const documents = await ctx.records.documents.listBySubmission(submissionId);
  const codes = (findings: { code: string }[]) => findings.map((f) => f.code).sort();
  return {
    id: submission.id,
    rawSha256: submission.rawSha256,
    rawSize: submission.rawSize,
    state: submission.state,
    baseId: submission.baseId,
    subject: submission.subject,
    from: submission.from,
    messageId: submission.messageId,
    codes: codes(submission.findings),
    documents: documents
      .map((doc: DocumentRecord) => ({
        id: doc.id,
        fileName: doc.fileName,
        folderPath: doc.folderPath,
        sha256: doc.sha256,
        kind: doc.kind,
        indicator: doc.indicator,
        formHeader: doc.formHeader,
        codes: codes(doc.findings),
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** A context whose blob store records the keys read whole (get) and the ones read as streams (read). */
function watched(ctx: AppContext): {
  ctx: AppContext;
  wholeReads: string[];
  streamReads: string[];
  headerReads: string[];
} {
  const wholeReads: string[] = [];
  const streamReads: string[] = [];
  const headerReads: string[] = [];
  const blobs: BlobStore = {
    put: (key, body, meta) => ctx.blobs.put(key, body, meta),
    get: (key) => {
      wholeReads.push(key);
      return ctx.blobs.get(key);
    },
    getStream: (key) => {
      headerReads.push(key);
      return ctx.blobs.getStream(key);
    },
    read: (key) => {
      streamReads.push(key);
      return ctx.blobs.read(key);
    },
    exists: (key) => ctx.blobs.exists(key),
    list: (prefix) => ctx.blobs.list(prefix),
  };
  return { ctx: { ...ctx, blobs }, wholeReads, streamReads, headerReads };
}

/**
 * A large message whose last attachment has a raw GBK name (no RFC 2047/2231), after several MB of other
 * attachments: the streamed reader must still find those bytes to decode the name.
 */
function largeMessageWithLateGbkName(baseName: string): { raw: Buffer; lateName: string } {
  const lateName = `${baseName}从业人员花名册.xls`;
  const boundary = '=====late_gbk_name=====';
  const photo = (n: number) =>
    `--${boundary}\nContent-Type: image/jpeg; name="photo${n}.jpg"\nContent-Transfer-Encoding: base64\n\n` +
    base64Lines(sampleBytes(`late-gbk photo ${n}`, 1024 * 1024));
  const raw = bytes(
    `Subject: ${encodedWordB(`${baseName}申报材料`, 'GBK')}\n`,
    'From: base@example.cn\n',
    `Message-ID: ${messageIdFor(`late-gbk-name/${baseName}`)}\n`,
    'Date: Wed, 8 Nov 2023 10:00:00 +0800\n',
    'MIME-Version: 1.0\n',
    `Content-Type: multipart/mixed; boundary="${boundary}"\n\n`,
    `--${boundary}\nContent-Type: text/plain; charset="GB2312"\n\n`,
    iconv.encode('材料见附件\n', 'gbk'),
    ...[1, 2, 3].map(photo),
    `--${boundary}\nContent-Type: application/octet-stream; name="`,
    iconv.encode(lateName, 'gbk'),
    '"\nContent-Transfer-Encoding: base64\n\n',
    base64Lines(sampleBytes('late-gbk roster', 2000)),
    `--${boundary}--\n`,
  );
  return { raw, lateName };
}

describe('intake of a stored message, read as a stream', () => {
  let memory: Stack;
  let stored: Stack;
  let form: Buffer;
  let evidenceZip: Buffer;
  beforeAll(async () => {
    evidenceZip = (await gbkEvidenceZip('stored')).zip;
    [memory, stored] = await Promise.all([startTestStack(), startTestStack()]);
    form = await buildReportFormXlsx({
      header: { baseName: '邮拓直播电商基地' },
      values: SAMPLE_FORM_VALUES,
      layout: 'template',
    });
  });
  afterAll(async () => {
    await Promise.all([memory?.dispose(), stored?.dispose()]);
  });

  const cases: { name: string; build: () => QuirkyMessage }[] = [
    {
      name: 'a report form, a zip with GBK names and a photo',
      build: () =>
        wellFormedMessage({
          subject: '邮拓直播电商基地综合评价材料',
          messageId: messageIdFor('stored-form-zip'),
          attachments: [
            { fileName: '邮拓直播电商基地经营服务情况报告表.xlsx', content: form, contentType: XLSX },
            { fileName: '证明材料.zip', content: evidenceZip, contentType: 'application/zip' },
            { fileName: '直播间.jpg', content: sampleBytes('stored photo', 300_000), contentType: 'image/jpeg' },
          ],
        }),
    },
    { name: 'a raw GBK name= parameter', build: () => rawGbkNameParameter({ baseName: '腾锐电商孵化基地' }) },
    {
      name: 'a raw 8-bit Big5 subject',
      build: () => raw8bitLegacySubject({ baseName: '龙巅兴趣直播基地', charset: 'big5' }),
    },
    {
      name: 'RFC 2231 GBK continuations',
      build: () => rfc2231Continuations({ baseName: '拓客来直播电商产业基地', charset: 'GBK' }),
    },
    { name: 'no closing boundary', build: () => noClosingBoundary({ baseName: '山西农谷电商直播基地' }) },
    { name: 'multipart without boundary', build: () => multipartWithoutBoundary({ baseName: '山西千万亿直播基地' }) },
    { name: 'a TNEF attachment', build: () => tnefAttachment({ baseName: '武乡县红星杨电子商务产业园' }) },
    {
      name: 'a forwarded submission',
      build: () =>
        forwardedMessage(rawGbkNameParameter({ baseName: '腾锐电商孵化基地', messageId: messageIdFor('inner-fwd') }), {
          subject: '转发：腾锐电商孵化基地申报材料',
        }),
    },
  ];

  it.each(cases)('records $name exactly as the in-memory path does', async ({ build }) => {
    // Prepare
    const message = build();
    const key = `inbox/${sha256(message.raw).slice(0, 12)}.eml`;
    await stored.ctx.blobs.put(key, message.raw, { contentType: 'message/rfc822' });
    const watch = watched(stored.ctx);

    // Act
    const fromMemory = await ingestMessage(memory.ctx, { raw: message.raw, channel: 'cli', rawKey: key });
    await memory.ctx.blobs.put(key, message.raw);
    const fromStore = await ingestStoredMessage(watch.ctx, { key, channel: 'cli' });

    // Assess
    expect(fromStore.submissionId).toBe(`s-${sha256(message.raw).slice(0, 32)}`);
    expect(fromStore.submissionId).toBe(fromMemory.submissionId);
    const streamed = await view(stored.ctx, fromStore.submissionId);
    expect(streamed).toEqual(await view(memory.ctx, fromMemory.submissionId));
    expect(streamed.rawSha256).toBe(sha256(message.raw));
    expect(streamed.rawSize).toBe(message.raw.length);
    // Never read whole: one streamed read of the message, and no document blob read back either.
    expect(watch.wholeReads).toEqual([]);
    expect(watch.streamReads).toEqual([key]);
    // The acknowledgement may read the header block again, as a stream too.
    expect(watch.headerReads.every((k) => k === key)).toBe(true);
  });

  it('decodes a raw GBK name that comes after several MB of other attachments', async () => {
    // Prepare
    const { raw, lateName } = largeMessageWithLateGbkName('腾锐电商孵化基地');
    const key = 'inbox/late-gbk-name.eml';
    await stored.ctx.blobs.put(key, raw);

    // Act
    const result = await ingestStoredMessage(stored.ctx, { key, channel: 'cli' });

    // Assess
    const documents = await stored.ctx.records.documents.listBySubmission(result.submissionId);
    expect(raw.length).toBeGreaterThan(4 * 1024 * 1024);
    expect(documents.map((d) => d.fileName).sort()).toEqual(
      ['photo1.jpg', 'photo2.jpg', 'photo3.jpg', lateName].sort(),
    );
    expect(result.baseId).not.toBeNull();
  });

  it('records a stored message over the size limit unopened, with its header facts and its hash, and tells the sender', async () => {
    // Prepare
    const message = rawGbkNameParameter({ baseName: '腾锐电商孵化基地', messageId: messageIdFor('stored-too-large') });
    const key = 'inbox/too-large.eml';
    await stored.ctx.blobs.put(key, message.raw);
    const mailer = new RecordingMailer();
    const ctx = { ...stored.ctx, mailer, limits: { ...stored.ctx.limits, maxStoredMessageBytes: 500 } };

    // Act
    const result = await ingestStoredMessage(ctx, { key, channel: 'cli' });

    // Assess
    const submission = await stored.ctx.records.submissions.get(result.submissionId);
    expect(result.submissionId).toBe(`s-${sha256(message.raw).slice(0, 32)}`);
    expect(submission?.findings.map((f) => f.code)).toContain('intake.message-too-large');
    expect(submission?.subject).toBe(message.subject);
    expect(await stored.ctx.records.documents.listBySubmission(result.submissionId)).toEqual([]);
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.to).toEqual([submission?.from?.match(/[^<\s]+@[^>\s]+/)?.[0]]);
    expect(mailer.sent[0]?.text).toContain('超过');
    expect(mailer.sent[0]?.text).toContain('上传通道');
  });

  it('reads a stored message over the in-memory limit, since only its attachments are held', async () => {
    // Prepare
    const message = rawGbkNameParameter({
      baseName: '腾锐电商孵化基地',
      messageId: messageIdFor('stored-over-memory'),
    });
    const key = 'inbox/over-memory-limit.eml';
    await stored.ctx.blobs.put(key, message.raw);
    const ctx = { ...stored.ctx, limits: { ...stored.ctx.limits, maxMessageBytes: 500 } };

    // Act
    const result = await ingestStoredMessage(ctx, { key, channel: 'cli' });

    // Assess
    const submission = await stored.ctx.records.submissions.get(result.submissionId);
    expect(message.raw.length).toBeGreaterThan(500);
    expect(submission?.findings.map((f) => f.code)).not.toContain('intake.message-too-large');
    const documents = await stored.ctx.records.documents.listBySubmission(result.submissionId);
    expect(documents.map((d) => d.fileName)).toEqual(message.attachments.map((a) => a.fileName));
  });

  it('quarantines a stored SES message whose virus verdict failed, without opening it', async () => {
    // Prepare
    const message = wellFormedMessage({
      subject: '腾锐电商孵化基地申报材料',
      messageId: messageIdFor('stored-virus'),
      headersOnTop: ['X-SES-Virus-Verdict: FAIL', 'X-SES-Spam-Verdict: PASS'],
      attachments: [{ fileName: '材料.pdf', content: sampleBytes('virus', 5000), contentType: 'application/pdf' }],
    });
    const key = 'inbox/virus.eml';
    await stored.ctx.blobs.put(key, message.raw);

    // Act
    const result = await ingestStoredMessage(stored.ctx, { key, channel: 'ses' });

    // Assess
    const submission = await stored.ctx.records.submissions.get(result.submissionId);
    expect(submission?.quarantine?.reasons.join(' ')).toContain('virus');
    expect(submission?.subject).toBe(message.subject);
    expect(await stored.ctx.records.documents.listBySubmission(result.submissionId)).toEqual([]);
    expect(await stored.ctx.blobs.exists(`documents/${sha256(sampleBytes('virus', 5000))}`)).toBe(false);
  });

  it('fails when the stored stream breaks off, records nothing half-read, and a retry records it whole', async () => {
    // Prepare
    const { raw } = largeMessageWithLateGbkName('龙巅兴趣直播基地');
    const key = 'inbox/broken-stream.eml';
    await stored.ctx.blobs.put(key, raw);
    const blobs = stored.ctx.blobs;
    const breaking: BlobStore = {
      put: (k, body, meta) => blobs.put(k, body, meta),
      get: (k) => blobs.get(k),
      getStream: (k) => blobs.getStream(k),
      exists: (k) => blobs.exists(k),
      list: (prefix) => blobs.list(prefix),
      read: async () => ({
        size: raw.length,
        body: Readable.from(
          (async function* () {
            yield raw.subarray(0, 1024 * 1024);
            throw new Error('connection reset by peer');
          })(),
        ),
      }),
    };
    const id = `s-${sha256(raw).slice(0, 32)}`;

    // Act
    const failed = ingestStoredMessage({ ...stored.ctx, blobs: breaking }, { key, channel: 'cli' });

    // Assess
    await expect(failed).rejects.toThrow();
    expect(await stored.ctx.records.submissions.get(id)).toBeNull();
    const retried = await ingestStoredMessage(stored.ctx, { key, channel: 'cli' });
    expect(retried.submissionId).toBe(id);
    expect(await stored.ctx.records.documents.listBySubmission(id)).toHaveLength(4);
  });
});
