/**
 * Turning the files of a submission into document records: store each one (content-addressed), expand archives
 * safely, open forwarded messages, classify, and read report forms and self-assessments. Files are stored and read
 * within a budget of bytes in flight (BYTES_IN_FLIGHT), so memory stays bounded whatever the size of the message.
 */
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { type Finding, finding } from '../domain/findings.ts';
import type { DocumentRecord, FormValue, Submission } from '../domain/records.ts';
import { sha256Hex } from '../domain/sha256.ts';
import { archiveKind, DEFAULT_ARCHIVE_LIMITS, expandArchive } from '../parsing/archive.ts';
import { type Classification, type ClassifyInput, classifyDocument } from '../parsing/classify.ts';
import { type MessageFacts, readMessage } from '../parsing/email.ts';
import { FIRST_PAGE_MAX_BYTES } from '../parsing/evidence/first-page.ts';
import { listedAs } from '../parsing/evidence/numbers.ts';
import {
  BREACH_CODES,
  PACKAGE_TOO_LARGE,
  readFirstPage,
  readReportForm,
  readSelfAssessment,
  readSheetHeaders,
} from '../parsing/sandbox/index.ts';
import type { AppContext } from './context.ts';

/**
 * An attachment's bytes as the parser decoded them, not yet joined: most files (photos, videos) are only stored,
 * and joining them would copy every byte once more. `readFile` joins them only to parse them.
 */
export interface HeldBytes {
  chunks: Buffer[];
  size: number;
  /** SHA-256 (hex), computed while they were read. */
  sha256: string;
}

/** A file to read, with where it was found. */
export interface IncomingFile {
  fileName: string;
  contentType: string;
  content: Buffer | HeldBytes;
  /** Folder inside an archive (archive name first), or null for a mail attachment. */
  folderPath: string | null;
  /** Levels of archives the file was found in (0 or absent for a mail attachment). */
  archiveDepth?: number;
}

/** Documents read from one file, and texts that may name the base (forwarded subjects). */
export interface ReadResult {
  documents: DocumentRecord[];
  texts: string[];
}

/**
 * Bytes of files being stored and read at once, per level (attachments of a message; members of an archive): their
 * round trips to the blob store overlap, and memory stays bounded whatever the number of files.
 */
export const BYTES_IN_FLIGHT = 16 * 1024 * 1024;
/** Levels of forwarded messages opened (a forward of a forward of the submission). */
const MAX_FORWARD_DEPTH = 3;
/** Items a spreadsheet must carry to be taken for the report form when its name does not say so. */
const REPORT_FORM_MIN_ITEMS = 10;
/**
 * Largest Word or PDF file whose name says nothing that is opened to see whether it is the report form (the form
 * is a few pages; a larger file is a scan, photos or a report).
 */
const FORM_SNIFF_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Reads an attachment stream into memory up to the attachment limit. A larger one is streamed on to the blob store
 * (never lost) and comes back as `stored`, with no content to parse.
 */
export async function takeAttachment(
  ctx: AppContext,
  submission: Submission,
  stream: Readable,
  index: number | string,
): Promise<{ content: HeldBytes } | { stored: { key: string; size: number; sha256: string } }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const hash = createHash('sha256');
  const iterator = stream[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) {
      return { content: { chunks, size, sha256: hash.digest('hex') } };
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
  const held = Buffer.isBuffer(file.content) ? null : file.content;
  const digest = held?.sha256 ?? sha256Hex(file.content as Buffer);
  const size = held?.size ?? (file.content as Buffer).length;
  const blobKey = `documents/${digest}`;
  // Content-addressed: the same file sent again is stored once (a second put would add a version).
  if (!(await ctx.blobs.exists(blobKey))) {
    await ctx.blobs.put(blobKey, held ? Readable.from(held.chunks, { objectMode: false }) : (file.content as Buffer), {
      contentType: file.contentType,
      metadata: { filename: encodeURIComponent(file.fileName) },
      sha256: digest,
      length: size,
    });
  }
  const doc = emptyDocument(submission, file, digest, blobKey, size);
  if (!needsReading(ctx, file, leadingBytes(file.content), size)) {
    return { documents: [classified(ctx, doc, file)], texts: [] };
  }
  const content = joined(file.content);
  // The pieces are stored and joined: let them go now, not when the caller's closure ends (an archive's worth).
  if (held) held.chunks = [];
  return readContent(ctx, submission, { ...file, content }, doc, depth);
}

