/**
 * File-package jobs handed to the bundle-build function through S3, as scans are to the ocr function: a small JSON
 * request under `bundles/requests/`, whose object-created notification invokes the function asynchronously
 * (Lambda's own retries, then its dead-letter queue). The API function needs no queue client and no further
 * permission than writing that prefix; the job itself is in the records, which the builder reads.
 */
import type { BundleHandOff } from '../../ports/bundle-hand-off.ts';
import type { BlobStore } from '../../ports/index.ts';

/** Where package requests are written; the stack routes this prefix's notifications to the bundle-build function. */
export const BUNDLE_REQUEST_PREFIX = 'bundles/requests/';

/** The key of a job's request (a second request for the same job replaces it, and asks again). */
export function bundleRequestKey(jobId: string): string {
  return `${BUNDLE_REQUEST_PREFIX}${jobId}.json`;
}

/** The job a request key names, or null for any other key (other keys of a notification are skipped). */
export function bundleJobIdOfKey(key: string): string | null {
  const match = /^bundles\/requests\/([0-9a-f]{32})\.json$/.exec(key);
  return match?.[1] ?? null;
}

/** Writes package requests as objects through the blob store (S3 in AWS). */
export class S3BundleHandOff implements BundleHandOff {
  constructor(private readonly blobs: BlobStore) {}

  async request(jobId: string): Promise<void> {
    await this.blobs.put(bundleRequestKey(jobId), Buffer.from(JSON.stringify({ jobId })), {
      contentType: 'application/json',
    });
  }
}
