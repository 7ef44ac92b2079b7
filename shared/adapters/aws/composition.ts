/**
 * The AWS composition root: adapters on the real services, configured from the Lambda environment.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { z } from 'zod';
import { loadRound } from '../../domain/rounds/index.ts';
import { type AppContext, DEFAULT_LIMITS, systemClock } from '../../use-cases/context.ts';
import { mailerFromEnv } from '../smtp/smtp-mailer.ts';
import { dynamoDbRecords } from './records/index.ts';
import { S3BlobStore } from './s3-blob-store.ts';
import { S3BundleHandOff } from './s3-bundle-hand-off.ts';
import { S3OcrHandOff } from './s3-ocr-hand-off.ts';
import { S3ReprocessHandOff } from './s3-reprocess-hand-off.ts';
import { S3UploadStorage } from './s3-upload-storage.ts';
import { SesMailer } from './ses-mailer.ts';

const envSchema = z.object({
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().min(1),
  MAIL_FROM: z.string().min(1),
  ROUND_ID: z.string().min(1).default('2023'),
  MAX_MESSAGE_BYTES: z.coerce.number().int().positive().optional(),
  MAX_STORED_MESSAGE_BYTES: z.coerce.number().int().positive().optional(),
  MAX_ATTACHMENT_BYTES: z.coerce.number().int().positive().optional(),
  MAX_ATTACHMENTS: z.coerce.number().int().positive().optional(),
  /** Transport of notices: SES (default) or SMTP at INTAKE_SMTP_URL (e.g. in the China regions). */
  INTAKE_MAILER: z.enum(['ses', 'smtp']).default('ses'),
  INTAKE_SMTP_URL: z.string().min(1).optional(),
  /** Scans: read here (the ocr function), handed to the ocr function (ingest, API), or left to staff. */
  INTAKE_OCR: z.enum(['inline', 'deferred', 'off']).default('inline'),
  /** queued: staff reprocess is handed to the ingest function (the API function); otherwise read in place. */
  INTAKE_REPROCESS: z.enum(['queued', 'inline']).default('inline'),
  /** GuardDuty scans the bucket: the upload portal waits for each file's verdict (ingest-email has its own gate). */
  MALWARE_SCAN: z.string().optional(),
});

/** Builds the context a Lambda function runs with; throws a clear error on a missing setting. */
export async function createAwsContext(env: NodeJS.ProcessEnv = process.env): Promise<AppContext> {
  const config = envSchema.parse(env);
  const s3 = new S3Client({});
  const blobs = new S3BlobStore(config.BUCKET_NAME, s3);
  return {
    round: loadRound(config.ROUND_ID),
    blobs,
    uploads: new S3UploadStorage(config.BUCKET_NAME, s3, { malwareScan: config.MALWARE_SCAN === 'required' }),
    records: dynamoDbRecords(config.TABLE_NAME, new DynamoDBClient({})),
    mailer: mailerFromEnv(config, () => new SesMailer(new SESClient({}), env.SES_CONFIGURATION_SET || undefined)),
    clock: systemClock,
    mailFrom: config.MAIL_FROM,
    // The readers take the same setting from INTAKE_OCR (shared/parsing/ocr.ts) and leave scans pending.
    ...(config.INTAKE_OCR === 'deferred' ? { ocr: new S3OcrHandOff(blobs) } : {}),
    ...(config.INTAKE_REPROCESS === 'queued' ? { reprocess: new S3ReprocessHandOff(blobs) } : {}),
    // Large file packages are built by the bundle-build function (bundles/requests/), never inside a request.
    bundles: new S3BundleHandOff(blobs),
    limits: {
      maxMessageBytes: config.MAX_MESSAGE_BYTES ?? DEFAULT_LIMITS.maxMessageBytes,
      maxStoredMessageBytes: config.MAX_STORED_MESSAGE_BYTES ?? DEFAULT_LIMITS.maxStoredMessageBytes,
      maxAttachmentBytes: config.MAX_ATTACHMENT_BYTES ?? DEFAULT_LIMITS.maxAttachmentBytes,
      maxAttachments: config.MAX_ATTACHMENTS ?? DEFAULT_LIMITS.maxAttachments,
    },
  };
}