/** Reads a stored file's content: a forwarded message, TNEF, an archive, a report form or a self-assessment. */
async function readContent(
  ctx: AppContext,
  submission: Submission,
  file: IncomingFile & { content: Buffer },
  doc: DocumentRecord,
  depth: number,
): Promise<ReadResult> {
  if (isForwardedMessage(file) && depth < MAX_FORWARD_DEPTH) {
    return readForwarded(ctx, submission, file, doc, depth);
  }
  if (isTnef(file)) {
    doc.kind = 'other';
    doc.findings.push(
      finding(
        'mail.tnef',
        '邮件使用了Outlook的RTF格式（winmail.dat），其中的附件无法读取。请将邮件格式改为HTML或纯文本后重新发送。',
        { document: file.fileName, messageEn: 'TNEF (winmail.dat): attachments inside cannot be read; ask to resend.' },
      ),
    );
    return { documents: [doc], texts: [] };
  }
  const kind = archiveKind(file.content, file.fileName);
  // An archive found deeper than the nesting limit was reported by the archive that held it; it is kept unopened.
  if (kind && (file.archiveDepth ?? 0) > DEFAULT_ARCHIVE_LIMITS.maxDepth) {
    doc.kind = 'other';
    return { documents: [doc], texts: [] };
  }
  if (kind) return readArchive(ctx, submission, file, doc);

  const described = describe(file);
  classified(ctx, doc, file);
  // Every reader runs in the parser worker under its budget: a file that overruns it gives a finding, not an outage.
  const readReport = async () => {
    const report = await readSelfAssessment(file.content, file.fileName);
    doc.report = { cover: report.cover, sections: report.sections, figures: report.figures, pages: report.pages };
    doc.findings.push(...located(report.findings, file.fileName));
  };
  // A scan or a Word file named by a tool (扫描全能王 …pdf, 新建文档.docx): its first page may say what it is.
  const byFirstPage = async (): Promise<boolean> => {
    const read = await readFirstPage(file.content, file.fileName);
    doc.findings.push(...read.findings);
    const firstPage = read.text;
    if (!firstPage) return false;
    const head = firstPage.slice(0, 300);
    // The form's title: left to the form check below, which wants its items.
    if (/经营服务情况/.test(head)) return false;
    if (/自评报告/.test(head)) {
      apply(doc, { kind: 'self-assessment' });
      await readReport();
      return true;
    }
    apply(doc, classifyDocument({ ...described, firstPage }, ctx.round));
    return decided(doc);
  };
  const headersOf = async (): Promise<string[]> => {
    const read = await readSheetHeaders(file.content, file.fileName);
    doc.findings.push(...read.findings);
    return read.headers;
  };
  if (doc.kind === 'report-form' || (isSpreadsheet(file.fileName) && doc.kind !== 'city-letter')) {
    const form = await readReportForm(file.content, ctx.round, file.fileName);
    // A workbook refused or ended by its budget is not opened again for its headers.
    const unread = form.findings.some((f) => UNREAD_CODES.has(f.code));
    const itemsFound = filledItems(form.values);
    // A spreadsheet is the report form when named so, or when it carries a good part of the form's items.
    if (doc.kind === 'report-form' || itemsFound >= REPORT_FORM_MIN_ITEMS) {
      doc.kind = 'report-form';
      doc.indicator = null;
      doc.formValues = form.values;
      doc.formHeader = form.header;
      doc.findings.push(...located(form.findings, file.fileName));
    } else if (unread) {
      doc.findings.push(...located(form.findings, file.fileName));
    } else if (!decided(doc)) {
      // A name that says nothing (附件3.xlsx, Sheet1.xlsx): the title and column headers may say what it is.
      const byHeaders = classifyDocument({ ...described, sheetHeaders: await headersOf() }, ctx.round);
      apply(doc, byHeaders);
      if (byHeaders.kind === 'report-form') {
        doc.formValues = form.values;
        doc.formHeader = form.header;
        doc.findings.push(...located(form.findings, file.fileName));
      }
    } else if (inShareableSet(ctx, doc)) {
      // A roster named for one indicator of a set that may share a table (从业人员名单.xlsx) whose columns serve
      // others (政治面貌, 负责项目): it counts for those too (「可以共用一张表格」). Never fewer than the name gave.
      const own = evidenceIndicators(doc);
      const byHeaders = classifyDocument({ ...described, sheetHeaders: await headersOf() }, ctx.round);
      const more = byHeaders.indicators ?? [];
      if (byHeaders.kind === 'evidence' && more.length > own.length && own.every((i) => more.includes(i))) {
        apply(doc, byHeaders);
      }
    }
  } else if (WORD_OR_PDF.test(file.fileName) && doc.kind === 'evidence' && !decided(doc) && (await byFirstPage())) {
    // Decided by its first page: evidence, not the form.
  } else if (mayBeUnnamedForm(ctx, file, file.content.length) && !decided(doc)) {
    // Taken for the form only when it carries a good part of the form's items, like a spreadsheet so named. Its
    // text layer only: OCR of every text-less photo or certificate just to ask "is this the form?" would cost
    // minutes a message; a scanned form under a name that says nothing waits in the 待核实 queue instead.
    const form = await readReportForm(file.content, ctx.round, file.fileName, undefined, { ocr: false });
    doc.findings.push(
      ...located(
        form.findings.filter((f) => UNREAD_CODES.has(f.code)),
        file.fileName,
      ),
    );
    if (filledItems(form.values) >= REPORT_FORM_MIN_ITEMS) {
      apply(doc, { kind: 'report-form' });
      doc.formValues = form.values;
      doc.formHeader = form.header;
      doc.findings.push(...located(form.findings, file.fileName));
    }
  } else if (doc.kind === 'self-assessment') {
    await readReport();
  }
  return { documents: [doc], texts: [] };
}

