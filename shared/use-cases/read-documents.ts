/**
 * Turning the files of a submission into document records: store each one (content-addressed), expand archives
 * safely, open forwarded messages, classify, and read report forms and self-assessments. One file at a time, so
 * memory holds one attachment (or one archive's members) whatever the size of the message.
 */
import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { type Finding, finding } from '../domain/findings.ts';
import type { DocumentRecord, Submission } from '../domain/records.ts';
import { archiveKind, expandArchive } from '../parsing/archive.ts';
import { classifyDocument } from '../parsing/classify.ts';
import { readMessage } from '../parsing/email.ts';
import { parseReportForm } from '../parsing/report-form.ts';
import { readSelfAssessmentFile } from '../parsing/self-assessment.ts';
import { readSheetHeaders } from '../parsing/sheet-headers.ts';
import type { AppContext } from './context.ts';

/** A file to read, with where it was found. */
export interface IncomingFile {
  fileName: string;
  contentType: string;
  content: Buffer;
  /** Folder inside an archive (archive name first), or null for a mail attachment. */
  folderPath: string | null;
}

/** Documents read from one file, and texts that may name the base (forwarded subjects). */
export interface ReadResult {
  documents: DocumentRecord[];
  texts: string[];
}

/**
 * Digests `takeAttachment` computed while reading, by the buffer it returned, so that `readFile` does not hash the
 * same bytes again (a 40 MB message would otherwise be hashed twice over).
 */
const takenDigests = new WeakMap<Buffer, string>();

/** Levels of forwarded messages opened (a forward of a forward of the submission). */
const MAX_FORWARD_DEPTH = 3;
/** Archive members stored at once (their bytes are in memory already; this only overlaps round trips). */
const ARCHIVE_MEMBER_CONCURRENCY = 4;
/** Items a spreadsheet must carry to be taken for the report form when its name does not say so. */
const REPORT_FORM_MIN_ITEMS = 10;

/**
 * Reads an attachment stream into memory up to the attachment limit. A larger one is streamed on to the blob store
 * (never lost) and comes back as `stored`, with no content to parse.
 */
export async function takeAttachment(
  ctx: AppContext,
  submission: Submission,
  stream: Readable,
  index: number,
): Promise<{ content: Buffer } | { stored: { key: string; size: number; sha256: string } }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const hash = createHash('sha256');
  const iterator = stream[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) {
      const content = Buffer.concat(chunks, size);
      takenDigests.set(content, hash.digest('hex'));
      return { content };
    }
    const chunk = next.value as Buffer;
    hash.update(chunk);
    size += chunk.length;
    chunks.push(chunk);
    if (size > ctx.limits.maxAttachmentBytes) break;
  }
  // Over the limit: hand what we hold and the rest of the stream to a multipart upload.
  const key = `documents/oversize/${submission.id}/${index}`;
  const pass = new PassThrough();
  const upload = ctx.blobs.put(key, pass, { contentType: 'application/octet-stream' });
  for (const chunk of chunks.splice(0)) pass.write(chunk);
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = next.value as Buffer;
    hash.update(chunk);
    size += chunk.length;
    if (!pass.write(chunk)) await new Promise((resolve) => pass.once('drain', resolve));
  }
  pass.end();
  await upload;
  return { stored: { key, size, sha256: hash.digest('hex') } };
}

/** A document record for an attachment too large to read (already stored by `takeAttachment`). */
export function oversizeDocument(
  ctx: AppContext,
  submission: Submission,
  file: { fileName: string; contentType: string },
  stored: { key: string; size: number; sha256: string },
): DocumentRecord {
  const limitMb = Math.round(ctx.limits.maxAttachmentBytes / 1024 / 1024);
  return {
    ...emptyDocument(submission, { ...file, folderPath: null }, stored.sha256, stored.key, stored.size),
    kind: 'other',
    findings: [
      finding(
        'intake.attachment-too-large',
        'warning',
        `附件“${file.fileName}”大小${(stored.size / 1024 / 1024).toFixed(1)}MB，超过${limitMb}MB上限，已保存但未读取，请拆分后重新发送或通过上传通道提交。`,
        { document: file.fileName, messageEn: 'Attachment over the size limit: stored, not read.' },
      ),
    ],
  };
}

