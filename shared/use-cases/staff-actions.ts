/**
 * Staff actions on intake: assign an unmatched submission to a base, register a base a city recommends this round,
 * read a stored message again. Each one is recorded in the audit trail (who, when, what, why).
 */
import { createHash, randomUUID } from 'node:crypto';
import { type Base, type CityId, cityIdSchema } from '../domain/catalogue.ts';
import { IntakeError } from '../domain/errors.ts';
import { findingKey } from '../domain/findings.ts';
import { addressOf } from '../domain/mail-address.ts';
import { localDay } from '../domain/notice-schedule.ts';
import type {
  AuditEvent,
  BaseStatus,
  CityRecord,
  Decision,
  DocumentKind,
  Sender,
  Submission,
} from '../domain/records.ts';
import type { AppContext } from './context.ts';
import { baseChanged, UnknownBaseError } from './evaluate.ts';
import type { IngestResult } from './intake.ts';
import { listRegistry } from './registry.ts';
import { proposeFromClassification, recordSettledExample } from './vocabulary-words.ts';

export { addressOf };

/** Who did it and why; every staff action needs both. */
export interface Actor {
  actor: string;
  reason: string;
}

/** No submission with that id. */
export class UnknownSubmissionError extends IntakeError {
  constructor(readonly submissionId: string) {
    super('submission.unknown', 'input', `no submission with id ${submissionId}`, `没有编号为“${submissionId}”的报送`);
    this.name = 'UnknownSubmissionError';
  }
}

/** A staff action that cannot be done as asked (e.g. a duplicate name). */
export class StaffActionError extends IntakeError {
  constructor(message: string, messageZh?: string) {
    // Messages written in Chinese serve as they are; English ones are prefixed until each has its own wording.
    super(
      'staff-action.refused',
      'input',
      message,
      messageZh ?? (/\p{Script=Han}/u.test(message) ? message : `操作无法完成：${message}`),
    );
    this.name = 'StaffActionError';
  }
}

const MATCH_FINDINGS = new Set(['intake.base-unknown', 'intake.base-ambiguous']);

/**
 * Assigns a submission (usually from the unmatched queue) to a base: its documents move to the base, the sender's
 * address is remembered for the base, and the base (and any base it left) is evaluated again.
 */
export async function assignSubmission(
  ctx: AppContext,
  input: Actor & { submissionId: string; baseId: string; rememberSender?: boolean },
): Promise<Submission> {
  const submission = await ctx.records.submissions.get(input.submissionId);
  if (!submission) throw new UnknownSubmissionError(input.submissionId);
  const base = (await listRegistry(ctx)).find((b) => b.id === input.baseId);
  if (!base) throw new UnknownBaseError(input.baseId);
  const previous = submission.baseId;

  submission.baseId = base.id;
  submission.match = { how: 'staff', source: input.actor, score: 1 };
  submission.findings = submission.findings.filter((f) => !MATCH_FINDINGS.has(f.code));
  for (const doc of await ctx.records.documents.listBySubmission(submission.id)) {
    await ctx.records.documents.save({ ...doc, baseId: base.id });
  }
  await ctx.records.submissions.save(submission);

  const address = addressOf(submission.from);
  if (address && input.rememberSender !== false) {
    await ctx.records.senders.save({
      address,
      baseId: base.id,
      confirmedBy: input.actor,
      confirmedAt: ctx.clock.now().toISOString(),
    });
  }
  await audit(ctx, input, 'assign-submission', base.id, submission.id, {
    from: previous,
    to: base.id,
    sender: address,
  });
  if (previous && previous !== base.id) await baseChanged(ctx, previous);
  await baseChanged(ctx, base.id);
  return submission;
}

/** Registers a base a city recommends this round (not in Annex 4); it then takes part like the others. */
export async function registerBase(
  ctx: AppContext,
  input: Actor & { name: string; city: string; aliases?: string[] },
): Promise<Base> {
  const city: CityId = cityIdSchema.parse(input.city);
  const name = input.name.trim();
  if (!name) throw new StaffActionError('base name is empty', '基地名称为空');
  const registry = await listRegistry(ctx);
  // A base that takes no part (取消称号) may be recommended again (excluded.ts): its old entry is no obstacle.
  const same = registry.find((b) => b.name === name && b.participating);
  if (same)
    throw new StaffActionError(
      `a base named ${name} exists already (${same.id})`,
      `已有名为${name}的基地（${same.id}）`,
    );
  const base: Base = {
    id: `n-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`,
    name,
    city,
    category: 'new',
    grade2021: null,
    aliases: input.aliases ?? [],
    participating: true,
  };
  await ctx.records.registeredBases.save(ctx.round.id, base);
  await audit(ctx, input, 'register-base', base.id, null, { name, city });
  return base;
}

