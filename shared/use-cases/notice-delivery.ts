/**
 * Sending a notice exactly once, whatever crashes or retries happen around it.
 *
 * Primary course, for a notice with a deterministic key (the same due notice gets the same key on every run):
 * 1. read the claim; a notice already sent (or superseded, or decided against) is not sent again;
 * 2. claim it with a conditional put (`claimed`, with a lease): of two runs, one wins;
 * 3. compose the mail, then mark the claim `sending` (conditional on the version read) and call the transport;
 * 4. record the outcome: `sent` with the transport's id, or `failed` with the error, the attempt count and the time
 *    of the next attempt (backoff), and keep a NoticeRecord for the dashboard.
 *
 * The crash windows, and why this order:
 * - between 2 and 3 (claimed, nothing sent): the claim stays `claimed`; once its lease expires a later run claims it
 *   again and sends. Nothing was sent, so nothing is sent twice.
 * - between 3 and 4 (the transport was called, the outcome not recorded; a Lambda timeout during the call, or the
 *   store failing after it): the claim stays `sending`. The transport may or may not have sent it and nothing can ask
 *   SES, so it is NOT sent again automatically: it is listed as outcome unknown (listUnsettled, `intake notices`)
 *   until a newer digest to the same city supersedes it or staff send it again with `--force`. This trades a possible
 *   missed notice, which is shown, for a duplicate, which cannot be taken back.
 * Every attempt carries the same Message-ID, so a mail client shows a re-sent copy as the same message.
 */
import { createHash } from 'node:crypto';
import type { NoticeSchedule } from '../domain/catalogue.ts';
import type { Finding } from '../domain/findings.ts';
import { isUnsettled, type NoticeClaim, type NoticeTrigger } from '../domain/notice-claims.ts';
import { retryDelayMinutes } from '../domain/notice-schedule.ts';
import type { OutgoingMail } from '../ports/index.ts';
import type { UsingRecords } from './context.ts';

/** What delivering a notice reads: its claims and records, the clock, the transport and the sender address. */
type DeliveryContext = UsingRecords<'noticeClaims' | 'notices', 'clock' | 'mailer' | 'mailFrom'>;

/** A notice to send once. */
export interface DeliveryRequest {
  key: string;
  kind: 'digest' | 'ack';
  city: NoticeClaim['city'];
  submissionId: string | null;
  trigger: NoticeTrigger;
  slot: string | null;
  contentSha256: string;
  asOf: Date;
  to: string[];
  subject: string;
  text: string;
  findings: Finding[];
  /** Builds the mail (attachments included) only when it is really sent. */
  compose: () => Promise<OutgoingMail>;
}

/** What happened to a notice on this run. */
export type DeliveryStatus =
  | 'sent'
  | 'failed'
  | 'already-sent'
  | 'in-progress'
  | 'outcome-unknown'
  | 'backoff'
  | 'gave-up';

/** The outcome of one delivery. */
export interface DeliveryOutcome {
  status: DeliveryStatus;
  /** The claim as this run left it (null when another run holds it). */
  claim: NoticeClaim | null;
  error?: string;
  /** False when the mail went out but recording the outcome failed (the claim stays `sending`). */
  recorded?: boolean;
}

/** Sends a notice unless it was sent before or another run holds it (see the module comment). */
export async function deliverOnce(
  ctx: DeliveryContext,
  request: DeliveryRequest,
  schedule: NoticeSchedule,
): Promise<DeliveryOutcome> {
  const now = ctx.clock.now();
  const existing = await ctx.records.noticeClaims.get(request.key);
  const blocked = blockedBy(existing, now);
  if (blocked) return { status: blocked, claim: existing };

  let claim: NoticeClaim = {
    ...claimFields(request),
    state: 'claimed',
    version: (existing?.version ?? 0) + 1,
    attempts: existing?.attempts ?? 0,
    claimedAt: now.toISOString(),
    leaseUntil: new Date(now.getTime() + schedule.leaseMinutes * 60_000).toISOString(),
    nextAttemptAt: null,
    sentAt: null,
    transportId: null,
    error: null,
    reason: null,
    findings: request.findings,
    updatedAt: now.toISOString(),
  };
  if (!(await ctx.records.noticeClaims.put(claim, existing?.version ?? null)))
    return { status: 'in-progress', claim: null };

  let mail: OutgoingMail;
  try {
    mail = await request.compose();
  } catch (error) {
    return fail(ctx, claim, error, schedule);
  }
  mail = { ...mail, headers: { ...mail.headers, 'Message-ID': messageIdFor(request.key, ctx.mailFrom) } };

  const sending: NoticeClaim = { ...claim, state: 'sending', version: claim.version + 1, attempts: claim.attempts + 1 };
  sending.updatedAt = ctx.clock.now().toISOString();
  if (!(await ctx.records.noticeClaims.put(sending, claim.version))) return { status: 'in-progress', claim: null };
  claim = sending;

  let transportId: string;
  try {
    transportId = (await ctx.mailer.send(mail)).messageId;
  } catch (error) {
    return fail(ctx, claim, error, schedule);
  }

  const sent: NoticeClaim = {
    ...claim,
    state: 'sent',
    version: claim.version + 1,
    sentAt: ctx.clock.now().toISOString(),
    transportId,
    leaseUntil: null,
    error: null,
    updatedAt: ctx.clock.now().toISOString(),
  };
  try {
    if (!(await ctx.records.noticeClaims.put(sent, claim.version))) {
      return { status: 'sent', claim, recorded: false, error: 'the claim changed while sending' };
    }
  } catch (error) {
    // The mail is out; the claim stays `sending`, so no later run sends it again.
    return { status: 'sent', claim, recorded: false, error: `recording failed: ${(error as Error).message}` };
  }
  await keepRecord(ctx, sent);
  if (sent.kind === 'digest' && sent.city) await supersedeOlder(ctx, sent);
  return { status: 'sent', claim: sent, recorded: true };
}

