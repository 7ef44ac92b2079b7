/**
 * What staff look at before assigning an unmatched submission: its files (name, folder, size, what the classifier
 * made of each) and the start of the mail's text. The text is read from the stored raw message, but only from its
 * first bytes (the text part comes before the attachments in the mail a client sends), so that a large message
 * costs no more to preview than a small one.
 */
import type { Readable } from 'node:stream';
import type { DocumentKind } from '../domain/records.ts';
import { readMessage } from '../parsing/email.ts';
import type { AppContext, UsingRecords } from './context.ts';

/** One file of the submission. */
export interface PreviewFile {
  fileName: string;
  folderPath: string | null;
  size: number;
  kind: DocumentKind;
}

/** The preview of one submission. */
export interface UnmatchedPreview {
  submissionId: string;
  files: PreviewFile[];
  /** The mail's text, up to `maxChars`; null when there is none (an upload, an empty body, an unreadable message). */
  text: string | null;
  /** The text was longer than `maxChars`. */
  truncated: boolean;
  /** The message is larger than the part read for its text (a text part after the attachments is not seen). */
  partial: boolean;
}

/** How much of a stored message is read for its text. */
export const PREVIEW_BYTES = 1024 * 1024;
/** How many characters of the text are shown. */
export const PREVIEW_CHARS = 2000;

/** The preview of a submission, or null when there is no such submission. */
export async function previewUnmatched(
  ctx: UsingRecords<'submissions' | 'documents', 'blobs'>,
  submissionId: string,
  maxChars = PREVIEW_CHARS,
): Promise<UnmatchedPreview | null> {
  const submission = await ctx.records.submissions.get(submissionId);
  if (!submission) return null;
  const documents = await ctx.records.documents.listBySubmission(submissionId);
  const files = documents
    .map((d) => ({ fileName: d.fileName, folderPath: d.folderPath, size: d.size, kind: d.kind }))
    .sort((a, b) => `${a.folderPath ?? ''}/${a.fileName}`.localeCompare(`${b.folderPath ?? ''}/${b.fileName}`, 'zh'));
  const text = submission.channel === 'upload' ? '' : await mailText(ctx, submission.rawKey);
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  return {
    submissionId,
    files,
    text: trimmed ? trimmed.slice(0, maxChars) : null,
    truncated: trimmed.length > maxChars,
    partial: submission.channel !== 'upload' && submission.rawSize > PREVIEW_BYTES,
  };
}

/** The text part of a stored message, read from its first PREVIEW_BYTES; empty when none was found there. */
async function mailText(ctx: Pick<AppContext, 'blobs'>, rawKey: string): Promise<string> {
  try {
    const { body } = await ctx.blobs.read(rawKey);
    const head = await firstBytes(body, PREVIEW_BYTES);
    const facts = await readMessage(head, async (attachment) => {
      attachment.content.resume();
    });
    return facts.text;
  } catch {
    return '';
  }
}

async function firstBytes(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    length += buffer.length;
    if (length >= limit) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, limit);
}