/** Reads a stored message again with today's parsers; the same records come out (ids are content-derived). */
export async function reprocessSubmission(
  ctx: AppContext,
  input: Actor & { submissionId: string },
): Promise<IngestResult> {
  const submission = await ctx.records.submissions.get(input.submissionId);
  if (!submission) throw new UnknownSubmissionError(input.submissionId);
  const raw = await ctx.blobs.get(submission.rawKey);
  // Loaded here, not at the top: the readers (pdf.js, exceljs, mailparser …) stay out of every command and page that
  // only reads records (`intake status` loads this module through the excluded-mail list).
  const { ingestMessage } = await import('./intake.ts');
  const result = await ingestMessage(ctx, {
    raw,
    channel: submission.channel,
    rawKey: submission.rawKey,
    receivedAt: new Date(submission.receivedAt),
    reprocess: true,
  });
  await audit(ctx, input, 'reprocess-submission', result.baseId, submission.id, {});
  return result;
}

/** A reprocess handed to the runtime's intake worker (AWS): its outcome shows on the submission once it ran. */
export interface ReprocessQueued {
  submissionId: string;
  queued: true;
}

/**
 * Reprocesses a submission where this runtime reads mail (locally), or hands the request to the intake worker where
 * it does not (AWS: `ctx.reprocess`; the ingest function reads the message after the malware scan and audits it).
 */
export async function requestReprocess(
  ctx: AppContext,
  input: Actor & { submissionId: string },
): Promise<IngestResult | ReprocessQueued> {
  if (!ctx.reprocess) return reprocessSubmission(ctx, input);
  const submission = await ctx.records.submissions.get(input.submissionId);
  if (!submission) throw new UnknownSubmissionError(input.submissionId);
  await ctx.reprocess.request({
    submissionId: submission.id,
    rawKey: submission.rawKey,
    actor: input.actor,
    reason: input.reason,
    requestedAt: ctx.clock.now().toISOString(),
  });
  return { submissionId: submission.id, queued: true };
}

async function audit(
  ctx: AppContext,
  who: Actor,
  action: string,
  baseId: string | null,
  submissionId: string | null,
  details: Record<string, unknown>,
): Promise<void> {
  const event: AuditEvent = {
    id: randomUUID(),
    at: ctx.clock.now().toISOString(),
    actor: who.actor,
    action,
    baseId,
    submissionId,
    reason: who.reason,
    details,
  };
  await ctx.records.audit.append(event);
}

/** Finds a document by id (`<submissionId>/<sha256>`) and the base it belongs to. */
async function documentAndBase(ctx: AppContext, documentId: string) {
  const [submissionId, sha256] = documentId.split('/');
  const doc = submissionId
    ? (await ctx.records.documents.listBySubmission(submissionId)).find((d) => d.sha256 === sha256)
    : undefined;
  if (!doc) throw new StaffActionError(`no document with id ${documentId}`, `没有编号为“${documentId}”的文件`);
  if (!doc.baseId)
    throw new StaffActionError(
      `document ${documentId} belongs to no base yet: assign its submission first`,
      `文件 ${documentId} 尚未归属任何基地：请先用 intake assign 分配其报送`,
    );
  return { doc, baseId: doc.baseId };
}

async function decide(
  ctx: AppContext,
  who: Actor,
  decision: Omit<Decision, 'actor' | 'at' | 'reason'>,
  action: string,
): Promise<BaseStatus> {
  const at = ctx.clock.now().toISOString();
  await ctx.records.decisions.save({ ...decision, actor: who.actor, at, reason: who.reason });
  await audit(ctx, who, action, decision.baseId, null, {
    key: decision.key,
    active: decision.active,
    ...decision.value,
  });
  return baseChanged(ctx, decision.baseId);
}

