/**
 * Intake: one received message becomes a recorded submission with its documents.
 *
 * Primary course:
 * 1. the raw bytes are stored before any record names them: SES (and the inbox channels) stored them already and
 *    they are read back as a stream; bytes held in memory are stored under raw/ (content-addressed) while they
 *    are read. The submission is recorded before any of its documents;
 * 2. parse the message; the same Message-ID seen before makes this one a duplicate of the first;
 * 3. store each attachment, classify it, read report forms and self-assessments;
 * 4. identify the base from the subject, file names, form header and report cover (or leave it unmatched);
 * 5. re-evaluate the base's status.
 * Every problem on the way becomes a finding on the submission or a document; nothing is dropped.
 */
import { createHash } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { cityPlaces, matchBase } from '../domain/base-names.ts';
import type { Base } from '../domain/catalogue.ts';
import { IntakeError } from '../domain/errors.ts';
import { type Finding, finding } from '../domain/findings.ts';
import type { Channel, DocumentRecord, Submission } from '../domain/records.ts';
import { sha256Hex } from '../domain/sha256.ts';
import { type MailVerdicts, readMessage, receiptVerdicts } from '../parsing/email.ts';
import { acknowledgeSubmission } from './acknowledge.ts';
import type { AppContext } from './context.ts';
import { baseChanged } from './evaluate.ts';
import { bufferSource, type RawSource, storedSource } from './raw-source.ts';
import { applyAttachmentList, readAttachments } from './read-documents.ts';
import { receivedAtOf } from './receive.ts';
import { handOffScans } from './recognise-scan.ts';
import { listRegistry } from './registry.ts';
import { receiptOfHead } from './upload-receipt-number.ts';
import { withAcceptedWords } from './vocabulary-words.ts';

/** A raw message handed to intake. */
export interface IngestInput {
  raw: Buffer;
  channel: Channel;
  /** The transport's receive time (SES, IMAP INTERNALDATE, SMTP session, file time); used when no Received: header. */
  receivedAt?: Date;
  receivedAtSource?: 'transport' | 'file-time';
  /** Where the raw bytes already are (SES S3 action); otherwise they are stored under raw/. */
  rawKey?: string;
  /** Read again a message already recorded (after a parser fix): same ids, same records, staff choices kept. */
  reprocess?: boolean;
  /** Reasons found before intake to keep the message closed (e.g. a malware scan's verdict). */
  quarantineReasons?: string[];
}

/** What intake did with a message. */
export interface IngestResult {
  submissionId: string;
  duplicate: boolean;
  baseId: string | null;
  findings: Finding[];
}

/** Ingests a message whose raw bytes are already in the blob store (SES receipt, upload): read as a stream. */
export async function ingestStoredMessage(
  ctx: AppContext,
  input: { key: string; channel: Channel; receivedAt?: Date; quarantineReasons?: string[] },
): Promise<IngestResult> {
  return ingest(ctx, await storedSource(ctx.blobs, input.key), {
    channel: input.channel,
    receivedAt: input.receivedAt,
    receivedAtSource: 'transport',
    rawKey: input.key,
    quarantineReasons: input.quarantineReasons,
  });
}

/** Ingests one raw message held in memory (see the primary course above). */
export async function ingestMessage(ctx: AppContext, input: IngestInput): Promise<IngestResult> {
  const { raw, ...rest } = input;
  return ingest(ctx, bufferSource(raw), rest);
}

/**
 * The primary course on either kind of source. In memory, the SHA-256 (the submission's id) is known at once: the
 * raw put and the submission's conditional write run while the files are read. Streamed, it is known once the
 * parser has read the last byte: the submission is recorded then, before any document is (the raw bytes are safe
 * in the bucket meanwhile, and the queue redelivers the event if this run dies).
 */
