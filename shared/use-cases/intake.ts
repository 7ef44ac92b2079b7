/**
 * Intake: one received message becomes a recorded submission with its documents.
 *
 * Primary course:
 * 1. store the raw bytes (content-addressed) and record the submission before anything parses them;
 * 2. parse the message; the same Message-ID seen before makes this one a duplicate of the first;
 * 3. store each attachment, classify it, read report forms and self-assessments;
 * 4. identify the base from the subject, file names, form header and report cover (or leave it unmatched);
 * 5. re-evaluate the base's status.
 * Every problem on the way becomes a finding on the submission or a document; nothing is dropped.
 */
import { createHash } from 'node:crypto';
import { matchBase } from '../domain/base-names.ts';
import type { Base } from '../domain/catalogue.ts';
import { type Finding, finding } from '../domain/findings.ts';
import type { Channel, DocumentRecord, Submission } from '../domain/records.ts';
import { classifyDocument } from '../parsing/classify.ts';
import { type MailAttachment, parseMessage } from '../parsing/email.ts';
import { parseReportForm } from '../parsing/report-form.ts';
import { readSelfAssessmentFile } from '../parsing/self-assessment.ts';
import type { AppContext } from './context.ts';
import { evaluateBase } from './evaluate.ts';
import { listRegistry } from './registry.ts';

/** A raw message handed to intake. */
export interface IngestInput {
  raw: Buffer;
  channel: Channel;
  /** The transport's receive time (SES, IMAP INTERNALDATE, SMTP session, file time); used when no Received: header. */
  receivedAt?: Date;
  receivedAtSource?: 'transport' | 'file-time';
  /** Where the raw bytes already are (SES S3 action); otherwise they are stored under raw/. */
  rawKey?: string;
}

/** What intake did with a message. */
export interface IngestResult {
  submissionId: string;
  duplicate: boolean;
  baseId: string | null;
  findings: Finding[];
}

/** Ingests a message whose raw bytes are already in the blob store (SES receipt, upload). */
export async function ingestStoredMessage(
  ctx: AppContext,
  input: { key: string; channel: Channel; receivedAt?: Date },
): Promise<IngestResult> {
  const raw = await ctx.blobs.get(input.key);
  return ingestMessage(ctx, {
    raw,
    channel: input.channel,
    receivedAt: input.receivedAt,
    receivedAtSource: 'transport',
    rawKey: input.key,
  });
}

/** Ingests one raw message (see the primary course above). */
export async function ingestMessage(ctx: AppContext, input: IngestInput): Promise<IngestResult> {
  const rawSha256 = sha256(input.raw);
  const submissionId = `s-${rawSha256.slice(0, 32)}`;
  const rawKey = input.rawKey ?? `raw/${rawSha256}.eml`;
  if (!input.rawKey) await ctx.blobs.put(rawKey, input.raw, { contentType: 'message/rfc822' });

  const now = ctx.clock.now();
  const transportTime = input.receivedAt ?? now;
  const submission: Submission = {
    id: submissionId,
    roundId: ctx.round.id,
    channel: input.channel,
    rawKey,
    rawSha256,
    rawSize: input.raw.length,
    receivedAt: transportTime.toISOString(),
    receivedAtSource: input.receivedAt ? (input.receivedAtSource ?? 'transport') : 'ingest-time',
    sentAt: null,
    messageId: null,
    from: null,
    subject: null,
    state: 'received',
    duplicateOf: null,
    baseId: null,
    match: null,
    documentIds: [],
    findings: [],
    recordedAt: now.toISOString(),
  };
  if ((await ctx.records.createSubmission(submission)) === 'exists') {
    const existing = await ctx.records.getSubmission(submissionId);
    // The same bytes again: a redelivery. A submission left half-done by a crash is finished now.
    if (existing && existing.state !== 'received') {
      return { submissionId, duplicate: true, baseId: existing.baseId, findings: existing.findings };
    }
  }

  const message = await parseMessage(input.raw);
  submission.findings.push(...message.findings);
  // The mailbox's own stamp decides: a live channel knows it; an .eml exported from the mailbox (CLI) carries it
  // in its topmost Received: header.
  if (message.receivedAt && input.channel === 'cli') {
    submission.receivedAt = message.receivedAt.toISOString();
    submission.receivedAtSource = 'received-header';
  }
  submission.sentAt = message.sentAt?.toISOString() ?? null;
  submission.messageId = message.messageId;
  submission.from = message.from;
  submission.subject = message.subject;

  if (message.messageId) {
    const holder = await ctx.records.claimMessageId(message.messageId, submissionId);
    if (holder !== submissionId) {
      submission.state = 'duplicate';
      submission.duplicateOf = holder;
      await ctx.records.saveSubmission(submission);
      const first = await ctx.records.getSubmission(holder);
      return { submissionId, duplicate: true, baseId: first?.baseId ?? null, findings: submission.findings };
    }
  }

  const documents: DocumentRecord[] = [];
  for (const attachment of message.attachments) {
    documents.push(await readAttachment(ctx, submission, attachment));
  }

  const registry = await listRegistry(ctx);
  const texts = [
    ...documents.flatMap((doc) => [doc.formHeader?.baseName, doc.report?.cover.baseName]),
    message.subject,
    ...documents.map((doc) => doc.fileName),
  ].filter((text): text is string => Boolean(text));
  const base = identifyBase(texts, registry, submission);

  submission.baseId = base?.id ?? null;
  submission.documentIds = documents.map((doc) => doc.id);
  submission.state = 'processed';
  for (const doc of documents) {
    doc.baseId = submission.baseId;
    await ctx.records.saveDocument(doc);
  }
  await ctx.records.saveSubmission(submission);
  if (base) await evaluateBase(ctx, { baseId: base.id });
  return { submissionId, duplicate: false, baseId: submission.baseId, findings: submission.findings };
}

