/**
 * Acknowledge: the answer the sender of a submission receives — what arrived (files, the base it was matched to),
 * what the base still lacks, and the problems they can fix (e.g. a figure that looks entered in 亿元).
 *
 * Primary course (`acknowledgeSubmission`, called at the end of intake):
 * 1. an acknowledgement decided before (sent, or decided against) is not decided again; a failed one is retried;
 * 2. decide whether the message may be answered at all: never quarantined mail, duplicates, old mail (a backlog
 *    import or a reprocess), robots, lists, bounces, our own mail, senders whose SPF/DKIM failed, addresses the
 *    transport reported failing, or a sender past the daily cap; a "no" is recorded with its reason;
 * 3. compose from the submission, its documents and the base's status now, and send it once (notice-delivery.ts);
 *    steps 1 and 3 are in acknowledge-send.ts, which notify uses to retry without bundling the MIME parser.
 * It never throws for a bad message: intake must not fail because of an acknowledgement.
 */
import { NO_REPLY_REASON_NAMES, noReplyReason } from '../domain/auto-reply.ts';
import { localDay, noticeScheduleOf } from '../domain/notice-schedule.ts';
import type { Submission } from '../domain/records.ts';
import { readHeaderBlock, readReplyFacts } from '../parsing/reply-headers.ts';
import { type AcknowledgementResult, acknowledgeWith, retryAcknowledgements as retryWith } from './acknowledge-send.ts';
import type { AppContext } from './context.ts';

export type { AcknowledgementResult } from './acknowledge-send.ts';

/** Acknowledges a processed submission to its sender, once (see the primary course above). */
export function acknowledgeSubmission(ctx: AppContext, submissionId: string): Promise<AcknowledgementResult> {
  return acknowledgeWith(ctx, submissionId, eligibility);
}

/** Tries again the acknowledgements whose transport failed and whose next attempt is due; never throws. */
export function retryAcknowledgements(ctx: AppContext): Promise<AcknowledgementResult[]> {
  return retryWith(ctx, eligibility);
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
  const address = await ctx.records.addresses.get(to);
  if (address?.state === 'failing') return { to, reason: 'address-failing' };
  const today = localDay(now, ctx.round.timeZone);
  const sentToday = (await ctx.records.noticeClaims.listAcknowledgementsTo(to)).filter(
    (claim) =>
      (claim.state === 'sent' || claim.state === 'sending' || claim.state === 'claimed') &&
      localDay(new Date(claim.claimedAt), ctx.round.timeZone) === today,
  ).length;
  if (sentToday >= schedule.acknowledgements.maxPerSenderPerDay) return { to, reason: 'rate-limited' };
  return { to, reason: null };
}