/** Records that a notice was decided against (an acknowledgement to a robot, say), so it is decided once. */
export async function recordSkipped(
  ctx: DeliveryContext,
  request: Omit<DeliveryRequest, 'compose'>,
  reason: string,
): Promise<NoticeClaim> {
  const now = ctx.clock.now().toISOString();
  const claim: NoticeClaim = {
    ...claimFields(request),
    state: 'skipped',
    version: 1,
    attempts: 0,
    claimedAt: now,
    leaseUntil: null,
    nextAttemptAt: null,
    sentAt: null,
    transportId: null,
    error: null,
    reason,
    findings: request.findings,
    updatedAt: now,
  };
  await ctx.records.noticeClaims.put(claim, null);
  return claim;
}

/** Why a stored claim may not be sent now, or null when it may. */
export function blockedBy(claim: NoticeClaim | null, now: Date): DeliveryStatus | null {
  if (!claim) return null;
  switch (claim.state) {
    case 'sent':
    case 'superseded':
    case 'skipped':
      return 'already-sent';
    case 'sending':
      return 'outcome-unknown';
    case 'claimed':
      return claim.leaseUntil && claim.leaseUntil > now.toISOString() ? 'in-progress' : null;
    case 'failed':
      if (claim.nextAttemptAt === null) return 'gave-up';
      return claim.nextAttemptAt > now.toISOString() ? 'backoff' : null;
  }
}

/** The Message-ID every attempt of a notice carries. */
export function messageIdFor(key: string, from: string): string {
  const domain = from.slice(from.lastIndexOf('@') + 1).replace(/[>\s]/g, '') || 'intake.invalid';
  return `<notice-${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
}

async function fail(
  ctx: DeliveryContext,
  claim: NoticeClaim,
  error: unknown,
  schedule: NoticeSchedule,
): Promise<DeliveryOutcome> {
  const now = ctx.clock.now();
  const attempts = claim.state === 'claimed' ? claim.attempts + 1 : claim.attempts;
  const delay = retryDelayMinutes(schedule, attempts);
  const failed: NoticeClaim = {
    ...claim,
    state: 'failed',
    version: claim.version + 1,
    attempts,
    leaseUntil: null,
    nextAttemptAt: delay === null ? null : new Date(now.getTime() + delay * 60_000).toISOString(),
    error: (error as Error)?.message ?? String(error),
    updatedAt: now.toISOString(),
  };
  let recorded = true;
  try {
    recorded = await ctx.records.noticeClaims.put(failed, claim.version);
  } catch {
    recorded = false;
  }
  if (recorded) await keepRecord(ctx, failed);
  return { status: 'failed', claim: failed, error: failed.error ?? undefined, recorded };
}

/** Keeps the outcome of a digest attempt among the city's NoticeRecords (the dashboard's list). */
async function keepRecord(ctx: DeliveryContext, claim: NoticeClaim): Promise<void> {
  if (claim.kind !== 'digest' || !claim.city) return;
  try {
    await ctx.records.notices.save({
      id: `${createHash('sha256').update(claim.key).digest('hex').slice(0, 12)}-${claim.attempts}`,
      city: claim.city,
      to: claim.to,
      subject: claim.subject,
      text: claim.text,
      contentSha256: claim.contentSha256,
      asOf: claim.asOf,
      sentAt: claim.sentAt,
      transportId: claim.transportId,
      error: claim.error,
    });
  } catch {
    // The claim is the record that counts; this list is a view of it.
  }
}

/** Older digests of the city that never went out are moot once a newer one did. */
async function supersedeOlder(ctx: DeliveryContext, sent: NoticeClaim): Promise<void> {
  const now = ctx.clock.now().toISOString();
  try {
    const claims = await ctx.records.noticeClaims.listDigests(sent.city ?? '');
    for (const claim of claims) {
      if (claim.key === sent.key || !isUnsettled(claim)) continue;
      if (claim.state === 'claimed' && claim.leaseUntil && claim.leaseUntil > now) continue;
      await ctx.records.noticeClaims.put(
        {
          ...claim,
          state: 'superseded',
          version: claim.version + 1,
          reason: `superseded by ${sent.key}`,
          updatedAt: now,
        },
        claim.version,
      );
    }
  } catch {
    // Leaving an old failure listed is harmless; it is superseded on the next successful digest.
  }
}

/** The fields a claim copies from its request (what is sent, to whom, for which slot). */
function claimFields(request: Omit<DeliveryRequest, 'compose'>) {
  return {
    key: request.key,
    kind: request.kind,
    city: request.city,
    submissionId: request.submissionId,
    trigger: request.trigger,
    slot: request.slot,
    contentSha256: request.contentSha256,
    asOf: request.asOf.toISOString(),
    to: request.to,
    subject: request.subject,
    text: request.text,
  };
}
