/**
 * The OCR requests of an ocr invocation: the request objects under `ocr/requests/` that an S3 notification
 * announces (read through the blob store), or one request `{ submissionId, sha256 }` sent directly (a staff re-run).
 */
import { isOcrRequestKey, ocrRequestSchema, readOcrRequest } from '../../shared/adapters/aws/s3-ocr-hand-off.ts';
import type { BlobStore, OcrRequest } from '../../shared/ports/index.ts';
import { s3EventSchema, storedObjectsIn } from './events.ts';
import { parseEvent } from './failures.ts';

/** The requests an invocation carries, in order; throws InvalidEventError for an event that is neither. */
export async function ocrRequestsOf(
  event: unknown,
  blobs: BlobStore,
): Promise<Pick<OcrRequest, 'submissionId' | 'sha256'>[]> {
  const notification = s3EventSchema.safeParse(event);
  if (!notification.success) return [parseEvent(ocrRequestSchema, event, 'ocr invocation')];
  const keys = storedObjectsIn(notification.data).map(({ key }) => key);
  return Promise.all(keys.filter(isOcrRequestKey).map((key) => readOcrRequest(blobs, key)));
}
