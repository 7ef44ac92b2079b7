import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryRecords } from '../../../shared/adapters/memory/records/index.ts';
import type { AppContext } from '../../../shared/use-cases/context.ts';

// The handlers are tested for their own job (event -> use-case input -> result, failures per record); the use
// cases have their own tests, so they are replaced here, and so is the AWS context. handlers-local.test.ts runs the
// same handlers on the real use cases and the embedded stack.
const ingestStoredMessage = vi.fn();
const evaluateAll = vi.fn();
const sendCityNotices = vi.fn();
const appContext = vi.fn();
// The limits the HTTP app caps request bodies by (shared/http/app.ts), as the AWS composition root gives them, and
// records in memory for the app's sessions.
const context = {
  mailFrom: 'notices@example.gov.cn',
  round: { id: '2023' },
  limits: { maxMessageBytes: 60 * 1024 * 1024 },
  records: memoryRecords(),
} as unknown as AppContext;

vi.mock('../../../functions/shared/app-context.ts', () => ({ appContext }));
vi.mock('../../../shared/use-cases/intake.ts', () => ({ ingestStoredMessage }));
vi.mock('../../../shared/use-cases/evaluate.ts', () => ({ evaluateAll }));
vi.mock('../../../shared/use-cases/notify.ts', () => ({ sendCityNotices }));

const { handler: ingestEmail, createIngestEmailHandler } = await import('../../../functions/ingest-email/handler.ts');
const { handler: evaluate } = await import('../../../functions/evaluate/handler.ts');
const { handler: notify } = await import('../../../functions/notify/handler.ts');
const { handler: api } = await import('../../../functions/api/handler.ts');
const { InvalidEventError } = await import('../../../functions/shared/failures.ts');
const { logger } = await import('../../../functions/shared/logger.ts');
const { ScanPendingError } = await import('../../../shared/adapters/aws/malware-scan.ts');

type SqsResponse = { batchItemFailures: { itemIdentifier: string }[] };

// biome-ignore lint/suspicious/noExplicitAny: samples are read as the loose JSON they are
function sampleEvent(fileName: string): any {
  return JSON.parse(readFileSync(new URL(`../../../events/${fileName}`, import.meta.url), 'utf8'));
}

const ingested = { submissionId: 's-1', duplicate: false, baseId: 'p02', findings: [] };

beforeEach(() => {
  vi.resetAllMocks();
  appContext.mockResolvedValue(context);
  for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => {});
});

describe('ingest-email handler', () => {
  it('ingests every created object with its decoded key and S3 time, and skips the test event', async () => {
    // Prepare
    ingestStoredMessage.mockResolvedValue(ingested);

    // Act
    const response = await ingestEmail(sampleEvent('sqs-s3-object-created.json'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(ingestStoredMessage.mock.calls).toEqual([
      [
        context,
        {
          key: 'inbox/k5t1d1lq0b7g0n2ueh8s1r3c8m3p4a9v6o2fhj01',
          channel: 'ses',
          receivedAt: new Date('2023-11-10T07:42:19.207Z'),
        },
      ],
      [
        context,
        {
          key: 'inbox/manual/邮拓直播电商基地 评价材料.eml',
          channel: 'ses',
          receivedAt: new Date('2023-11-10T08:05:31.418Z'),
        },
      ],
    ]);
  });

  it('reports only the messages that failed, so SQS retries them and keeps the rest', async () => {
    // Prepare
    const event = sampleEvent('sqs-s3-object-created.json');
    ingestStoredMessage.mockRejectedValueOnce(new Error('DynamoDB throttled')).mockResolvedValue(ingested);

    // Act
    const response = (await ingestEmail(event)) as SqsResponse;

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] });
    expect(ingestStoredMessage).toHaveBeenCalledTimes(2);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('reports a message whose body is not an S3 notification, so it ends in the DLQ rather than vanishing', async () => {
    // Prepare
    const event = sampleEvent('sqs-s3-object-created.json');
    event.Records[1]!.body = '{"unexpected":true}';
    ingestStoredMessage.mockResolvedValue(ingested);

    // Act
    const response = (await ingestEmail(event)) as SqsResponse;

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]!.messageId }]);
  });

  it('ingests a direct S3 event (a manual re-run) and an SES receipt notification by the stored key', async () => {
    // Prepare
    ingestStoredMessage.mockResolvedValue(ingested);

    // Act
    const fromS3 = await ingestEmail(sampleEvent('s3-object-created.json'));
    const fromSes = await ingestEmail(sampleEvent('ses-receipt-s3-action.json'));

    // Assess
    expect(fromS3).toEqual({ objects: [{ key: 'inbox/manual/邮拓直播电商基地 评价材料.eml', outcome: 'ingested' }] });
    expect(fromSes).toEqual({
      objects: [{ key: 'inbox/k5t1d1lq0b7g0n2ueh8s1r3c8m3p4a9v6o2fhj01', outcome: 'ingested' }],
    });
    expect(ingestStoredMessage.mock.calls[1]?.[1]).toEqual({
      key: 'inbox/k5t1d1lq0b7g0n2ueh8s1r3c8m3p4a9v6o2fhj01',
      channel: 'ses',
      receivedAt: new Date('2023-11-10T07:42:18.514Z'),
    });
  });

  it('throws on an event that is neither an SQS batch nor an S3 or SES event', async () => {
    // Act / Assess
    await expect(ingestEmail(sampleEvent('schedule.json'))).rejects.toThrow(InvalidEventError);
    expect(ingestStoredMessage).not.toHaveBeenCalled();
  });

  it('with the scan gate, retries unscanned objects, quarantines infected ones unopened and reads clean ones', async () => {
    // Prepare
    const verdicts: Record<string, { state: string; status?: string | null }> = {
      'inbox/k5t1d1lq0b7g0n2ueh8s1r3c8m3p4a9v6o2fhj01': { state: 'pending', status: null },
      'inbox/manual/邮拓直播电商基地 评价材料.eml': { state: 'infected' },
    };
    const gated = createIngestEmailHandler({
      context: async () => context,
      scanCheck: { verdict: async (key) => verdicts[key] as never },
    });
    const event = sampleEvent('sqs-s3-object-created.json');

    // Act
    const response = (await gated(event)) as SqsResponse;

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]!.messageId }]);
    // The infected one is recorded quarantined (never opened); the pending one is not read at all.
    expect(vi.mocked(ingestStoredMessage).mock.calls).toEqual([
      [
        context,
        expect.objectContaining({
          key: 'inbox/manual/邮拓直播电商基地 评价材料.eml',
          quarantineReasons: ['恶意软件扫描 malware scan'],
        }),
      ],
    ]);
    expect(vi.mocked(logger.error).mock.calls.map(([line]) => (line as { message: string }).message)).toEqual([
      'ingest-email failed',
      'malware found: quarantined unopened',
    ]);
    expect(vi.mocked(logger.error).mock.calls[0]?.[0]).toMatchObject({
      scanPending: true,
      error: { name: ScanPendingError.name },
    });
  });
});