/**
 * Classifies a file by hand: its kind and, for evidence, every indicator it counts for (one shared table may serve
 * several, 「可以共用一张表格」); `indicator` alone is still taken. Each indicator must be the round's. Survives
 * reprocessing; audited; the base is evaluated again.
 */
export async function classifyDocumentByHand(
  ctx: AppContext,
  input: Actor & { documentId: string; kind: DocumentKind; indicator?: string; indicators?: readonly string[] },
): Promise<BaseStatus> {
  const { doc, baseId } = await documentAndBase(ctx, input.documentId);
  const indicators = [...new Set([...(input.indicators ?? []), ...(input.indicator ? [input.indicator] : [])])];
  const unknown = indicators.filter((slug) => !ctx.round.indicators.some((i) => i.slug === slug));
  if (unknown.length > 0)
    throw new StaffActionError(`no indicator ${unknown.join(', ')}`, `没有指标 ${unknown.join('、')}`);
  if (input.kind === 'evidence' && indicators.length === 0)
    throw new StaffActionError('evidence needs an indicator', '佐证材料须指定指标（--indicator）');
  // Only evidence counts for indicators: a form's indicator select left as it was means nothing for another kind.
  // `indicator` (the first) stays beside the set for readers of decisions written before sets existed.
  const value: Record<string, unknown> = { kind: input.kind, fileName: doc.fileName };
  if (input.kind === 'evidence') Object.assign(value, { indicator: indicators[0], indicators });
  const status = await decide(
    ctx,
    input,
    { baseId, kind: 'classify-document', key: doc.sha256, active: true, value },
    'classify-document',
  );
  // The name may hold a word the vocabulary lacks: proposed for staff to accept (never applied on its own). The file
  // is an example for the round's later files either way (no indicators: staff said it is no evidence).
  await recordSettledExample(ctx, {
    doc,
    baseId,
    indicators: input.kind === 'evidence' ? indicators : [],
    actor: input.actor,
  });
  if (input.kind === 'evidence') {
    await proposeFromClassification(ctx, { doc, baseId, indicators, actor: input.actor });
  }
  return status;
}

/** Withdraws a document (e.g. sent by mistake, or superseded by a corrected file) or, with `active: false`, restores it. */
export async function withdrawDocument(
  ctx: AppContext,
  input: Actor & { documentId: string; active?: boolean },
): Promise<BaseStatus> {
  const { doc, baseId } = await documentAndBase(ctx, input.documentId);
  const active = input.active ?? true;
  return decide(
    ctx,
    input,
    { baseId, kind: 'withdraw-document', key: doc.sha256, active, value: { fileName: doc.fileName } },
    active ? 'withdraw-document' : 'restore-document',
  );
}

/** A finding as staff point at it: its code and location. */
type FindingRef = Actor & { baseId: string; code: string; item?: number; indicator?: string; document?: string };

/** Waives a finding (staff checked it and accept it) so it no longer counts as open. */
export function waiveFinding(ctx: AppContext, input: FindingRef): Promise<BaseStatus> {
  return decideOnFinding(ctx, input, true);
}

/** Takes a waiver back: the finding counts as open again. */
export function reopenFinding(ctx: AppContext, input: FindingRef): Promise<BaseStatus> {
  return decideOnFinding(ctx, input, false);
}

async function decideOnFinding(ctx: AppContext, input: FindingRef, waived: boolean): Promise<BaseStatus> {
  await requireBase(ctx, input.baseId);
  return decide(
    ctx,
    input,
    {
      baseId: input.baseId,
      kind: 'waive-finding',
      key: findingKey(input),
      active: waived,
      value: { code: input.code },
    },
    waived ? 'waive-finding' : 'reopen-finding',
  );
}

/** Marks an indicator not applicable to a base (no evidence required for it), or with `active: false` undoes that. */
export async function markNotApplicable(
  ctx: AppContext,
  input: Actor & { baseId: string; indicator: string; active?: boolean },
): Promise<BaseStatus> {
  await requireBase(ctx, input.baseId);
  if (!ctx.round.indicators.some((i) => i.slug === input.indicator))
    throw new StaffActionError(`no indicator ${input.indicator}`, `没有指标 ${input.indicator}`);
  const active = input.active ?? true;
  return decide(
    ctx,
    input,
    { baseId: input.baseId, kind: 'not-applicable', key: input.indicator, active, value: {} },
    active ? 'mark-not-applicable' : 'unmark-not-applicable',
  );
}

