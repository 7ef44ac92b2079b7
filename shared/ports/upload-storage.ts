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

/** Presigned uploads and object heads (S3; s3rver with a policy check locally). */
export interface UploadStorage {
  /** Signs a browser POST of exactly one object at `key` under the given conditions. */
  presignPost(key: string, options: PresignPostOptions): Promise<PresignedPost>;
  /** Reads an object's head; null when there is none. */
  head(key: string): Promise<ObjectHead | null>;
}
