/**
 * Acknowledge, from the decision on: compose the acknowledgement of a submission, send it once (or record why not)
 * and retry the failed ones. Deciding whether a message may be answered at all reads its headers with the MIME
 * parser; that lives in acknowledge.ts, so notify, which only retries, does not bundle the parser (its size budget).
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../domain/findings.ts';
import { addressOf } from '../domain/mail-address.ts';
import type { NoticeClaim } from '../domain/notice-claims.ts';
import { noticeScheduleOf } from '../domain/notice-schedule.ts';
import { renderAcknowledgement } from '../domain/notice-text.ts';
import type { Submission } from '../domain/records.ts';
import { isLate } from '../domain/round-time.ts';
import type { AppContext } from './context.ts';
import { evaluateBase } from './evaluate.ts';
import { type DeliveryRequest, type DeliveryStatus, deliverOnce, recordSkipped } from './notice-delivery.ts';
import { listRegistry } from './registry.ts';
import { linkedBaseOf } from './upload-link-header.ts';

/** What became of the acknowledgement of a submission. */
export interface AcknowledgementResult {
  status: DeliveryStatus | 'skipped';
  /** Why it was not sent (skipped), in a stable code: quarantined, duplicate, auto-submitted, ... */
  reason?: string;
  to: string | null;
  claim: NoticeClaim | null;
  error?: string;
}

/** Decides, on first acknowledgement, the recipient and the reason not to answer (null: answer). */
export type SenderEligibility = (
  ctx: AppContext,
  submission: Submission,
  now: Date,
) => Promise<{ to: string | null; reason: string | null }>;

/**
 * Findings about the message itself that the sender cannot act on: the paragraphs on an unmatched message and on a
 * base that takes no part (取消称号) say it in the sender's terms.
 */
const NOT_FOR_SENDER = new Set([
  'intake.base-unknown',
  'intake.base-ambiguous',
  'intake.base-cancelled',
  'intake.quarantined',
]);

/**
 * Whether a channel's sender is vouched for: mail (the From: address, checked by the receiving service for
 * SPF/DKIM/DMARC; acknowledge.ts refuses failures), and mail staff imported from the mailbox (cli). The upload
 * portal's address is typed by whoever fills the form.
 */
const vouched = (channel: Submission['channel']): boolean => channel !== 'upload';

/**
 * Whether an address may hear a base's status: the submission came by mail; or, for the portal, mail from that
 * address was matched to the base before, staff confirmed it for the base, a report form that came by mail gives it
 * as the base's contact address, or the upload was made with the base's own upload link.
 */
export async function knownForBase(
  ctx: AppContext,
  submission: Submission,
  baseId: string,
  to: string,
): Promise<boolean> {
  const address = to.toLowerCase();
  if (vouched(submission.channel)) return true;
  // Uploaded with the base's own link (the server wrote the header after checking the link): whoever holds it is
  // the base, or was given the link by its city bureau. A function that may not read the message (notify, retrying
  // in AWS) treats it as not vouched: the receipt then withholds the status, it does not fail.
  const linked = await ctx.blobs
    .getStream(submission.rawKey)
    .then(linkedBaseOf)
    .catch(() => null);
  if (linked === baseId) return true;
  const sender = await ctx.records.senders.get(address);
  if (sender?.baseId === baseId) return true;
  const earlier = (await ctx.records.submissions.listByBase(baseId)).filter(
    (s) => s.id !== submission.id && vouched(s.channel) && s.state === 'processed' && !s.quarantine,
  );
  if (earlier.some((s) => addressOf(s.from) === address)) return true;
  for (const s of earlier) {
    const documents = await ctx.records.documents.listBySubmission(s.id);
    if (documents.some((d) => d.formHeader?.email?.trim().toLowerCase() === address)) return true;
  }
  return false;
}

/**
 * Acknowledges a processed submission once (the primary course of acknowledge.ts); `eligibility` decides, the first
 * time only, whether and to whom it may be sent.
 */
export async function acknowledgeWith(
  ctx: AppContext,
  submissionId: string,
  eligibility: SenderEligibility,
): Promise<AcknowledgementResult> {
  const key = `ack:${submissionId}`;
  const schedule = noticeScheduleOf(ctx.round);
  const existing = await ctx.records.noticeClaims.get(key);
  if (existing && (existing.state === 'skipped' || existing.state === 'sent' || existing.state === 'superseded')) {
    return {
      status: existing.state === 'skipped' ? 'skipped' : 'already-sent',
      reason: existing.reason ?? undefined,
      to: existing.to[0] ?? null,
      claim: existing,
    };
  }
  const submission = await ctx.records.submissions.get(submissionId);
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
    ctx.records.documents.listBySubmission(submissionId),
    listRegistry(ctx),
  ]);
  const matched = submission.baseId ? (registry.find((b) => b.id === submission.baseId) ?? null) : null;
  // What the base still lacks is told only to an address known for it: anyone can type a base's name and an
  // address into the upload portal, and mail whose sender is not on record for the base may be a stranger's too.
  const withheld = matched !== null && !(await knownForBase(ctx, submission, matched.id, to));
  // A base that takes no part has no package to complete: its sender hears that, not a list of what is missing.
  const status = matched?.participating && !withheld ? await evaluateBase(ctx, { baseId: matched.id, asOf }) : null;
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
    statusWithheld: withheld && matched?.participating === true,
    // Its own upload link goes only where its status goes: whoever holds the link uploads as the base.
    uploadLink: matched?.participating && !withheld ? (ctx.uploadLinkFor?.(matched.id) ?? null) : null,
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

/**
 * Tries again the acknowledgements whose transport failed and whose next attempt is due; never throws. A retried
 * acknowledgement has its claim, so `eligibility` is not consulted; by default (notify) the claim's recipient is
 * kept should the claim vanish meanwhile.
 */
export async function retryAcknowledgements(
  ctx: AppContext,
  eligibility?: SenderEligibility,
): Promise<AcknowledgementResult[]> {
  const now = ctx.clock.now().toISOString();
  const results: AcknowledgementResult[] = [];
  for (const claim of await ctx.records.noticeClaims.listUnsettled()) {
    if (claim.kind !== 'ack' || !claim.submissionId) continue;
    const due =
      (claim.state === 'failed' && claim.nextAttemptAt !== null && claim.nextAttemptAt <= now) ||
      (claim.state === 'claimed' && (claim.leaseUntil ?? '') <= now);
    if (!due) continue;
    try {
      const decided: SenderEligibility = async () => ({ to: claim.to[0] ?? null, reason: null });
      results.push(await acknowledgeWith(ctx, claim.submissionId, eligibility ?? decided));
    } catch (error) {
      results.push({ status: 'failed', to: claim.to[0] ?? null, claim, error: (error as Error).message });
    }
  }
  return results;
}
