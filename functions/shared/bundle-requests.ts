/**
 * The package jobs of a bundle-build invocation: the request objects under `bundles/requests/` that an S3
 * notification announces (the job id is in the key), or one `{ jobId }` sent directly (a staff re-run).
 */
import { z } from 'zod';
import { bundleJobIdOfKey } from '../../shared/adapters/aws/s3-bundle-hand-off.ts';
import { s3EventSchema, storedObjectsIn } from './events.ts';
import { parseEvent } from './failures.ts';

const directSchema = z.object({ jobId: z.string().regex(/^[0-9a-f]{32}$/) });

/** The job ids an invocation carries, in order; throws InvalidEventError for an event that is neither. */
export function bundleJobIdsOf(event: unknown): string[] {
  const notification = s3EventSchema.safeParse(event);
  if (!notification.success) return [parseEvent(directSchema, event, 'bundle-build invocation').jobId];
  return storedObjectsIn(notification.data).flatMap(({ key }) => bundleJobIdOfKey(key) ?? []);
}
