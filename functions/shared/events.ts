/**
 * Zod schemas of the Lambda events the functions receive: the single source of their types. Envelopes are loose
 * (AWS adds fields over time); only what the handlers read is required.
 */
import { z } from 'zod';
import { parseEvent } from './failures.ts';

const isoInstant = z.iso.datetime({ offset: true });

/** Decodes an object key from an S3 event notification, which form-encodes it (`+` for space, then %XX). */
export function decodeS3Key(encodedKey: string): string {
  return decodeURIComponent(encodedKey.replace(/\+/g, ' '));
}

/** One record of an S3 event notification. */
export const s3EventRecordSchema = z.looseObject({
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  eventTime: isoInstant,
  awsRegion: z.string(),
  s3: z.looseObject({
    bucket: z.looseObject({ name: z.string(), arn: z.string() }),
    object: z.looseObject({ key: z.string().min(1), size: z.number().int().nonnegative().optional() }),
  }),
});

/** An S3 event notification (what S3 sends to SQS, SNS or Lambda). */
export const s3EventSchema = z.looseObject({ Records: z.array(s3EventRecordSchema).min(1) });

/** The message S3 sends once when a notification configuration is created; carries no object. */
export const s3TestEventSchema = z.looseObject({
  Service: z.literal('Amazon S3'),
  Event: z.literal('s3:TestEvent'),
  Time: isoInstant,
  Bucket: z.string(),
});

/** The body of a message S3 put on the ingest queue (an S3 notification as JSON text), read as its records. */
export const s3NotificationBodySchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'the body is not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.union([s3EventSchema.transform((event) => event.Records), s3TestEventSchema.transform(() => [])]));

/** One SQS message as Lambda delivers it. */
export const sqsRecordSchema = z.looseObject({
  messageId: z.string().min(1),
  receiptHandle: z.string(),
  body: z.string(),
  attributes: z.looseObject({ ApproximateReceiveCount: z.string() }),
  eventSource: z.literal('aws:sqs'),
  eventSourceARN: z.string(),
});

/** An SQS batch as Lambda delivers it. */
export const sqsEventSchema = z.looseObject({ Records: z.array(sqsRecordSchema).min(1) });

/** An object that arrived, with its decoded key. */
export interface CreatedObject {
  bucket: string;
  key: string;
  /** When S3 stored it. */
  eventTime: Date;
}

/** Reads the objects an SQS body (an S3 notification) reports as created; a test event reports none. */
export function createdObjectsIn(body: string): CreatedObject[] {
  const records = parseEvent(s3NotificationBodySchema, body, 'S3 notification in an SQS message');
  return records
    .filter((record) => record.eventName.startsWith('ObjectCreated:'))
    .map((record) => ({
      bucket: record.s3.bucket.name,
      key: decodeS3Key(record.s3.object.key),
      eventTime: new Date(record.eventTime),
    }));
}

const sesVerdict = z.looseObject({ status: z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']) });

/** The SES receipt notification of a rule with an S3 action (where SES stored the raw mail, with its verdicts). */
export const sesReceiptEventSchema = z.looseObject({
  Records: z
    .array(
      z.looseObject({
        eventSource: z.literal('aws:ses'),
        ses: z.looseObject({
          mail: z.looseObject({
            messageId: z.string(),
            timestamp: isoInstant,
            source: z.string(),
            destination: z.array(z.string()),
            headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
            commonHeaders: z.looseObject({ messageId: z.string().optional(), subject: z.string().optional() }),
          }),
          receipt: z.looseObject({
            timestamp: isoInstant,
            recipients: z.array(z.string()).min(1),
            spamVerdict: sesVerdict,
            virusVerdict: sesVerdict,
            spfVerdict: sesVerdict,
            dkimVerdict: sesVerdict,
            dmarcVerdict: sesVerdict,
            action: z.looseObject({
              type: z.literal('S3'),
              bucketName: z.string(),
              objectKey: z.string(),
              objectKeyPrefix: z.string().optional(),
            }),
          }),
        }),
      }),
    )
    .min(1),
});

/** A SES receipt notification, one record of it. */
type SesReceiptRecord = z.output<typeof sesReceiptEventSchema>['Records'][number];

/** What ingest-email accepts: the SQS batch it gets in production, or (a manual or local run) an S3 or SES event. */
export const ingestInvocationSchema = z.union([sqsEventSchema, s3EventSchema, sesReceiptEventSchema]);

/** Reads the stored messages a direct S3 event or SES receipt notification names (SES keys are not URL-encoded). */
export function storedObjectsIn(event: z.output<typeof s3EventSchema> | z.output<typeof sesReceiptEventSchema>) {
  return event.Records.flatMap((record): CreatedObject[] => {
    if (record.eventSource === 'aws:ses') return [sesStoredObject(record as SesReceiptRecord)];
    const s3Record = record as z.output<typeof s3EventRecordSchema>;
    if (!s3Record.eventName.startsWith('ObjectCreated:')) return [];
    return [
      {
        bucket: s3Record.s3.bucket.name,
        key: decodeS3Key(s3Record.s3.object.key),
        eventTime: new Date(s3Record.eventTime),
      },
    ];
  });
}

function sesStoredObject(record: SesReceiptRecord): CreatedObject {
  const { action, timestamp } = record.ses.receipt;
  return { bucket: action.bucketName, key: action.objectKey, eventTime: new Date(timestamp) };
}

/** Options a scheduled run may carry. */
const runOptionsSchema = z.strictObject({
  asOf: isoInstant.optional(),
  dryRun: z.boolean().optional(),
});

/** An EventBridge "Scheduled Event" (what our Scheduler schedules send, and what an EventBridge rule sends). */
export const scheduledEventSchema = z.looseObject({
  'detail-type': z.literal('Scheduled Event'),
  source: z.string(),
  time: isoInstant,
  detail: runOptionsSchema,
});

/** The input of a scheduled function, normalized: a Scheduled Event runs as of its scheduled time. */
export const scheduledRunSchema = z
  .union([scheduledEventSchema, runOptionsSchema])
  .transform((event): { asOf?: Date; dryRun: boolean } => {
    const options = 'detail' in event ? event.detail : event;
    const asOf = options.asOf ?? ('time' in event ? event.time : undefined);
    return { ...(asOf ? { asOf: new Date(asOf) } : {}), dryRun: options.dryRun ?? false };
  });

/** An API Gateway HTTP API request, payload format 2.0. */
export const httpApiEventSchema = z.looseObject({
  version: z.literal('2.0'),
  routeKey: z.string(),
  rawPath: z.string(),
  rawQueryString: z.string(),
  headers: z.record(z.string(), z.string()),
  requestContext: z.looseObject({
    http: z.looseObject({ method: z.string(), path: z.string(), sourceIp: z.string() }),
    requestId: z.string(),
    timeEpoch: z.number(),
  }),
  body: z.string().optional(),
  isBase64Encoded: z.boolean(),
});