async function ingest(ctx: AppContext, source: RawSource, input: Omit<IngestInput, 'raw'>): Promise<IngestResult> {
  const known = source.buffer ? await source.finish() : null;
  const now = ctx.clock.now();
  const transportTime = input.receivedAt ?? now;
  const submission: Submission = {
    // Streamed: a stand-in until the hash is known, used only in the keys of attachments too large to read.
    id: known ? submissionIdOf(known) : `s-key-${sha256Hex(Buffer.from(input.rawKey ?? '')).slice(0, 26)}`,
    roundId: ctx.round.id,
    channel: input.channel,
    rawKey: input.rawKey ?? `raw/${known}.eml`,
    rawSha256: known ?? '',
    rawSize: source.size,
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
  // The portal's receipt number, written by the server into the messages it composes (upload-receipt-number.ts).
  const receiptNumber = input.channel === 'upload' ? receiptOfHead(source.head) : null;
  if (receiptNumber) submission.receipt = receiptNumber;
  // In memory the whole message is held; streamed, only its attachments are, so a larger one can still be read.
  const sizeLimit = source.buffer ? ctx.limits.maxMessageBytes : ctx.limits.maxStoredMessageBytes;
  const tooLarge = source.size > sizeLimit;
  const quarantineReasons = [
    ...(input.channel === 'ses' ? failedVerdicts(receiptVerdicts(source.head)) : []),
    ...(input.quarantineReasons ?? []),
  ];
  // Reading starts at once. In memory it overlaps the raw put and the submission's conditional write: it only
  // writes content-addressed blobs, which no record names until the submission is recorded (a crash leaves
  // unreferenced blobs, which a retry writes again under the same keys). A message too large or quarantined is
  // never opened.
  const abandon = { now: false };
  // Words staff accepted for the vocabulary join it for this message's files.
  const readCtx = await withAcceptedWords(ctx);
  const reading =
    tooLarge || quarantineReasons.length > 0 ? null : readAttachments(readCtx, submission, source.body(), { abandon });
  // Settled on every path, so that an early return never leaves a rejection unhandled.
  const read = reading?.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const stopReading = async (): Promise<void> => {
    abandon.now = true;
    await read;
  };

  let receipt: Receipt;
  try {
    if (!known) {
      // Streamed: the id is known once every byte went by (the parser's reading, or a drain when not opened).
      const outcome = await read;
      const digest = await source.finish();
      submission.id = submissionIdOf(digest);
      submission.rawSha256 = digest;
      if (outcome && !outcome.ok) {
        await recordReceipt(ctx, submission, source, input);
        throw new IntakeInterruptedError(submission.id, { cause: outcome.error });
      }
    }
    receipt = await recordReceipt(ctx, submission, source, input);
  } catch (error) {
    await stopReading();
    throw error;
  }
  if (receipt.duplicate) {
    await stopReading();
    return receipt.duplicate;
  }
  const { staffChoice } = receipt;
  const submissionId = submission.id;

  if (tooLarge) {
    // Too large to parse safely: kept raw, recorded, and explained to staff (and later the sender).
    const limitMb = Math.round(sizeLimit / 1024 / 1024);
    Object.assign(submission, await parseHeadOnly(source.head));
    submission.findings.push(
      finding(
        'intake.message-too-large',
        `邮件大小${(source.size / 1024 / 1024).toFixed(1)}MB，超过${limitMb}MB上限，原始邮件已保存但未自动读取。请将材料分多封邮件发送或通过上传通道提交；工作人员将人工处理。`,
        { messageEn: 'Message over the size limit: stored raw, not parsed; waits for staff.' },
      ),
    );
    submission.state = 'processed';
    await ctx.records.submissions.save(submission);
    // The sender learns at once that the message was kept but not read, and what to do instead.
    await acknowledgeSubmission(ctx, submissionId).catch(() => undefined);
    return { submissionId, duplicate: false, baseId: null, findings: submission.findings };
  }

  if (!read) {
    const reasons = quarantineReasons;
    // Quarantined, not opened: a virus verdict means its files must not reach anyone; spoofed or spam mail waits
    // for staff.
    const head = await parseHeadOnly(source.head);
    Object.assign(submission, head, { state: 'processed', quarantine: { reasons } });
    submission.findings.push(
      finding(
        'intake.quarantined',
        `邮件未通过收件服务的安全检查（${reasons.join('、')}），已隔离保存，未读取附件，也不会自动回复。请工作人员核实后处理。`,
        { messageEn: `Quarantined: ${reasons.join(', ')} failed; not opened, no auto-reply.` },
      ),
    );
    await ctx.records.submissions.save(submission);
    return { submissionId, duplicate: false, baseId: null, findings: submission.findings };
  }

  const outcome = await read;
  // Storage failed mid-message: the raw bytes and the submission are recorded; a retry finishes the work.
  if (!outcome.ok) throw new IntakeInterruptedError(submissionId, { cause: outcome.error });
  const { message, documents, texts } = outcome.value;
  // Files named only 附件1, 附件2 …: the body's list of attachments says what they are.
  applyAttachmentList(readCtx, documents, message.text);
  for (const doc of documents) {
    // The id may have been a stand-in while the files were read, and the receipt time may have been taken from
    // the first delivery's record meanwhile.
    doc.id = `${submissionId}/${doc.sha256}`;
    doc.submissionId = submissionId;
    doc.receivedAt = submission.receivedAt;
  }
  submission.findings.push(...message.findings);
  // The receive time by channel is receive's rule: the mailbox's Received: stamp for SES and CLI files, the
  // transport's time (IMAP INTERNALDATE, the SMTP session, the portal) for the others.
  const received = receivedAtOf(input.channel, new Date(submission.receivedAt), message.receivedAt);
  if (received.fromHeader) {
    submission.receivedAt = received.at.toISOString();
    submission.receivedAtSource = 'received-header';
    for (const doc of documents) doc.receivedAt = submission.receivedAt;
  }
  submission.sentAt = message.sentAt?.toISOString() ?? null;
  submission.messageId = message.messageId;
  submission.from = message.from;
  submission.subject = message.subject;

  if (message.messageId) {
    // A redelivery carries the same Message-ID and the same content (only trace headers differ): a duplicate. A
    // message that reuses a Message-ID with other content (a mail tool that stamps one ID on every message) is
    // its own submission, noted. The content is claimed first, so the outcome does not depend on arrival order.
    const content = contentKey(message.subject, message.text, documents);
    const holder = await ctx.records.submissions.claimMessageId(`${message.messageId} ${content}`, submissionId);
    if (holder !== submissionId) {
      submission.state = 'duplicate';
      submission.duplicateOf = holder;
      await ctx.records.submissions.save(submission);
      const first = await ctx.records.submissions.get(holder);
      return { submissionId, duplicate: true, baseId: first?.baseId ?? null, findings: submission.findings };
    }
    const firstWithId = await ctx.records.submissions.claimMessageId(message.messageId, submissionId);
    if (firstWithId !== submissionId) {
      submission.findings.push(
        finding(
          'mail.message-id-reused',
          '这封邮件的邮件标识（Message-ID）与之前收到的另一封邮件相同，但内容不同，已作为单独的报送登记。',
          {
            messageEn: `Message-ID ${message.messageId} was seen before on submission ${firstWithId} with other content; recorded as its own submission.`,
          },
        ),
      );
    }
  }

  const registry = await listRegistry(ctx);
  const sender = message.fromAddress ? await ctx.records.senders.get(message.fromAddress) : null;
  const candidates = [
    ...documents.flatMap((doc) => [doc.formHeader?.baseName, doc.report?.cover.baseName]),
    message.subject,
    ...texts,
    ...documents.map((doc) => (doc.folderPath ? `${doc.folderPath}/${doc.fileName}` : doc.fileName)),
  ].filter((text): text is string => Boolean(text));
  const chosen = staffChoice?.baseId ? (registry.find((b) => b.id === staffChoice.baseId) ?? null) : null;
  const base =
    chosen ?? identifyBase(candidates, registry, submission, sender?.baseId ?? null, cityPlaces(ctx.round.cities));
  if (chosen && staffChoice) submission.match = { how: 'staff', source: staffChoice.source, score: 1 };

  submission.baseId = base?.id ?? null;
  submission.documentIds = documents.map((doc) => doc.id);
  submission.state = 'processed';
  for (const doc of documents) doc.baseId = submission.baseId;
  await forEachLimited(documents, RECORD_WRITE_CONCURRENCY, (doc) => ctx.records.documents.save(doc));
  // Concurrent deliveries of the same bytes all got here with the same records; the first to finish answers.
  const finished = await ctx.records.submissions.finish(submission, { force: input.reprocess === true });
  if (finished === 'finished-already') {
    return { submissionId, duplicate: true, baseId: submission.baseId, findings: submission.findings };
  }
  await noteCityLetters(ctx, submission, documents);
  if (base) await baseChanged(ctx, base.id);
  await handOffScans(ctx, submissionId, documents);
  await acknowledgeSubmission(ctx, submissionId).catch(() => undefined); // an acknowledgement never fails intake
  return { submissionId, duplicate: false, baseId: submission.baseId, findings: submission.findings };
}

/** What recording the receipt found: a redelivery (answered as such), or a staff choice to keep. */
interface Receipt {
  duplicate: IngestResult | null;
  staffChoice: { source: string; baseId: string | null } | null;
}

/**
 * Stores the raw bytes (when they are not stored already) and records the submission by a conditional write. The
 * same bytes again are a redelivery; a submission left half-done by a crash is finished now; a reprocess redoes the
 * reading with today's parsers but keeps what was decided at receipt (time, channel) and by staff.
 */
async function recordReceipt(
  ctx: AppContext,
  submission: Submission,
  source: RawSource,
  input: Omit<IngestInput, 'raw'>,
): Promise<Receipt> {
  if (source.buffer && !input.rawKey) {
    await ctx.blobs.put(submission.rawKey, source.buffer, {
      contentType: 'message/rfc822',
      sha256: submission.rawSha256,
    });
  }
  if ((await ctx.records.submissions.create(submission)) === 'created') return { duplicate: null, staffChoice: null };
  const existing = await ctx.records.submissions.get(submission.id);
  if (!existing) return { duplicate: null, staffChoice: null };
  if (existing.state !== 'received' && !input.reprocess) {
    return {
      duplicate: { submissionId: submission.id, duplicate: true, baseId: existing.baseId, findings: existing.findings },
      staffChoice: null,
    };
  }
  submission.channel = existing.channel;
  submission.receivedAt = existing.receivedAt;
  submission.receivedAtSource = existing.receivedAtSource;
  submission.recordedAt = existing.recordedAt;
  if (existing.receipt && !submission.receipt) submission.receipt = existing.receipt;
  const staffChoice =
    existing.match?.how === 'staff' ? { source: existing.match.source, baseId: existing.baseId } : null;
  return { duplicate: null, staffChoice };
}

function submissionIdOf(rawSha256: string): string {
  return `s-${rawSha256.slice(0, 32)}`;
}

/** Document records written at once at the end of intake (each is one small conditional-free put). */
const RECORD_WRITE_CONCURRENCY = 8;

/** Runs `fn` on every item with at most `limit` calls in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function identifyBase(
  texts: string[],
  registry: Base[],
  submission: Submission,
  senderBaseId: string | null,
  places: readonly string[],
): Base | null {
  const match = matchBase(texts, registry, places);
  // Names in the message decide; an address staff once confirmed for a base speaks when the names say nothing.
  const known = senderBaseId ? registry.find((b) => b.id === senderBaseId) : undefined;
  if (match.kind === 'none' && known) {
    submission.match = { how: 'sender', source: submission.from ?? '', score: 1 };
    return known;
  }
  if (match.kind === 'matched') {
    submission.match = { how: 'name', source: match.source, score: match.score };
    if (match.base.category === 'cancelled') {
      submission.findings.push(
        finding(
          'intake.base-cancelled',
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
      finding('intake.base-ambiguous', `无法确定材料所属基地（可能是：${names}），已放入待分配队列。`, {
        messageEn: 'Several bases match; the submission waits in the unmatched queue.',
      }),
    );
  } else {
    submission.findings.push(
      finding('intake.base-unknown', '未能从邮件主题、附件名称或报告表中识别出基地名称，已放入待分配队列。', {
        messageEn: 'No base could be identified; the submission waits in the unmatched queue.',
      }),
    );
  }
  return null;
}

/**
 * A document classified as a city bureau's letter (公函) whose name or mail subject names one city marks that
 * city's letter as received; staff still record pilot units and ranking from it.
 */
async function noteCityLetters(ctx: AppContext, submission: Submission, documents: DocumentRecord[]): Promise<void> {
  for (const doc of documents.filter((d) => d.kind === 'city-letter')) {
    const text = `${doc.fileName} ${submission.subject ?? ''}`;
    const cities = ctx.round.cities.filter((city) => [city.name, ...city.aliases].some((name) => text.includes(name)));
    if (cities.length !== 1) continue;
    const city = cities[0]!;
    const previous = await ctx.records.cities.get(city.id);
    if (previous?.letterReceivedAt && previous.letterReceivedAt <= submission.receivedAt) continue;
    await ctx.records.cities.save({
      city: city.id,
      letterReceivedAt: submission.receivedAt,
      letterSource: 'document',
      letterDocumentId: doc.id,
      pilotUnits: previous?.pilotUnits ?? [],
      ranking: previous?.ranking ?? [],
      updatedBy: 'intake',
      updatedAt: ctx.clock.now().toISOString(),
    });
  }
}

/** The names of the receiving service's verdicts that failed. */
export function failedVerdicts(verdicts: MailVerdicts): string[] {
  const failed = (value: string | null) => value === 'FAIL';
  const reasons: string[] = [];
  if (failed(verdicts.virus)) reasons.push('病毒检查 virus');
  if (failed(verdicts.spam)) reasons.push('垃圾邮件检查 spam');
  if (failed(verdicts.dmarc)) reasons.push('DMARC');
  // SPF alone fails for forwarded mail; only SPF and DKIM failing together says the sender is not who it claims.
  if (failed(verdicts.spf) && failed(verdicts.dkim)) reasons.push('SPF/DKIM');
  return reasons;
}

/** Header facts of a message from its header block, without touching its body (quarantined, too large). */
async function parseHeadOnly(head: Buffer): Promise<Pick<Submission, 'messageId' | 'from' | 'subject' | 'sentAt'>> {
  const end = /\r?\n\r?\n/.exec(head.toString('latin1'));
  const block = end ? head.subarray(0, end.index + end[0].length) : head;
  const facts = await readMessage(block, async (attachment) => {
    attachment.content.resume();
    await finished(attachment.content);
  });
  return {
    messageId: facts.messageId,
    from: facts.from,
    subject: facts.subject,
    sentAt: facts.sentAt?.toISOString() ?? null,
  };
}

/** Intake stopped part-way because a store failed; the submission stays 'received' and a retry completes it. */
export class IntakeInterruptedError extends IntakeError {
  constructor(
    readonly submissionId: string,
    options?: ErrorOptions,
  ) {
    super(
      'intake.interrupted',
      'failure',
      `intake of ${submissionId} was interrupted`,
      `报送 ${submissionId} 收取中断（原始邮件已保存，intake start 或 intake ingest 会续收）`,
      options,
    );
    this.name = 'IntakeInterruptedError';
  }
}

/** What a message says and carries, without its trace headers: the same for every delivery of one message. */
function contentKey(subject: string | null, text: string, documents: readonly DocumentRecord[]): string {
  const hash = createHash('sha256')
    .update(subject ?? '')
    .update('\n')
    .update(text)
    .update('\n');
  for (const doc of documents) hash.update(`${doc.folderPath ?? ''}/${doc.fileName}:${doc.sha256}\n`);
  return `c${hash.digest('hex').slice(0, 32)}`;
}