describe('scheduled handlers', () => {
  it('evaluates as of the scheduled time', async () => {
    // Prepare
    evaluateAll.mockResolvedValue([{}, {}, {}]);

    // Act
    const result = await evaluate(sampleEvent('schedule.json'));

    // Assess
    expect(evaluateAll).toHaveBeenCalledWith(context, { asOf: new Date('2023-11-10T01:00:00Z') });
    expect(result).toEqual({ asOf: '2023-11-10T01:00:00.000Z', evaluated: 3 });
  });

  it('passes a manual dry run through to the notices', async () => {
    // Prepare
    sendCityNotices.mockResolvedValue([{}]);

    // Act
    const result = await notify({ asOf: '2023-11-11T09:00:00+08:00', dryRun: true });

    // Assess
    expect(sendCityNotices).toHaveBeenCalledWith(context, { asOf: new Date('2023-11-11T01:00:00Z'), dryRun: true });
    expect(result).toEqual({ asOf: '2023-11-11T01:00:00.000Z', dryRun: true, notices: 1 });
  });

  it('rethrows a failed notice run so the scheduler retries and the alarm fires', async () => {
    // Prepare
    sendCityNotices.mockRejectedValue(new Error('SES throttled'));

    // Act / Assess
    await expect(notify(sampleEvent('schedule.json'))).rejects.toThrow('SES throttled');
    expect(logger.error).toHaveBeenCalledTimes(1);
  });
});

describe('api handler', () => {
  it('serves the HTTP app to an API Gateway payload 2.0 request', async () => {
    // Prepare
    const event = sampleEvent('http-api-v2.json');
    event.rawPath = '/health';
    event.rawQueryString = '';
    event.requestContext.http.path = '/health';

    // Act
    const response = await api(event);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ ok: true, round: '2023' });
  });

  it('builds the app again after a failed start instead of caching the failure', async () => {
    // Prepare
    const event = sampleEvent('http-api-v2.json');
    event.rawPath = '/health';
    event.requestContext.http.path = '/health';
    vi.resetModules();
    const { handler: freshApi } = await import('../../../functions/api/handler.ts');
    appContext.mockRejectedValueOnce(new Error('missing TABLE_NAME')).mockResolvedValue(context);

    // Act
    const first = freshApi(event);
    await expect(first).rejects.toThrow('missing TABLE_NAME');
    const second = await freshApi(event);

    // Assess
    expect(second.statusCode).toBe(200);
    expect(appContext).toHaveBeenCalledTimes(2);
  });
});
