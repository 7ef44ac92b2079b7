/**
 * Each handler run with the sample events of `events/` through the code path Lambda runs (the exported factories
 * the Lambda entry points are built with), on the real use cases and a real context on the embedded stack
 * (dynalite, s3rver, local SES): the raw mail is put at the key the sample event names, as SES or staff would.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PutObjectCommand, PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../../../functions/api/handler.ts';
import { createEvaluateHandler } from '../../../functions/evaluate/handler.ts';
import { createImapPickupHandler } from '../../../functions/imap-pickup/handler.ts';
import { createIngestEmailHandler } from '../../../functions/ingest-email/handler.ts';
import { createNotifyHandler } from '../../../functions/notify/handler.ts';
import { logger } from '../../../functions/shared/logger.ts';
import { S3TagScanCheck, SCAN_STATUS_TAG } from '../../../shared/adapters/aws/malware-scan.ts';
import { s3ClientForEndpoint } from '../../../shared/adapters/aws/s3-blob-store.ts';
import { S3ReprocessHandOff } from '../../../shared/adapters/aws/s3-reprocess-hand-off.ts';
import { S3UploadStorage } from '../../../shared/adapters/aws/s3-upload-storage.ts';
import { imapConfigFromEnv } from '../../../shared/adapters/imap/imap-settings.ts';
import { createHttpApp } from '../../../shared/http/app.ts';
import { fixedClock } from '../../../shared/use-cases/context.ts';
import { buildEmail } from '../../fixtures/email.ts';
import { startDovecot } from '../../integration/dovecot.ts';
import { startTestStack } from '../../integration/helpers.ts';
import { describeNeeding } from '../../support/requirements.ts';

/** The bucket of the local context (shared/composition/local.ts). */
const LOCAL_BUCKET = 'intake';

/** The keys the sample events name. */
const SES_KEY = 'inbox/k5t1d1lq0b7g0n2ueh8s1r3c8m3p4a9v6o2fhj01';
const MANUAL_KEY = 'inbox/manual/邮拓直播电商基地 评价材料.eml';

// biome-ignore lint/suspicious/noExplicitAny: samples are read as the loose JSON they are
function sampleEvent(fileName: string): any {
  return JSON.parse(readFileSync(new URL(`../../../events/${fileName}`, import.meta.url), 'utf8'));
}