const WORD_OR_PDF = /\.(?:pdf|docx?|wps)$/i;

/** Findings of a file whose content was not read because it overran the parser's budget. */
const UNREAD_CODES: ReadonlySet<string> = new Set([...Object.values(BREACH_CODES), PACKAGE_TOO_LARGE]);

async function readArchive(
  ctx: AppContext,
  submission: Submission,
  file: IncomingFile & { content: Buffer },
  doc: DocumentRecord,
): Promise<ReadResult> {
  doc.kind = 'other';
  const archiveFolder = [file.folderPath, file.fileName.replace(/\.[^.]+$/, '')].filter(Boolean).join('/');
  const members = pipelined<ReadResult>(BYTES_IN_FLIGHT);
  // Members are stored and read while the next ones are inflated, within the budget of bytes in flight.
  const expanded = await expandArchive(file.content, {
    fileName: file.fileName,
    depth: file.archiveDepth ?? 0,
    onEntry: (entry) =>
      members.add(
        () =>
          readFile(
            ctx,
            submission,
            {
              fileName: entry.fileName,
              contentType: 'application/octet-stream',
              content: entry.content,
              folderPath: [archiveFolder, entry.folderPath].filter(Boolean).join('/'),
              archiveDepth: entry.depth,
            },
            MAX_FORWARD_DEPTH,
          ),
        entry.content.length,
      ),
  });
  const results = await members.results();
  doc.findings.push(...located(expanded.findings, file.fileName));
  return { documents: [doc, ...results.flatMap((member) => member.documents)], texts: [] };
}

/**
 * Work started in order with a budget of bytes in flight: `add` waits until the bytes of the work already running
 * leave room for its own (or nothing runs), then starts it and returns, so that the caller prepares the next piece
 * while earlier ones are stored and read. Memory held by work in flight stays within the budget (plus one piece
 * larger than it), whatever the number of pieces. `results` waits for all and gives the results in the order of
 * `add`, or throws the first failure (work not yet started then is not started).
 */
export function pipelined<R>(budgetBytes: number): {
  add(work: () => Promise<R>, bytes: number): Promise<void>;
  results(): Promise<R[]>;
} {
  const results: R[] = [];
  const running = new Set<Promise<void>>();
  let runningBytes = 0;
  let failure: { error: unknown } | null = null;
  return {
    async add(work, bytes) {
      while (running.size > 0 && runningBytes + bytes > budgetBytes) await Promise.race(running);
      if (failure) return;
      const position = results.length;
      results.length++;
      runningBytes += bytes;
      const done: Promise<void> = work()
        .then(
          (result) => {
            results[position] = result;
          },
          (error: unknown) => {
            failure ??= { error };
          },
        )
        .finally(() => {
          runningBytes -= bytes;
          running.delete(done);
        });
      running.add(done);
    },
    async results() {
      while (running.size > 0) await Promise.race(running);
      if (failure) throw failure.error;
      return results;
    },
  };
}

/** A message's facts, and the documents and texts read from its attachments. */
export interface MessageFiles {
  message: MessageFacts;
  documents: DocumentRecord[];
  texts: string[];
}

