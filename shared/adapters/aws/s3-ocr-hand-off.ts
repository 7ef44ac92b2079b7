/**
 * Scans handed to the ocr function through S3: a small JSON request under `ocr/requests/`, whose object-created
 * notification invokes the function asynchronously (Lambda's own retries, then its dead-letter queue). The ingest
 * and API functions stay free of the OCR engine and its model; a burst of scans waits in Lambda's event queue,
 * bounded by the ocr function's reserved concurrency.
 */
import { z } from 'zod';
import type { BlobStore, OcrHandOff, OcrRequest } from '../../ports/index.ts';

/** Where OCR requests are written; the stack routes this prefix's notifications to the ocr function. */
export const OCR_REQUEST_PREFIX = 'ocr/requests/';

/** The key of a document's OCR request (one per submission and document: a re-run asks again). */
export function ocrRequestKey(request: Pick<OcrRequest, 'submissionId' | 'sha256'>): string {
  return `${OCR_REQUEST_PREFIX}${request.submissionId}/${request.sha256}.json`;
}

/** Writes OCR requests as objects through the blob store (S3 in AWS). */
export class S3OcrHandOff implements OcrHandOff {
  constructor(private readonly blobs: BlobStore) {}

  async request(document: OcrRequest): Promise<void> {
    await this.blobs.put(ocrRequestKey(document), Buffer.from(JSON.stringify(document)), {
      contentType: 'application/json',
    });
  }
}

/** A request as the hand-off writes it (and as staff may send it to the function directly). */
export const ocrRequestSchema = z.looseObject({
  submissionId: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** Whether an object key is an OCR request's (other keys of a notification are skipped). */
export function isOcrRequestKey(key: string): boolean {
  return key.startsWith(OCR_REQUEST_PREFIX);
}

/** Reads the request object at `key` (JSON, as `request` wrote it); throws when it is not one. */
export async function readOcrRequest(blobs: BlobStore, key: string): Promise<z.output<typeof ocrRequestSchema>> {
  const parsed = ocrRequestSchema.safeParse(JSON.parse((await blobs.get(key)).toString('utf8')));
  if (!parsed.success) throw new Error(`OCR request ${key}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
