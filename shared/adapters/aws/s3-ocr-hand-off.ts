/**
 * Scans handed to the ocr function through S3: a small JSON request under `ocr/requests/`, whose object-created
 * notification invokes the function asynchronously (Lambda's own retries, then its dead-letter queue). The ingest
 * and API functions stay free of the OCR engine and its model; a burst of scans waits in Lambda's event queue,
 * bounded by the ocr function's reserved concurrency.
 */
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