/**
 * Records the sealed paper copies of a base that arrived through its city bureau (the notice asks for 2) and the
 * day they arrived (`YYYY-MM-DD`, Beijing; default today): copies after the paper due date are late.
 */
export async function recordPaperCopies(
  ctx: AppContext,
  input: Actor & { baseId: string; copies: number; receivedOn?: string },
): Promise<BaseStatus> {
  await requireBase(ctx, input.baseId);
  if (!Number.isInteger(input.copies) || input.copies < 0)
    throw new StaffActionError('copies must be a whole number ≥ 0', '份数应为不小于0的整数');
  const today = localDay(ctx.clock.now(), ctx.round.timeZone);
  const receivedOn = input.receivedOn ?? today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(receivedOn) || Number.isNaN(Date.parse(`${receivedOn}T00:00:00Z`))) {
    throw new StaffActionError(`not a date (YYYY-MM-DD): ${receivedOn}`, `日期格式应为YYYY-MM-DD：${receivedOn}`);
  }
  if (receivedOn > today)
    throw new StaffActionError(`the arrival date ${receivedOn} is in the future`, `收到日期 ${receivedOn} 晚于今天`);
  return decide(
    ctx,
    input,
    {
      baseId: input.baseId,
      kind: 'paper-copies',
      key: 'paper',
      active: true,
      value: input.copies > 0 ? { copies: input.copies, receivedOn } : { copies: 0 },
    },
    'record-paper-copies',
  );
}

/** Confirms that an address sends for a base: later mail from it is matched to the base when names say nothing. */
export async function confirmSender(
  ctx: AppContext,
  input: Actor & { address: string; baseId: string },
): Promise<Sender> {
  await requireBase(ctx, input.baseId);
  const address = addressOf(input.address);
  if (!address)
    throw new StaffActionError(`not an e-mail address: ${input.address}`, `不是电子邮件地址：${input.address}`);
  const sender: Sender = {
    address,
    baseId: input.baseId,
    confirmedBy: input.actor,
    confirmedAt: ctx.clock.now().toISOString(),
  };
  await ctx.records.senders.save(sender);
  await audit(ctx, input, 'confirm-sender', input.baseId, null, { address });
  return sender;
}

/** Records a city's official letter (公函): received, and which bases it marks as pilot units and how it ranks them. */
export async function recordCityLetter(
  ctx: AppContext,
  input: Actor & { city: string; received?: boolean; pilotUnits?: string[]; ranking?: string[]; documentId?: string },
): Promise<CityRecord> {
  const city = cityIdSchema.parse(input.city);
  const registry = await listRegistry(ctx);
  for (const id of [...(input.pilotUnits ?? []), ...(input.ranking ?? [])]) {
    if (!registry.some((b) => b.id === id && b.city === city))
      throw new StaffActionError(`${id} is not a base of ${city}`, `${id} 不是${city}的基地`);
  }
  const previous = await ctx.records.cities.get(city);
  const now = ctx.clock.now().toISOString();
  const received = input.received ?? true;
  const record: CityRecord = {
    city,
    letterReceivedAt: received ? (previous?.letterReceivedAt ?? now) : null,
    letterSource: received ? (input.documentId ? 'document' : (previous?.letterSource ?? 'staff')) : null,
    letterDocumentId: input.documentId ?? previous?.letterDocumentId ?? null,
    pilotUnits: input.pilotUnits ?? previous?.pilotUnits ?? [],
    ranking: input.ranking ?? previous?.ranking ?? [],
    updatedBy: input.actor,
    updatedAt: now,
  };
  await ctx.records.cities.save(record);
  await audit(ctx, input, 'record-city-letter', null, null, {
    city,
    received,
    pilotUnits: record.pilotUnits,
    ranking: record.ranking,
  });
  return record;
}

async function requireBase(ctx: AppContext, baseId: string): Promise<void> {
  if (!(await listRegistry(ctx)).some((b) => b.id === baseId)) throw new UnknownBaseError(baseId);
}