function submissionIdOf(raw: Buffer): string {
  return `s-${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
}

function submissionMail(subject: string, receivedAt: string): Promise<Buffer> {
  return buildEmail({
    subject,
    from: '"邮拓直播电商基地" <youtuo_zbds@163.com>',
    to: 'intake@example.gov.cn',
    receivedAt: new Date(receivedAt),
    messageId: `<${createHash('md5').update(subject).digest('hex')}@163.com>`,
  });
}

type Stack = Awaited<ReturnType<typeof startTestStack>>;

async function putRaw(stack: Stack, key: string, raw: Buffer | undefined, tags?: string): Promise<void> {
  const s3 = s3ClientForEndpoint((await stack.endpoints()).s3);
  try {
    if (raw) {
      await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: raw, ContentType: 'message/rfc822' }));
    }
    if (tags) {
      await s3.send(
        new PutObjectTaggingCommand({
          Bucket: LOCAL_BUCKET,
          Key: key,
          Tagging: { TagSet: [{ Key: SCAN_STATUS_TAG, Value: tags }] },
        }),
      );
    }
  } finally {
    s3.destroy();
  }
}

describe('handlers on the embedded stack, with the sample events', () => {
  let stack: Stack;
  let sesMail: Buffer;
  let manualMail: Buffer;

  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => {});
    // The morning of the deadline day, as the sample schedule says.
    stack = await startTestStack(fixedClock(new Date('2023-11-10T01:00:00Z')));
    sesMail = await submissionMail('关于报送邮拓直播电商基地2023年度综合评价材料的函', '2023-11-10T07:42:18Z');
    manualMail = await submissionMail('邮拓直播电商基地 评价材料（补充）', '2023-11-10T08:05:00Z');
    await putRaw(stack, SES_KEY, sesMail);
    await putRaw(stack, MANUAL_KEY, manualMail);
  });

  afterAll(async () => {
    await stack?.dispose();
    vi.restoreAllMocks();
  });

  it('ingest-email: the SES receipt notification ingests the mail stored at its object key', async () => {
    // Prepare
    const handler = createIngestEmailHandler({ context: async () => stack.ctx, scanCheck: null });

    // Act
    const response = await handler(sampleEvent('ses-receipt-s3-action.json'));

    // Assess
    expect(response).toEqual({ objects: [{ key: SES_KEY, outcome: 'ingested' }] });
    const submission = await stack.ctx.records.submissions.get(submissionIdOf(sesMail));
    expect(submission).toMatchObject({ channel: 'ses', rawKey: SES_KEY, baseId: 'p02' });
  });

  it('ingest-email: the SQS batch of S3 notifications ingests both objects (one URL-encoded) and skips the test event', async () => {
    // Prepare
    const handler = createIngestEmailHandler({ context: async () => stack.ctx, scanCheck: null });

    // Act
    const response = await handler(sampleEvent('sqs-s3-object-created.json'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const manual = await stack.ctx.records.submissions.get(submissionIdOf(manualMail));
    expect(manual).toMatchObject({ rawKey: MANUAL_KEY, baseId: 'p02' });
    // The SES object was ingested by the previous test: the same bytes are one submission, not two.
    expect(await stack.ctx.records.submissions.listByBase('p02')).toHaveLength(2);
  });

  it('ingest-email: the direct S3 event finds the object under its decoded key (a duplicate by now)', async () => {
    // Prepare
    const handler = createIngestEmailHandler({ context: async () => stack.ctx, scanCheck: null });

    // Act
    const response = await handler(sampleEvent('s3-object-created.json'));

    // Assess
    expect(response).toEqual({ objects: [{ key: MANUAL_KEY, outcome: 'duplicate' }] });
  });

  it('ingest-email with the scan gate: retries an untagged object, quarantines an infected one unopened, reads a clean one', async () => {
    // Prepare
    const pendingMail = await submissionMail('扫描中的材料', '2023-11-10T09:00:00Z');
    const infectedMail = await submissionMail('带病毒的材料', '2023-11-10T09:01:00Z');
    const pendingKey = 'inbox/scan-pending';
    const infectedKey = 'inbox/scan-infected';
    await putRaw(stack, pendingKey, pendingMail);
    await putRaw(stack, infectedKey, infectedMail, 'THREATS_FOUND');
    const event = sampleEvent('sqs-s3-object-created.json');
    event.Records[0].body = event.Records[0].body.replace(SES_KEY, pendingKey);
    event.Records[1].body = JSON.stringify({
      Records: [
        {
          ...JSON.parse(event.Records[1].body).Records[0],
          s3: { bucket: { name: 'b', arn: 'arn' }, object: { key: infectedKey } },
        },
      ],
    });
    const s3 = s3ClientForEndpoint((await stack.endpoints()).s3);
    const handler = createIngestEmailHandler({
      context: async () => stack.ctx,
      scanCheck: new S3TagScanCheck(LOCAL_BUCKET, s3),
    });

    try {
      // Act
      const first = await handler(event);
      await putRaw(stack, pendingKey, pendingMail, 'NO_THREATS_FOUND');
      const retry = await handler({ ...event, Records: [event.Records[0]] });

      // Assess
      expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0].messageId }] });
      expect(retry).toEqual({ batchItemFailures: [] });
      expect(await stack.ctx.records.submissions.get(submissionIdOf(infectedMail))).toMatchObject({
        quarantine: { reasons: ['恶意软件扫描 malware scan'] },
        baseId: null,
      });
      expect(await stack.ctx.records.documents.listBySubmission(submissionIdOf(infectedMail))).toEqual([]);
      expect(await stack.ctx.records.submissions.get(submissionIdOf(pendingMail))).toMatchObject({
        rawKey: pendingKey,
      });
    } finally {
      s3.destroy();
    }
  });

  it('api with the scan on: an upload session completes only once GuardDuty tagged every file clean', async () => {
    // Prepare
    const s3 = s3ClientForEndpoint((await stack.endpoints()).s3);
    const uploads = new S3UploadStorage(LOCAL_BUCKET, s3, { malwareScan: true });
    const app = createHttpApp(
      { ...stack.ctx, uploads },
      { secret: 'a'.repeat(64), accounts: [], uploadIngest: 'queued' },
    );
    const post = (path: string, body?: unknown) =>
      Promise.resolve(
        app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
    const content = Buffer.from('直播间照片说明'.repeat(20));
    const openSession = async (fileNames: string[]) => {
      const opened = await post('/api/uploads/sessions', {
        base: '邮拓直播电商基地',
        files: fileNames.map((fileName) => ({ fileName, size: content.length, contentType: 'text/plain' })),
      });
      const body = (await opened.json()) as { completeUrl: string; files: { key: string }[] };
      for (const file of body.files) await putRaw(stack, file.key, content);
      return body;
    };

    try {
      // Act
      const clean = await openSession(['说明.txt', '照片说明.txt']);
      const untagged = await post(clean.completeUrl);
      await putRaw(stack, clean.files[0]!.key, undefined, 'FAILED');
      const failed = await post(clean.completeUrl);
      for (const file of clean.files) await putRaw(stack, file.key, undefined, 'NO_THREATS_FOUND');
      const completed = await post(clean.completeUrl);
      const hostile = await openSession(['干净.txt', '带毒.txt']);
      await putRaw(stack, hostile.files[0]!.key, undefined, 'NO_THREATS_FOUND');
      await putRaw(stack, hostile.files[1]!.key, undefined, 'THREATS_FOUND');
      const refused = await post(hostile.completeUrl);
      await putRaw(stack, hostile.files[1]!.key, undefined, 'NO_THREATS_FOUND');
      const again = await post(hostile.completeUrl);

      // Assess
      expect(untagged.status).toBe(409);
      expect(untagged.headers.get('retry-after')).toBe('30');
      expect(await untagged.json()).toMatchObject({
        error: expect.stringContaining('文件安全检查尚未完成'),
        scanPending: [
          { n: 1, fileName: '说明.txt' },
          { n: 2, fileName: '照片说明.txt' },
        ],
      });
      expect(failed.status).toBe(409);
      expect(((await failed.json()) as { error: string }).error).toContain(
        '文件安全检查未能完成（「说明.txt」、「照片说明.txt」）',
      );
      expect(completed.status).toBe(201);
      const done = (await completed.json()) as { rawKey: string };
      expect(await stack.ctx.blobs.exists(done.rawKey)).toBe(true);
      expect(refused.status).toBe(422);
      const refusal = (await refused.json()) as { error: string; refused: unknown[] };
      expect(refusal.error).toContain('安全检查在「带毒.txt」中发现恶意软件');
      expect(refusal.refused).toEqual([{ n: 2, fileName: '带毒.txt', verdict: 'infected' }]);
      // Kept in the session: a later tag change (only GuardDuty's role may write tags) cannot complete it.
      expect(again.status).toBe(422);
      const sessionId = hostile.completeUrl.split('/').at(-2);
      const stored = JSON.parse((await stack.ctx.blobs.get(`uploads/${sessionId}/session.json`)).toString('utf8'));
      expect(stored).toMatchObject({ completion: null, refusal: { files: [{ n: 2, verdict: 'infected' }] } });
      expect(await stack.ctx.blobs.list(`inbox/upload/${sessionId}`)).toEqual([]);
    } finally {
      s3.destroy();
    }
  });

  it('api + ingest-email: staff reprocess is handed to ingest, which reads the message only after the scan (issue 15, item 16)', async () => {
    // Prepare
    const raw = await submissionMail('重新读取的材料', '2023-11-10T09:30:00Z');
    const rawKey = 'inbox/reprocess-me';
    await putRaw(stack, rawKey, raw);
    const submissionId = submissionIdOf(raw);
    const s3 = s3ClientForEndpoint((await stack.endpoints()).s3);
    const direct = (key: string) => {
      const event = sampleEvent('s3-object-created.json');
      event.Records[0].s3.object.key = encodeURIComponent(key);
      return event;
    };
    await createIngestEmailHandler({ context: async () => stack.ctx, scanCheck: null })(direct(rawKey));
    // The API function of the stack: no read of inbox/, reprocess handed off (INTAKE_REPROCESS=queued).
    const api = createApiHandler(
      async () => ({ ...stack.ctx, reprocess: new S3ReprocessHandOff(stack.ctx.blobs) }),
      async () => ({ secret: 'a'.repeat(64) }),
    );
    const request = sampleEvent('http-api-v2.json');
    const path = `/api/submissions/${submissionId}/reprocess`;
    Object.assign(request, { rawPath: path, rawQueryString: '', queryStringParameters: undefined });
    Object.assign(request.requestContext.http, { method: 'POST', path });
    request.headers['content-type'] = 'application/json';
    request.body = JSON.stringify({ reason: '解析程序已更新' });
    request.headers['content-length'] = String(Buffer.byteLength(request.body));
    const ingest = createIngestEmailHandler({
      context: async () => stack.ctx,
      scanCheck: new S3TagScanCheck(LOCAL_BUCKET, s3),
    });

    try {
      // Act
      const response = await api(request);
      const [requestKey] = await stack.ctx.blobs.list(`reprocess/requests/${submissionId}/`);
      const untagged = await ingest(direct(requestKey ?? '')).catch((error: unknown) => error);
      await putRaw(stack, rawKey, undefined, 'NO_THREATS_FOUND');
      const clean = await ingest(direct(requestKey ?? ''));

      // Assess
      expect(response.statusCode).toBe(202);
      expect(JSON.parse(response.body)).toEqual({ submissionId, queued: true });
      expect(requestKey).toMatch(/^reprocess\/requests\/s-[0-9a-f]{32}\/\d+T\d+Z\.json$/);
      expect(untagged).toMatchObject({ name: 'ScanPendingError', key: rawKey });
      expect(clean).toEqual({ objects: [{ key: requestKey, outcome: 'reprocessed' }] });
      const audit = await stack.ctx.records.audit.list(null);
      const submission = await stack.ctx.records.submissions.get(submissionId);
      const audits = [...audit, ...(submission?.baseId ? await stack.ctx.records.audit.list(submission.baseId) : [])];
      expect(
        audits.filter((event) => event.action === 'reprocess-submission' && event.submissionId === submissionId),
      ).toEqual([expect.objectContaining({ actor: expect.any(String), reason: '解析程序已更新' })]);
    } finally {
      s3.destroy();
    }
  });

  it('evaluate: the schedule event evaluates every base as of the scheduled time', async () => {
    // Prepare
    const handler = createEvaluateHandler(async () => stack.ctx);

    // Act
    const result = await handler(sampleEvent('schedule.json'));

    // Assess
    expect(result.asOf).toBe('2023-11-10T01:00:00.000Z');
    expect(result.evaluated).toBe(stack.ctx.round.bases.filter((base) => base.participating).length);
  });

  it('notify: the schedule event sends the deadline-day notices and records them', async () => {
    // Prepare
    const handler = createNotifyHandler(async () => stack.ctx);

    // Act
    const result = await handler(sampleEvent('schedule.json'));

    // Assess
    expect(result).toMatchObject({ asOf: '2023-11-10T01:00:00.000Z', dryRun: false });
    expect(result.notices).toBeGreaterThan(0);
    expect((await stack.ctx.records.notices.list()).length).toBeGreaterThanOrEqual(result.notices);
  });

  it('api: the HTTP API v2 sample request (JWT claims of a staff user) gets the status of the city it asks for', async () => {
    // Prepare
    // The session key comes from its secret in AWS; any key of the right length here.
    const handler = createApiHandler(
      async () => stack.ctx,
      async () => ({ secret: 'a'.repeat(64) }),
    );

    // Act
    const response = await handler(sampleEvent('http-api-v2.json'));

    // Assess
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body) as { bases: { name: string; city: string }[] };
    expect(body.bases.length).toBeGreaterThan(0);
    expect(new Set(body.bases.map((base) => base.city))).toEqual(new Set(['taiyuan']));
    expect(body.bases.find((base) => base.name === '邮拓直播电商基地')).toBeDefined();
  });
});

describeNeeding('dovecot')('imap-pickup on the embedded stack and a Dovecot mailbox', () => {
  let stack: Stack;
  let server: Awaited<ReturnType<typeof startDovecot>>;

  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => {});
    stack = await startTestStack(fixedClock(new Date('2023-11-10T01:05:00Z')));
    server = await startDovecot({ users: ['intake'] });
  });

  afterAll(async () => {
    await server?.stop();
    await stack?.dispose();
    vi.restoreAllMocks();
  });

  it('the schedule event copies new mail into inbox/imap/ with the password from the secret, and ingest-email ingests it', async () => {
    // Prepare
    const login = server.login('intake');
    const raw = await submissionMail('邮拓直播电商基地综合评价材料（邮箱）', '2023-11-09T02:00:00Z');
    const client = new ImapFlow({ ...login, auth: { user: login.user, pass: login.pass }, logger: false });
    await client.connect();
    await client.append('INBOX', raw, [], new Date('2023-11-09T02:00:00Z'));
    await client.logout();
    const secretIds: string[] = [];
    const env = {
      INTAKE_IMAP_HOST: login.host,
      INTAKE_IMAP_PORT: String(login.port),
      INTAKE_IMAP_SECURE: 'false',
      INTAKE_IMAP_USER: login.user,
      INTAKE_IMAP_PROCESSED_MAILBOX: '已处理',
      INTAKE_IMAP_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:imap',
    };
    const handler = createImapPickupHandler({
      storage: async () => stack.ctx,
      imapConfig: () =>
        imapConfigFromEnv(env, {
          read: async (id) => {
            secretIds.push(id);
            return JSON.stringify({ password: login.pass });
          },
        }),
    });

    // Act
    const first = await handler(sampleEvent('schedule.json'));
    const second = await handler(sampleEvent('schedule.json'));
    const [key] = await stack.ctx.blobs.list('inbox/imap/');
    const ingest = createIngestEmailHandler({ context: async () => stack.ctx, scanCheck: null });
    const ingested = await ingest({
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          eventTime: '2023-11-10T01:05:00.000Z',
          awsRegion: 'us-east-1',
          s3: { bucket: { name: 'intake', arn: 'arn:aws:s3:::intake' }, object: { key } },
        },
      ],
    });

    // Assess
    expect(first).toMatchObject({ fetched: 1, stored: 1, ingested: 0 });
    expect(second).toMatchObject({ fetched: 0, stored: 0 });
    expect(secretIds).toEqual([env.INTAKE_IMAP_SECRET_ARN]); // read once per container, not per poll
    expect(key).toMatch(/^inbox\/imap\/INBOX\/\d+-1\.eml$/);
    expect(ingested).toEqual({ objects: [{ key, outcome: 'ingested' }] });
    // The mailbox's INTERNALDATE is the receive time, carried as the object's metadata.
    const submission = await stack.ctx.records.submissions.get(submissionIdOf(raw));
    expect(submission).toMatchObject({ channel: 'imap', receivedAt: '2023-11-09T02:00:00.000Z', baseId: 'p02' });
  });

  it('fails the invocation when the mailbox refuses the login, and reads the secret again next time', async () => {
    // Prepare
    const login = server.login('intake');
    let reads = 0;
    const handler = createImapPickupHandler({
      storage: async () => stack.ctx,
      imapConfig: () =>
        imapConfigFromEnv(
          {
            INTAKE_IMAP_HOST: login.host,
            INTAKE_IMAP_PORT: String(login.port),
            INTAKE_IMAP_SECURE: 'false',
            INTAKE_IMAP_USER: login.user,
            INTAKE_IMAP_SECRET_ARN: 'imap',
          },
          { read: async () => (reads++ === 0 ? 'wrong-password' : login.pass) },
        ),
    });

    // Act
    const failed = handler(sampleEvent('schedule.json'));
    await expect(failed).rejects.toThrow(/cannot log in/);
    const recovered = await handler(sampleEvent('schedule.json'));

    // Assess
    expect(reads).toBe(2);
    expect(recovered.fetched).toBe(0);
  });
});