/**
 * Parses a message and stores and reads each attachment (the submission itself, or a forwarded one inside it).
 * Attachments are stored and read while the parser decodes the next ones, within BYTES_IN_FLIGHT: the blob store's
 * round trips and the form and PDF reading overlap the MIME decoding, and memory holds that budget plus the
 * attachment being decoded, whatever the size of the message. Documents and texts keep the order of the
 * attachments. With `abandon.now` set (a redelivery found out meanwhile), the remaining attachments are drained
 * unread. `label` keeps the keys of oversize attachments of a forwarded message apart from the outer message's.
 */
export async function readAttachments(
  ctx: AppContext,
  submission: Submission,
  source: Buffer | Readable,
  options: { depth?: number; label?: string; abandon?: { now: boolean } } = {},
): Promise<MessageFiles> {
  const files = pipelined<ReadResult>(BYTES_IN_FLIGHT);
  const maxAttachments = ctx.limits.maxAttachments ?? Number.POSITIVE_INFINITY;
  let index = 0;
  let unread = 0;
  const message = await readMessage(source, async (attachment) => {
    if (options.abandon?.now || index >= maxAttachments) {
      if (!options.abandon?.now) unread++;
      attachment.content.resume();
      await finished(attachment.content);
      return;
    }
    index++;
    const taken = await takeAttachment(ctx, submission, attachment.content, `${options.label ?? ''}${index}`);
    await files.add(
      async () =>
        'stored' in taken
          ? { documents: [oversizeDocument(ctx, submission, attachment, taken.stored)], texts: [] }
          : readFile(
              ctx,
              submission,
              {
                fileName: attachment.fileName,
                contentType: attachment.contentType,
                content: taken.content,
                folderPath: null,
              },
              options.depth ?? 0,
            ),
      'stored' in taken ? 0 : taken.content.size,
    );
  });
  const results = await files.results();
  if (unread > 0) {
    message.findings.push(
      finding(
        'mail.too-many-attachments',
        `邮件共有${index + unread}个附件，超过每封邮件${maxAttachments}个的上限：已读取前${index}个，其余${unread}个未读取（原始邮件已保存）。请将证明材料压缩为zip文件，或分几封邮件发送。`,
        {
          messageEn: `${index + unread} attachments, over the limit of ${maxAttachments}: ${unread} not read (kept in the raw message).`,
        },
      ),
    );
  }
  return {
    message,
    documents: results.flatMap((read) => read.documents),
    texts: results.flatMap((read) => read.texts),
  };
}

async function readForwarded(
  ctx: AppContext,
  submission: Submission,
  file: IncomingFile & { content: Buffer },
  doc: DocumentRecord,
  depth: number,
): Promise<ReadResult> {
  doc.kind = 'other';
  const documents: DocumentRecord[] = [doc];
  const inner = await readAttachments(ctx, submission, file.content, {
    depth: depth + 1,
    label: `${doc.sha256.slice(0, 12)}.`,
  });
  const facts = inner.message;
  documents.push(...inner.documents);
  const texts = [...inner.texts];
  if (facts.subject) texts.push(facts.subject);
  doc.findings.push(
    finding(
      'mail.forwarded',
      `附件“${file.fileName}”是转发的邮件${facts.subject ? `（${facts.subject}）` : ''}，已读取其中的附件。`,
      {
        document: file.fileName,
      },
    ),
  );
  return { documents, texts };
}

/** How many items of a form have a value (a tick list with nothing ticked does not count). */
function filledItems(values: readonly FormValue[]): number {
  return new Set(
    values.filter((v) => v.value !== null && !(Array.isArray(v.value) && !v.value.length)).map((v) => v.item),
  ).size;
}

/** Whether a file's content must be parsed, or storing and classifying it by name is all there is to do. */
function needsReading(ctx: AppContext, file: IncomingFile, head: Buffer, size: number): boolean {
  if (isForwardedMessage(file) || isTnef(file) || archiveKind(head, file.fileName)) return true;
  const kind = classifyDocument(describe(file), null).kind;
  if (kind === 'report-form' || kind === 'self-assessment' || isSpreadsheet(file.fileName)) return true;
  if (mayBeUnnamedForm(ctx, file, size)) return true;
  // Evidence its name does not decide: the first page may.
  const byName = classifyDocument(describe(file), ctx.round);
  return (
    byName.kind === 'evidence' &&
    byName.evidence?.decision !== 'decided' &&
    WORD_OR_PDF.test(file.fileName) &&
    size <= FIRST_PAGE_MAX_BYTES
  );
}

