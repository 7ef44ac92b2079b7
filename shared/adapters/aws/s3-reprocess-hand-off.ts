/**
 * Staff reprocess requests handed to the ingest function through S3: a small JSON request under
 * `reprocess/requests/`, whose object-created notification goes to the ingest queue like the inbox's (its retries,
 * its DLQ and alarm). The ingest function reads the message only after the malware gate, so the API function needs
 * no access to inbox/ (which would bypass the gate) and no parsers.
 */
import { z } from 'zod';
import type { BlobStore, ReprocessHandOff, ReprocessRequest } from '../../ports/index.ts';

/** Where reprocess requests are written; the stack routes this prefix's notifications to the ingest queue. */
export const REPROCESS_REQUEST_PREFIX = 'reprocess/requests/';

/** A request as stored (what ingest-email reads back). */
export const reprocessRequestSchema = z.object({
  submissionId: z.string().min(1),
  rawKey: z.string().min(1),
  actor: z.string().min(1),
  reason: z.string(),
  requestedAt: z.string(),
});

/** The key of one request: per submission and moment, so a second request is a second run. */
export function reprocessRequestKey(request: Pick<ReprocessRequest, 'submissionId' | 'requestedAt'>): string {
  return `${REPROCESS_REQUEST_PREFIX}${request.submissionId}/${request.requestedAt.replace(/[^0-9TZ]/g, '')}.json`;
}

/** Tells whether a created object is a reprocess request rather than a stored message. */
export function isReprocessRequestKey(key: string): boolean {
  return key.startsWith(REPROCESS_REQUEST_PREFIX);
}

/** Writes reprocess requests as objects through the blob store (S3 in AWS). */
export class S3ReprocessHandOff implements ReprocessHandOff {
  constructor(private readonly blobs: BlobStore) {}

  async request(request: ReprocessRequest): Promise<void> {
    await this.blobs.put(reprocessRequestKey(request), Buffer.from(JSON.stringify(request)), {
      contentType: 'application/json',
    });
  }
}
