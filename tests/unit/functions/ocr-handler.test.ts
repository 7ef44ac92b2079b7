/**
 * The ocr function on the embedded stack (dynalite, s3rver), through the code path Lambda runs: the ingest function
 * in the mode it has in AWS (INTAKE_OCR=deferred, scans handed on as request objects under ocr/requests/) meets a
 * real scan, and the ocr handler, invoked with the S3 notification of that request, recognises it with tesseract.js
 * and the model from node_modules, writes the text beside the document, replaces the record and re-evaluates the
 * base. One OCR worker: the machine's cores are shared.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIngestEmailHandler } from '../../../functions/ingest-email/handler.ts';
import { createOcrHandler } from '../../../functions/ocr/handler.ts';
import { logger } from '../../../functions/shared/logger.ts';
import { s3ClientForEndpoint } from '../../../shared/adapters/aws/s3-blob-store.ts';
import { ocrRequestKey, S3OcrHandOff } from '../../../shared/adapters/aws/s3-ocr-hand-off.ts';
import { configureOcr, OCR_PENDING_CODE, ocrMode } from '../../../shared/parsing/ocr.ts';
import { type AppContext, fixedClock } from '../../../shared/use-cases/context.ts';
import { ocrTextKey } from '../../../shared/use-cases/recognise-scan.ts';
import { buildEmail } from '../../fixtures/email.ts';
import { buildReadableScanPdf } from '../../fixtures/scanned-report.ts';
import { startTestStack } from '../../integration/helpers.ts';

/** The bucket of the local context (shared/composition/local.ts). */
const LOCAL_BUCKET = 'intake';
const BASE = '邮拓直播电商基地';
const MAIL_KEY = 'inbox/manual/邮拓 扫描件.eml';
const SCAN_NAME = '附件3 自评报告（盖章扫描件）.pdf';

/** An S3 object-created notification, as S3 sends it to Lambda (keys form-encoded). */
function objectCreated(key: string) {
  return {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: '2023-11-09T02:00:00.000Z',
        awsRegion: 'cn-north-1',
        s3: {
          bucket: { name: LOCAL_BUCKET, arn: `arn:aws:s3:::${LOCAL_BUCKET}` },
          object: { key: encodeURIComponent(key).replace(/%20/g, '+') },
        },
      },
    ],
  };
}

describe('ocr handler on the embedded stack, with a scanned self-assessment', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let ctx: AppContext;
  const modeBefore = ocrMode();

  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => {});
    stack = await startTestStack(fixedClock(new Date('2023-11-09T02:00:00Z')));
    // The ingest function's context in AWS: scans are handed to the ocr function.
    ctx = { ...stack.ctx, ocr: new S3OcrHandOff(stack.ctx.blobs) };
    const raw = await buildEmail({
      subject: `${BASE}综合评价材料（自评报告扫描件）`,
      from: `"${BASE}" <youtuo_zbds@163.com>`,
      to: 'intake@example.gov.cn',
      receivedAt: new Date('2023-11-09T01:30:00Z'),
      messageId: '<scan-ocr-handler@163.com>',
      attachments: [
        {
          filename: SCAN_NAME,
          content: await buildReadableScanPdf({ baseName: BASE }),
          contentType: 'application/pdf',
        },
      ],
    });
    const s3 = s3ClientForEndpoint((await stack.endpoints()).s3);
    await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: MAIL_KEY, Body: raw }));
    s3.destroy();
  });

  afterAll(async () => {
    configureOcr({ mode: modeBefore });
    await stack?.dispose();
    vi.restoreAllMocks();
  });

  it('ingest leaves the scan pending and hands it on; the ocr function reads it and re-evaluates the base', async () => {
    // Prepare: ingest as it runs in AWS.
    configureOcr({ mode: 'deferred' });
    const ingest = createIngestEmailHandler({ context: async () => ctx, scanCheck: null });
    expect(await ingest(objectCreated(MAIL_KEY))).toEqual({ objects: [{ key: MAIL_KEY, outcome: 'ingested' }] });
    configureOcr({ mode: 'inline' });
    const [submission] = await stack.ctx.records.submissions.listByBase('p02');
    const pending = (await stack.ctx.records.documents.listBySubmission(submission!.id)).find(
      (d) => d.fileName === SCAN_NAME,
    )!;
    expect(pending.kind).toBe('self-assessment');
    expect(pending.findings.map((f) => f.code)).toEqual([OCR_PENDING_CODE]);
    const requestKey = ocrRequestKey({ submissionId: submission!.id, sha256: pending.sha256 });
    expect(await stack.ctx.blobs.exists(requestKey)).toBe(true);
    const revision = await stack.ctx.records.statuses.getRevision('p02');
    const handler = createOcrHandler({ context: async () => stack.ctx, ocr: { concurrency: 1 } });

    // Act: the S3 notification of the request object, as Lambda receives it.
    const response = await handler(objectCreated(requestKey));

    // Assess: recognised, text beside the document, record replaced, base re-evaluated.
    expect(response.documents).toEqual([
      expect.objectContaining({
        sha256: pending.sha256,
        outcome: 'recognised',
        ocr: 'ok',
        pages: { read: 3, total: 3 },
        textKey: ocrTextKey(pending.blobKey),
        baseId: 'p02',
      }),
    ]);
    const text = (await stack.ctx.blobs.get(ocrTextKey(pending.blobKey))).toString('utf8');
    expect(text).toContain(BASE);
    const read = (await stack.ctx.records.documents.listBySubmission(submission!.id)).find(
      (d) => d.sha256 === pending.sha256,
    )!;
    expect(read.findings.map((f) => f.code)).not.toContain(OCR_PENDING_CODE);
    expect(read.findings).toContainEqual(expect.objectContaining({ code: 'report.ocr', document: SCAN_NAME }));
    expect(read.report?.cover.baseName).toBe(BASE);
    expect(read.report?.figures.gmv?.value).toBe(12000);
    expect(await stack.ctx.records.statuses.getRevision('p02')).toBeGreaterThan(revision);
    const [status] = (await stack.ctx.records.statuses.list()).filter((s) => s.baseId === 'p02');
    expect(JSON.stringify(status)).not.toContain(OCR_PENDING_CODE);
  });

  it('does nothing for a document whose OCR is done already (a retried or repeated request)', async () => {
    // Prepare
    const [submission] = await stack.ctx.records.submissions.listByBase('p02');
    const doc = (await stack.ctx.records.documents.listBySubmission(submission!.id)).find(
      (d) => d.fileName === SCAN_NAME,
    )!;
    const handler = createOcrHandler({ context: async () => stack.ctx, ocr: { concurrency: 1 } });

    // Act: a direct invocation with the request itself.
    const response = await handler({ submissionId: submission!.id, sha256: doc.sha256 });

    // Assess
    expect(response.documents).toEqual([{ sha256: doc.sha256, outcome: 'not-pending', baseId: 'p02' }]);
  });
});
