/**
 * The slice of the AWS composition a function that only moves bytes needs (the IMAP pickup): the bucket, the limits
 * and the clock. Kept apart from composition.ts so that such a function's bundle carries neither the record store,
 * nor the mailers, nor the round data.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { type AppContext, DEFAULT_LIMITS, systemClock } from '../../use-cases/context.ts';
import { S3BlobStore } from './s3-blob-store.ts';

const envSchema = z.object({
  BUCKET_NAME: z.string().min(1),
  MAX_MESSAGE_BYTES: z.coerce.number().int().positive().optional(),
});

/** Builds the bucket, limits and clock from the Lambda environment; throws a clear error on a missing setting. */
export function createAwsBlobStorage(
  env: NodeJS.ProcessEnv = process.env,
): Pick<AppContext, 'blobs' | 'limits' | 'clock'> {
  const config = envSchema.parse(env);
  return {
    blobs: new S3BlobStore(config.BUCKET_NAME, new S3Client({})),
    limits: { ...DEFAULT_LIMITS, maxMessageBytes: config.MAX_MESSAGE_BYTES ?? DEFAULT_LIMITS.maxMessageBytes },
    clock: systemClock,
  };
}
