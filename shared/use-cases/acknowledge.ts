/**
 * Acknowledge: the answer the sender of a submission receives — what arrived (files, the base it was matched to),
 * what the base still lacks, and the problems they can fix (e.g. a figure that looks entered in 亿元).
 *
 * Primary course (`acknowledgeSubmission`, called at the end of intake):
 * 1. an acknowledgement decided before (sent, or decided against) is not decided again; a failed one is retried;
 * 2. decide whether the message may be answered at all: never quarantined mail, duplicates, old mail (a backlog
 *    import or a reprocess), robots, lists, bounces, our own mail, senders whose SPF/DKIM failed, addresses the
 *    transport reported failing, or a sender past the daily cap; a "no" is recorded with its reason;
 * 3. compose from the submission, its documents and the base's status now, and send it once (notice-delivery.ts).
 * It never throws for a bad message: intake must not fail because of an acknowledgement.
 */
import { createHash } from 'node:crypto';
import { NO_REPLY_REASON_NAMES, noReplyReason } from '../domain/auto-reply.ts';
import type { Finding } from '../domain/findings.ts';
import type { NoticeClaim } from '../domain/notice-claims.ts';
import { localDay, noticeScheduleOf } from '../domain/notice-schedule.ts';
import { renderAcknowledgement } from '../domain/notice-text.ts';
import type { Submission } from '../domain/records.ts';
import { isLate } from '../domain/round-time.ts';
import { readHeaderBlock, readReplyFacts } from '../parsing/reply-headers.ts';
import type { AppContext } from './context.ts';
import { evaluateBase } from './evaluate.ts';
import { type DeliveryRequest, type DeliveryStatus, deliverOnce, recordSkipped } from './notice-delivery.ts';
import { listRegistry } from './registry.ts';

/** What became of the acknowledgement of a submission. */
export interface AcknowledgementResult {
  status: DeliveryStatus | 'skipped';
  /** Why it was not sent (skipped), in a stable code: quarantined, duplicate, auto-submitted, ... */
  reason?: string;
  to: string | null;
  claim: NoticeClaim | null;
  error?: string;
}

/** Findings about the message itself that the sender cannot act on (the unmatched paragraph covers the first two). */
const NOT_FOR_SENDER = new Set(['intake.base-unknown', 'intake.base-ambiguous', 'intake.quarantined']);

/** Acknowledges a processed submission to its sender, once (see the primary course above). */
export async function acknowledgeSubmission(ctx: AppContext, submissionId: string): Promise<AcknowledgementResult> {
  const key = `ack:${submissionId}`;
  const schedule = noticeScheduleOf(ctx.round);
  const existing = await ctx.records.getNoticeClaim(key);
  if (existing && (existing.state === 'skipped' || existing.state === 'sent' || existing.state === 'superseded')) {
    return {
      status: existing.state === 'skipped' ? 'skipped' : 'already-sent',
      reason: existing.reason ?? undefined,
      to: existing.to[0] ?? null,
      claim: existing,
    };
  }
  const submission = await ctx.records.getSubmission(submissionId);
  if (!submission) return { status: 'skipped', reason: 'no-submission', to: null, claim: null };
  // Not processed yet (a crash mid-intake): the retry that finishes intake acknowledges it.
  if (submission.state === 'received') return { status: 'skipped', reason: 'not-processed', to: null, claim: null };
  if (!existing && !schedule.acknowledgements.enabled) {
    return { status: 'skipped', reason: 'disabled', to: null, claim: null };
  }

  const now = ctx.clock.now();
  const asOf = new Date(Math.max(now.getTime(), Date.parse(submission.receivedAt)));
  let to: string | null = null;
  let reason: string | null = null;
  if (!existing) {
    ({ to, reason } = await eligibility(ctx, submission, now));
  } else {
    to = existing.to[0] ?? null;
  }
  const base: Omit<DeliveryRequest, 'compose'> = {
    key,
    kind: 'ack',
    city: null,
    submissionId,
    trigger: 'ack',
    slot: null,
    contentSha256: '',
    asOf,
    to: to ? [to] : [],
    subject: '',
    text: '',
    findings: [],
  };
  if (reason !== null || !to) {
    const claim = await recordSkipped(ctx, base, reason ?? 'no-sender');
    return { status: 'skipped', reason: claim.reason ?? undefined, to, claim };
  }

  const [documents, registry] = await Promise.all([
    ctx.records.listDocumentsBySubmission(submissionId),
    listRegistry(ctx),
  ]);
  const matched = submission.baseId ? (registry.find((b) => b.id === submission.baseId) ?? null) : null;
  const status = matched ? await evaluateBase(ctx, { baseId: matched.id, asOf }) : null;
  const findings: Finding[] = [
    ...submission.findings,
    ...documents.flatMap((d) => d.findings),
    ...(status?.findings.filter((f) => f.code.startsWith('rule.')) ?? []),
  ].filter((f) => f.severity !== 'info' && !NOT_FOR_SENDER.has(f.code));
  const cityName = matched ? (ctx.round.cities.find((c) => c.id === matched.city)?.name ?? null) : null;
  const rendered = renderAcknowledgement({
    round: ctx.round,
    submission,
    documents,
    base: matched,
    cityName,
    status,
    findings,
    late: isLate(new Date(submission.receivedAt), ctx.round),
  });
  const recipient = to;
  const headers: Record<string, string> = {
    'Auto-Submitted': 'auto-replied',
    'X-Auto-Response-Suppress': 'All',
    'Reply-To': ctx.round.mailbox,
  };
  if (submission.messageId) {
    headers['In-Reply-To'] = submission.messageId;
    headers.References = submission.messageId;
  }
  const outcome = await deliverOnce(
    ctx,
    {
      ...base,
      city: matched?.city ?? null,
      contentSha256: createHash('sha256').update(rendered.text).digest('hex'),
      subject: rendered.subject,
      text: rendered.text,
      compose: async () => ({
        from: ctx.mailFrom,
        to: [recipient],
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        headers,
      }),
    },
    schedule,
  );
  return { status: outcome.status, to, claim: outcome.claim, ...(outcome.error ? { error: outcome.error } : {}) };
}