function identifyBase(texts: string[], registry: Base[], submission: Submission): Base | null {
  const match = matchBase(texts, registry);
  if (match.kind === 'matched') {
    submission.match = { how: 'name', source: match.source, score: match.score };
    if (match.base.category === 'cancelled') {
      submission.findings.push(
        finding(
          'intake.base-cancelled',
          'warning',
          `${match.base.name}已被取消省级直播电商基地称号，不参加本年度评价；材料已保存，请人工确认。`,
          { messageEn: 'The base lost its title (Annex 4, table 3) and does not take part.' },
        ),
      );
    }
    return match.base;
  }
  if (match.kind === 'ambiguous') {
    const names = match.candidates.map((candidate) => candidate.base.name).join('、');
    submission.findings.push(
      finding('intake.base-ambiguous', 'warning', `无法确定材料所属基地（可能是：${names}），已放入待分配队列。`, {
        messageEn: 'Several bases match; the submission waits in the unmatched queue.',
      }),
    );
  } else {
    submission.findings.push(
      finding(
        'intake.base-unknown',
        'warning',
        '未能从邮件主题、附件名称或报告表中识别出基地名称，已放入待分配队列。',
        {
          messageEn: 'No base could be identified; the submission waits in the unmatched queue.',
        },
      ),
    );
  }
  return null;
}

async function readAttachment(
  ctx: AppContext,
  submission: Submission,
  attachment: MailAttachment,
): Promise<DocumentRecord> {
  const digest = sha256(attachment.content);
  const blobKey = `documents/${digest}`;
  if (!(await ctx.blobs.exists(blobKey))) {
    await ctx.blobs.put(blobKey, attachment.content, {
      contentType: attachment.contentType,
      metadata: { filename: encodeURIComponent(attachment.fileName) },
    });
  }
  const classification = classifyDocument(
    { fileName: attachment.fileName, contentType: attachment.contentType },
    ctx.round.indicators,
  );
  const doc: DocumentRecord = {
    id: `${submission.id}/${digest}`,
    submissionId: submission.id,
    baseId: null,
    fileName: attachment.fileName,
    folderPath: null,
    contentType: attachment.contentType,
    size: attachment.content.length,
    sha256: digest,
    blobKey,
    receivedAt: submission.receivedAt,
    kind: classification.kind,
    indicator: classification.indicator ?? null,
    formValues: null,
    formHeader: null,
    report: null,
    findings: [],
  };
  if (attachment.content.length > ctx.limits.maxAttachmentBytes) {
    doc.findings.push(
      finding('intake.attachment-too-large', 'warning', `附件“${attachment.fileName}”超过大小上限，已保存但未解析。`, {
        document: attachment.fileName,
      }),
    );
    return doc;
  }
  if (doc.kind === 'report-form' || (isSpreadsheet(attachment.fileName) && doc.kind !== 'city-letter')) {
    const form = await parseReportForm(attachment.content, ctx.round, { fileName: attachment.fileName });
    const itemsFound = new Set(form.values.filter((v) => v.value !== null).map((v) => v.item)).size;
    // A spreadsheet is the report form when named so, or when it carries a good part of the form's items.
    if (doc.kind === 'report-form' || itemsFound >= REPORT_FORM_MIN_ITEMS) {
      doc.kind = 'report-form';
      doc.indicator = null;
      doc.formValues = form.values;
      doc.formHeader = form.header;
      doc.findings.push(...form.findings.map((f) => ({ ...f, document: f.document ?? attachment.fileName })));
    }
  } else if (doc.kind === 'self-assessment') {
    const report = await readSelfAssessmentFile(attachment.content, attachment.fileName);
    doc.report = { cover: report.cover, sections: report.sections, figures: report.figures, pages: report.pages };
    doc.findings.push(...report.findings.map((f) => ({ ...f, document: f.document ?? attachment.fileName })));
  }
  return doc;
}

/** Items a spreadsheet must carry to be taken for the report form when its name does not say so. */
const REPORT_FORM_MIN_ITEMS = 10;

function isSpreadsheet(fileName: string): boolean {
  return /\.(xlsx|xlsm)$/i.test(fileName);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
