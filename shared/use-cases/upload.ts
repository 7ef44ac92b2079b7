/**
 * Upload: files sent through the portal (too large for mail, or a base without working mail) become a submission
 * like any other. The upload is wrapped as a MIME message so it is stored raw and read by the same intake.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { RECEIVED_AT_METADATA } from '../ports/upload-storage.ts';
import type { AppContext } from './context.ts';
import { uploadInboxKey } from './inbox-layout.ts';
import { type IngestResult, ingestMessage } from './intake.ts';

/** What an uploader sends. */
export interface UploadInput {
  /** The base the uploader says it is (free text; matched like a subject). */
  baseName: string;
  /** Contact address of the uploader, if given. */
  uploader?: string;
  files: { fileName: string; content: Buffer; contentType?: string }[];
}

/** An upload as a message: who, which base, and the files (in memory or streamed from storage). */
export interface UploadMessageInput {
  baseName: string;
  uploader?: string;
  files: { fileName: string; content: Buffer | Readable; contentType?: string }[];
  /** The Date: header (the receive time of the upload). */
  date: Date;
  /**
   * Fixes the Message-ID and the MIME boundaries, so the same upload always gives the same bytes (and so the same
   * submission); without it both are random.
   */
  stableId?: string;
  /** More headers (e.g. the upload session). */
  headers?: Record<string, string>;
}

/** Composes the MIME message an upload is stored and ingested as (channel "upload", X-Intake-Channel header). */
export function composeUploadMessage(ctx: AppContext, input: UploadMessageInput): MailComposer {
  return new MailComposer({
    from: input.uploader ? `<${input.uploader}>` : 'upload-portal@intake.invalid',
    to: ctx.round.mailbox,
    subject: `【网上提交】${input.baseName}`,
    date: input.date,
    text: `通过上传通道提交，共${input.files.length}个文件。`,
    headers: { 'X-Intake-Channel': 'upload', ...input.headers },
    ...(input.stableId ? { messageId: `<${input.stableId}@upload.intake.invalid>`, baseBoundary: input.stableId } : {}),
    attachments: input.files.map((f) => ({
      filename: f.fileName,
      content: f.content,
      contentType: f.contentType ?? 'application/octet-stream',
    })),
  });
}

/** Records an upload as a submission (channel "upload", received now). */
export async function ingestUpload(ctx: AppContext, input: UploadInput): Promise<IngestResult> {
  const receivedAt = ctx.clock.now();
  const raw = await composeUploadMessage(ctx, { ...input, date: receivedAt })
    .compile()
    .build();
  return ingestMessage(ctx, { raw, channel: 'upload', receivedAt, receivedAtSource: 'transport' });
}

/** Where a queued upload was put, and the submission it will become. */
export interface QueuedUpload {
  rawKey: string;
  /** Intake names a submission after the hash of its raw bytes, known here already. */
  submissionId: string;
  receivedAt: string;
}

/**
 * Stores an upload as a message under inbox/upload/ for the inbox's S3 event to ingest (in AWS: after the malware
 * scan, like mail), instead of ingesting it here.
 */
export async function queueUpload(ctx: AppContext, input: UploadInput): Promise<QueuedUpload> {
  const receivedAt = ctx.clock.now();
  const raw = await composeUploadMessage(ctx, { ...input, date: receivedAt })
    .compile()
    .build();
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const rawKey = uploadInboxKey(`direct-${sha256.slice(0, 32)}`);
  await ctx.blobs.put(rawKey, raw, {
    contentType: 'message/rfc822',
    sha256,
    metadata: { [RECEIVED_AT_METADATA]: receivedAt.toISOString() },
  });
  return { rawKey, submissionId: `s-${sha256.slice(0, 32)}`, receivedAt: receivedAt.toISOString() };
}
