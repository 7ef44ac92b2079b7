import type { Round } from '../domain/catalogue.ts';
import type { BundleHandOff } from '../ports/bundle-hand-off.ts';
import type {
  BlobStore,
  Clock,
  Mailer,
  OcrHandOff,
  RecordKind,
  Records,
  ReprocessHandOff,
  UploadStorage,
} from '../ports/index.ts';

/** Limits that keep work on hostile input bounded; each one is configurable. */
export interface Limits {
  /** Largest raw message held in memory for parsing (bytes); larger ones are stored and flagged. */
  maxMessageBytes: number;
  /**
   * Largest stored message read as a stream (SES mail, portal uploads, bytes). Memory does not grow with it (only
   * attachments are held, each up to maxAttachmentBytes); it bounds the time one run spends.
   */
  maxStoredMessageBytes: number;
  /** Largest single attachment parsed (bytes). */
  maxAttachmentBytes: number;
  /**
   * Attachments of one message stored and read; the rest are counted in a finding and stay in the raw copy (a
   * package of thousands of files belongs in a zip, whose own limits apply).
   */
  maxAttachments?: number;
}

/** Everything a use case needs: the round in force and the ports. One per runtime (aws, local, test). */
export interface AppContext {
  round: Round;
  blobs: BlobStore;
  records: Records;
  mailer: Mailer;
  clock: Clock;
  /** Address notices and acknowledgements are sent from. */
  mailFrom: string;
  limits: Limits;
  /** Presigned uploads and object heads; absent where the runtime has none (the upload portal then answers 501). */
  uploads?: UploadStorage;
  /** Where scans go for OCR; absent, they are read in place (locally, and in the ocr function itself). */
  ocr?: OcrHandOff;
  /**
   * A base's own upload link (signed; shared/access/upload-links.ts), for acknowledgements to addresses known for
   * the base; absent where the runtime knows no public address or secret (no link is then offered).
   */
  uploadLinkFor?: (baseId: string) => string | null;
  /** Where staff reprocess requests go; absent, the message is read again in place (locally, and in ingest-email). */
  reprocess?: ReprocessHandOff;
  /** Where large file packages are built (AWS: the bundle-build function); absent, they are built in this process. */
  bundles?: BundleHandOff;
}

/**
 * The part of the context a use case reads, named in its signature: the record kinds it touches and the other members
 * it uses, e.g. `UsingRecords<'submissions' | 'audit', 'clock'>`. Every AppContext is one; a unit test passes just
 * these (the in-memory records, shared/adapters/memory/records/).
 */
export type UsingRecords<K extends RecordKind, C extends Exclude<keyof AppContext, 'records'> = never> = Pick<
  AppContext,
  C
> & { records: Pick<Records, K> };

/** Default limits: the notice's packages are tens of MB; anything far beyond is an accident or an attack. */
export const DEFAULT_LIMITS: Limits = {
  maxMessageBytes: 60 * 1024 * 1024,
  maxStoredMessageBytes: 600 * 1024 * 1024,
  maxAttachmentBytes: 40 * 1024 * 1024,
  maxAttachments: 500,
};

/** A clock that reads the system time. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock fixed at one instant (for `--as-of` and tests). */
export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()) };
}
