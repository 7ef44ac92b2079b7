/**
 * Direct access to the bucket beyond BlobStore: browser uploads that go straight to storage (a presigned POST, so
 * large files never pass through the app) and the head of a stored object (size, time, user metadata).
 */

/**
 * The user metadata of an `inbox/` object written by one of our channels (IMAP pickup, upload portal) that carries
 * the transport's receive time (ISO 8601); ingest-email passes it to intake as receivedAt.
 */
export const RECEIVED_AT_METADATA = 'received-at';

/** What a stored object says about itself, without its body. */
export interface ObjectHead {
  /** Size in bytes. */
  size: number;
  /** When the store last wrote it (second precision on S3). */
  lastModified: Date;
  contentType?: string;
  /** User metadata, names lower-case without the `x-amz-meta-` prefix. */
  metadata: Record<string, string>;
}

/** A presigned browser POST: the form's action and the fields to send before the `file` field. */
export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

/** What a presigned POST allows: one key, a size range, and fixed content type and metadata. */
export interface PresignPostOptions {
  /** Smallest body accepted (bytes). */
  minBytes: number;
  /** Largest body accepted (bytes). */
  maxBytes: number;
  /** How long the form stays valid (seconds). */
  expiresSeconds: number;
  contentType?: string;
  /** User metadata stored with the object; ASCII values only (percent-encode the rest). */
  metadata?: Record<string, string>;
}

/**
 * What the malware scan says about a stored object (in AWS: the GuardDutyMalwareScanStatus tag GuardDuty Malware
 * Protection for S3 puts on it once scanned), as intake acts on it.
 */
export type MalwareScanVerdict =
  /** NO_THREATS_FOUND: read it. */
  | { state: 'clean' }
  /** UNSUPPORTED (password-protected archive, over the scanner's limits): read it, with a warning in the log. */
  | { state: 'unscannable' }
  /** THREATS_FOUND: never read it. */
  | { state: 'infected' }
  /** No verdict yet (no tag), or the scan could not run (ACCESS_DENIED, FAILED, named in `status`): ask later. */
  | { state: 'pending'; status: string | null };

/** Presigned uploads, object heads and scan verdicts (S3; s3rver with a policy check locally). */
export interface UploadStorage {
  /** Signs a browser POST of exactly one object at `key` under the given conditions. */
  presignPost(key: string, options: PresignPostOptions): Promise<PresignedPost>;
  /** Reads an object's head; null when there is none. */
  head(key: string): Promise<ObjectHead | null>;
  /** The malware scan's verdict on the object at `key`; null where no scanner runs (locally), so nothing waits. */
  scanVerdict(key: string): Promise<MalwareScanVerdict | null>;
}