/** A Word or PDF file whose name names nothing (`新建 Microsoft Word 文档.docx`): it may be the form as the notice sent it. */
function mayBeUnnamedForm(ctx: AppContext, file: IncomingFile, size: number): boolean {
  if (!/\.(docx|doc|wps|pdf)$/i.test(file.fileName) || size > FORM_SNIFF_MAX_BYTES) return false;
  const classification = classifyDocument(describe(file), ctx.round);
  return (classification.kind === 'evidence' || classification.kind === 'other') && !classification.indicator;
}

/** Sets a document's kind and indicator from what the file is called and where it was found. */
function classified(ctx: AppContext, doc: DocumentRecord, file: IncomingFile): DocumentRecord {
  apply(doc, classifyDocument(describe(file), ctx.round));
  return doc;
}

/** Records a classification on a document: kind, the decided indicators, and for evidence the decision and why. */
export function apply(doc: DocumentRecord, classification: Classification): void {
  doc.kind = classification.kind;
  doc.indicator = classification.indicator ?? null;
  doc.indicators = classification.indicators ?? [];
  if (classification.evidence) {
    const { decision, confidence, candidates, reasons } = classification.evidence;
    doc.classification = { decision, confidence, candidates, reasons };
  } else {
    doc.classification = null;
  }
}

/**
 * Evidence named only by a label (附件5.pdf, 3.xlsx, 文件三.pdf, att2.pdf) when the mail body says what it is
 * (附件5：直播间明细表, 文件三是三会一课记录): classified again with those words. Only attachments of the message
 * itself, not archive members (whose names the body does not know).
 */
export function applyAttachmentList(ctx: AppContext, documents: DocumentRecord[], body: string): void {
  if (body.trim() === '') return;
  for (const doc of documents) {
    if (doc.folderPath !== null || (doc.kind === 'evidence' && decided(doc))) continue;
    const listed = listedAs(body, doc.fileName.replace(/\.[a-z0-9]{1,5}$/i, ''));
    if (listed === undefined) continue;
    const byList = classifyDocument(
      { fileName: doc.fileName, contentType: doc.contentType, listedAs: listed },
      ctx.round,
    );
    if (byList.kind !== 'evidence' || byList.evidence?.decision !== 'decided') continue;
    // 附件3.pdf was taken for the self-assessment (the notice's 附件3) by its name alone: what was read of it as
    // such goes.
    if (doc.kind === 'self-assessment' || doc.kind === 'report-form') {
      doc.report = null;
      doc.formValues = null;
      doc.formHeader = null;
      doc.findings = doc.findings.filter((f) => !f.code.startsWith('report.') && !f.code.startsWith('form.'));
    }
    apply(doc, byList);
  }
}

/** The indicators an evidence document counts for, as the classifier decided them. */
function evidenceIndicators(doc: DocumentRecord): string[] {
  return doc.indicators?.length ? doc.indicators : doc.indicator ? [doc.indicator] : [];
}

/** Whether a decided evidence file counts for indicators of a set the notice lets share one table. */
function inShareableSet(ctx: AppContext, doc: DocumentRecord): boolean {
  if (doc.kind !== 'evidence' || !decided(doc)) return false;
  const own = evidenceIndicators(doc);
  return (ctx.round.vocabulary?.shareable ?? []).some((group) => own.every((i) => group.includes(i)));
}

/** Whether the classifier decided which indicator(s) an evidence document is for. */
function decided(doc: DocumentRecord): boolean {
  return doc.indicator !== null;
}

function describe(file: IncomingFile): ClassifyInput {
  return {
    fileName: file.fileName,
    folderPath: file.folderPath ?? undefined,
    contentType: file.contentType,
    fromArchive: file.folderPath !== null,
  };
}

/** The first bytes of a file (enough for the archive formats' magic numbers). */
function leadingBytes(content: Buffer | HeldBytes, length = 512): Buffer {
  if (Buffer.isBuffer(content)) return content.subarray(0, length);
  const first = content.chunks[0] ?? Buffer.alloc(0);
  if (first.length >= length || content.chunks.length === 1) return first.subarray(0, length);
  return Buffer.concat(content.chunks, Math.min(length, content.size)).subarray(0, length);
}

function joined(content: Buffer | HeldBytes): Buffer {
  return Buffer.isBuffer(content) ? content : Buffer.concat(content.chunks, content.size);
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

/** Workbooks and table exports the report-form reader opens: a form may come under any name. */
function isSpreadsheet(fileName: string): boolean {
  return /\.(xlsx|xlsm|xls|et|csv)$/i.test(fileName);
}