/** Stores and reads one file: a document, an archive's members, or a forwarded message's attachments. */
export async function readFile(
  ctx: AppContext,
  submission: Submission,
  file: IncomingFile,
  depth = 0,
): Promise<ReadResult> {
  const digest = takenDigests.get(file.content) ?? sha256(file.content);
  const blobKey = `documents/${digest}`;
  if (!(await ctx.blobs.exists(blobKey))) {
    await ctx.blobs.put(blobKey, file.content, {
      contentType: file.contentType,
      metadata: { filename: encodeURIComponent(file.fileName) },
    });
  }
  const doc = emptyDocument(submission, file, digest, blobKey, file.content.length);

  if (isForwardedMessage(file) && depth < MAX_FORWARD_DEPTH) {
    return readForwarded(ctx, submission, file, doc, depth);
  }
  if (isTnef(file)) {
    doc.kind = 'other';
    doc.findings.push(
      finding(
        'mail.tnef',
        'warning',
        '邮件使用了Outlook的RTF格式（winmail.dat），其中的附件无法读取。请将邮件格式改为HTML或纯文本后重新发送。',
        { document: file.fileName, messageEn: 'TNEF (winmail.dat): attachments inside cannot be read; ask to resend.' },
      ),
    );
    return { documents: [doc], texts: [] };
  }
  const kind = archiveKind(file.content, file.fileName);
  if (kind) return readArchive(ctx, submission, file, doc);

  const described = {
    fileName: file.fileName,
    folderPath: file.folderPath ?? undefined,
    contentType: file.contentType,
    fromArchive: file.folderPath !== null,
  };
  const classification = classifyDocument(described, ctx.round.indicators);
  doc.kind = classification.kind;
  doc.indicator = classification.indicator ?? null;
  if (doc.kind === 'report-form' || (isSpreadsheet(file.fileName) && doc.kind !== 'city-letter')) {
    const form = await parseReportForm(file.content, ctx.round, { fileName: file.fileName });
    const itemsFound = new Set(form.values.filter((v) => v.value !== null).map((v) => v.item)).size;
    // A spreadsheet is the report form when named so, or when it carries a good part of the form's items.
    if (doc.kind === 'report-form' || itemsFound >= REPORT_FORM_MIN_ITEMS) {
      doc.kind = 'report-form';
      doc.indicator = null;
      doc.formValues = form.values;
      doc.formHeader = form.header;
      doc.findings.push(...located(form.findings, file.fileName));
    } else if (doc.indicator === null) {
      // A name that says nothing (附件3.xlsx, Sheet1.xlsx): the title and column headers may say what it is.
      const byHeaders = classifyDocument(
        { ...described, sheetHeaders: await readSheetHeaders(file.content) },
        ctx.round.indicators,
      );
      doc.kind = byHeaders.kind;
      doc.indicator = byHeaders.indicator ?? null;
      if (byHeaders.kind === 'report-form') {
        doc.formValues = form.values;
        doc.formHeader = form.header;
        doc.findings.push(...located(form.findings, file.fileName));
      }
    }
  } else if (doc.kind === 'self-assessment') {
    const report = await readSelfAssessmentFile(file.content, file.fileName);
    doc.report = { cover: report.cover, sections: report.sections, figures: report.figures, pages: report.pages };
    doc.findings.push(...located(report.findings, file.fileName));
  }
  return { documents: [doc], texts: [] };
}

async function readArchive(
  ctx: AppContext,
  submission: Submission,
  file: IncomingFile,
  doc: DocumentRecord,
): Promise<ReadResult> {
  const expanded = await expandArchive(file.content, { fileName: file.fileName });
  doc.kind = 'other';
  doc.findings.push(...located(expanded.findings, file.fileName));
  const documents: DocumentRecord[] = [doc];
  const archiveFolder = [file.folderPath, file.fileName.replace(/\.[^.]+$/, '')].filter(Boolean).join('/');
  // The members are all in memory already (nested archives expanded one level by expandArchive), so storing a few
  // at a time costs no memory and overlaps their round trips to the blob store; records keep the archive's order.
  const members = await mapInOrder(expanded.entries, ARCHIVE_MEMBER_CONCURRENCY, (entry) =>
    readFile(
      ctx,
      submission,
      {
        fileName: entry.fileName,
        contentType: 'application/octet-stream',
        content: entry.content,
        folderPath: [archiveFolder, entry.folderPath].filter(Boolean).join('/'),
      },
      MAX_FORWARD_DEPTH,
    ),
  );
  for (const member of members) documents.push(...member.documents);
  return { documents, texts: [] };
}

/** Maps with at most `limit` calls in flight; results in the order of `items`. */
async function mapInOrder<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function readForwarded(
  ctx: AppContext,
  submission: Submission,
  file: IncomingFile,
  doc: DocumentRecord,
  depth: number,
): Promise<ReadResult> {
  doc.kind = 'other';
  const documents: DocumentRecord[] = [doc];
  const texts: string[] = [];
  let index = 0;
  const facts = await readMessage(file.content, async (attachment) => {
    index++;
    const taken = await takeAttachment(ctx, submission, attachment.content, index);
    if ('stored' in taken) {
      documents.push(oversizeDocument(ctx, submission, attachment, taken.stored));
      return;
    }
    const inner = await readFile(
      ctx,
      submission,
      { fileName: attachment.fileName, contentType: attachment.contentType, content: taken.content, folderPath: null },
      depth + 1,
    );
    documents.push(...inner.documents);
    texts.push(...inner.texts);
  });
  if (facts.subject) texts.push(facts.subject);
  doc.findings.push(
    finding(
      'mail.forwarded',
      'info',
      `附件“${file.fileName}”是转发的邮件${facts.subject ? `（${facts.subject}）` : ''}，已读取其中的附件。`,
      {
        document: file.fileName,
      },
    ),
  );
  return { documents, texts };
}

function emptyDocument(
  submission: Submission,
  file: { fileName: string; contentType: string; folderPath: string | null },
  digest: string,
  blobKey: string,
  size: number,
): DocumentRecord {
  return {
    id: `${submission.id}/${digest}`,
    submissionId: submission.id,
    baseId: null,
    fileName: file.fileName,
    folderPath: file.folderPath,
    contentType: file.contentType,
    size,
    sha256: digest,
    blobKey,
    receivedAt: submission.receivedAt,
    kind: 'other',
    indicator: null,
    formValues: null,
    formHeader: null,
    report: null,
    findings: [],
  };
}

function located(findings: Finding[], fileName: string): Finding[] {
  return findings.map((f) => ({ ...f, document: f.document ?? fileName }));
}

function isForwardedMessage(file: IncomingFile): boolean {
  return file.contentType === 'message/rfc822' || /\.eml$/i.test(file.fileName);
}

function isTnef(file: IncomingFile): boolean {
  return file.contentType === 'application/ms-tnef' || /^winmail\.dat$/i.test(file.fileName);
}

function isSpreadsheet(fileName: string): boolean {
  return /\.(xlsx|xlsm)$/i.test(fileName);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