/** Tries again the acknowledgements whose transport failed and whose next attempt is due; never throws. */
export async function retryAcknowledgements(ctx: AppContext): Promise<AcknowledgementResult[]> {
  const now = ctx.clock.now().toISOString();
  const results: AcknowledgementResult[] = [];
  for (const claim of await ctx.records.listFailedNotices()) {
    if (claim.kind !== 'ack' || !claim.submissionId) continue;
    const due =
      (claim.state === 'failed' && claim.nextAttemptAt !== null && claim.nextAttemptAt <= now) ||
      (claim.state === 'claimed' && (claim.leaseUntil ?? '') <= now);
    if (!due) continue;
    try {
      results.push(await acknowledgeSubmission(ctx, claim.submissionId));
    } catch (error) {
      results.push({ status: 'failed', to: claim.to[0] ?? null, claim, error: (error as Error).message });
    }
  }
  return results;
}

/** Chinese explanation of a skip reason, for staff. */
export function acknowledgementSkipName(reason: string): string {
  const names: Record<string, string> = {
    ...NO_REPLY_REASON_NAMES,
    quarantined: '邮件已隔离',
    duplicate: '重复邮件',
    'too-old': '邮件收到时间较早（补录或重新处理），不再回复',
    'address-failing': '该地址曾退信或投诉，已暂停发送',
    'rate-limited': '该地址当日确认回执已达上限',
  };
  return names[reason] ?? reason;
}

async function eligibility(
  ctx: AppContext,
  submission: Submission,
  now: Date,
): Promise<{ to: string | null; reason: string | null }> {
  const schedule = noticeScheduleOf(ctx.round);
  if (submission.quarantine) return { to: null, reason: 'quarantined' };
  if (submission.state === 'duplicate') return { to: null, reason: 'duplicate' };
  const facts = await readReplyFacts(await readHeaderBlock(await ctx.blobs.getStream(submission.rawKey)));
  const to = facts.fromAddress;
  if (now.getTime() - Date.parse(submission.receivedAt) > schedule.acknowledgements.maxAgeHours * 3_600_000) {
    return { to, reason: 'too-old' };
  }
  const ours = [ctx.mailFrom, ctx.round.mailbox, ctx.round.contact.email];
  const refused = noReplyReason(facts, ours);
  if (refused || !to) return { to, reason: refused ?? 'no-sender' };
  const address = await ctx.records.getAddressStatus(to);
  if (address?.state === 'failing') return { to, reason: 'address-failing' };
  const today = localDay(now, ctx.round.timeZone);
  const sentToday = (await ctx.records.listAcknowledgementsTo(to)).filter(
    (claim) =>
      (claim.state === 'sent' || claim.state === 'sending' || claim.state === 'claimed') &&
      localDay(new Date(claim.claimedAt), ctx.round.timeZone) === today,
  ).length;
  if (sentToday >= schedule.acknowledgements.maxPerSenderPerDay) return { to, reason: 'rate-limited' };
  return { to, reason: null };
}
