/**
 * Ports: the small interfaces the use cases need from the outside world. Adapters named after their
 * technology implement them (S3BlobStore, DynamoDbSubmissions, SesMailer, ...).
 */
import type { Readable } from 'node:stream';
import { IntakeError } from '../domain/errors.ts';
import type { MalwareScanVerdict } from './upload-storage.ts';

/** Metadata kept with a stored object. */
export interface BlobMeta {
  contentType?: string;
  /** Small ASCII key/values (S3 user metadata); non-ASCII values must be percent-encoded by the caller. */
  metadata?: Record<string, string>;
  /**
   * The body's SHA-256 (hex) when the caller has it already: the store sends it as the payload hash, so the bytes
   * are not hashed a second time and the server checks that it received exactly them.
   */
  sha256?: string;
  /** A stream body's exact length in bytes: stored with one request instead of a multipart upload. */
  length?: number;
}

/** Object storage for raw messages and documents (S3; s3rver locally). */
export interface BlobStore {
  /** Stores a body under a key, replacing what was there. */
  put(key: string, body: Buffer | Readable, meta?: BlobMeta): Promise<void>;
  /** Reads a whole object; throws BlobNotFoundError when there is none. */
  get(key: string): Promise<Buffer>;
  /** Opens an object as a stream; throws BlobNotFoundError when there is none. */
  getStream(key: string): Promise<Readable>;
  /** Opens an object as a stream with its size (null when the store does not say); BlobNotFoundError if none. */
  read(key: string): Promise<{ body: Readable; size: number | null }>;
  /** Tells whether an object exists. */
  exists(key: string): Promise<boolean>;
  /** Lists keys under a prefix, in key order. */
  list(prefix: string): Promise<string[]>;
  /**
   * A short-lived URL that downloads the object straight from the store (an S3 presigned GET), for answers too large
   * to pass through a Lambda response; absent in stores that cannot issue one.
   */
  presignedDownloadUrl?(key: string, options: PresignedDownloadOptions): Promise<string>;
}

/** What a presigned download answers with, and for how long it works. */
export interface PresignedDownloadOptions {
  /** The `Content-Disposition` the download is served with (the caller formats the file name). */
  contentDisposition: string;
  /** The `Content-Type` the download is served with. */
  contentType: string;
  /** Seconds until the URL stops working. */
  expiresIn: number;
}

/** A message to send. */
export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
  /** Extra headers, e.g. Auto-Submitted. */
  headers?: Record<string, string>;
}

/** Outgoing mail (SES; SMTP; a local outbox). */
export interface Mailer {
  /** Sends one message and returns the transport's message id. */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

/** A stored document whose OCR is left to the ocr function: the submission it came with and its content hash. */
export interface OcrRequest {
  submissionId: string;
  sha256: string;
  fileName: string;
}

/** Hands scans to the ocr function (AWS: a request object whose S3 notification invokes it asynchronously). */
export interface OcrHandOff {
  /** Asks for a document's OCR; the ocr function reads it, replaces its pending finding and re-evaluates its base. */
  request(document: OcrRequest): Promise<void>;
}

/** A staff request to read a stored message again, with who asked and why (audited when it is done). */
export interface ReprocessRequest {
  submissionId: string;
  /** The stored message, which the worker reads only once the malware scan passed it. */
  rawKey: string;
  actor: string;
  reason: string;
  requestedAt: string;
}

/**
 * Hands a reprocess to the runtime's intake worker instead of reading the message here (AWS: a request object whose
 * S3 notification reaches the ingest function through its queue, which reads the message after the malware gate;
 * the API function cannot read inbox/ at all).
 */
export interface ReprocessHandOff {
  /** Records the request; the worker reprocesses, audits and re-evaluates the base. */
  request(request: ReprocessRequest): Promise<void>;
}

/** The time source; tests and `--as-of` replace it. */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** Thrown by a BlobStore when a key has no object. */
export class BlobNotFoundError extends IntakeError {
  constructor(
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(
      'store.object-missing',
      'failure',
      `no object at ${key}`,
      `存储中缺少文件 ${key}（运行 intake doctor 检查）`,
      options,
    );
    this.name = 'BlobNotFoundError';
  }
}

/** Reads the malware scan's verdict on a stored object (GuardDuty's tag in AWS); receive acts on it. */
export interface ScanGate {
  verdict(key: string): Promise<MalwareScanVerdict>;
}

/** An object whose scan has not given a verdict yet: the message is retried later, never read unscanned. */
export class ScanPendingError extends IntakeError {
  constructor(
    readonly key: string,
    readonly status: string | null,
  ) {
    super(
      'scan.pending',
      'failure',
      status
        ? `malware scan of ${key} did not complete (${status})`
        : `malware scan of ${key} has not finished: no verdict yet`,
      status ? `文件 ${key} 的安全检查未能完成（${status}）` : `文件 ${key} 的安全检查尚未完成，稍后重试`,
    );
    this.name = 'ScanPendingError';
  }
}

export type {
  AddressRecords,
  AuditRecords,
  BundleJob,
  BundleJobRecords,
  BundleJobScope,
  BundleJobState,
  CityRecords,
  DecisionRecords,
  DocumentRecords,
  NoticeClaimRecords,
  NoticeRecords,
  RecordKind,
  Records,
  RegisteredBaseRecords,
  ReviewRecords,
  SenderRecords,
  SessionRecord,
  SessionRecords,
  StatusRecords,
  SubmissionRecords,
  VocabularyRecords,
} from './records/index.ts';
export {
  type MalwareScanVerdict,
  type ObjectHead,
  type PresignedPost,
  type PresignPostOptions,
  RECEIVED_AT_METADATA,
  type UploadStorage,
} from './upload-storage.ts';
