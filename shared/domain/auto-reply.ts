/**
 * Whether a received message may be answered automatically (RFC 3834): never a robot, a list, a bounce, our own
 * mail or a sender whose authentication failed. The rules are pure so they can be read and tested in one place.
 */

/** Header facts of a received message that decide whether it may be answered. */
export interface ReplyFacts {
  /** Sender address (From), lower-cased, or null. */
  fromAddress: string | null;
  autoSubmitted: string | null;
  precedence: string | null;
  /** List-Id (present on mailing-list traffic). */
  listId: string | null;
  /** Return-Path as written; `<>` is the null sender of bounces. */
  returnPath: string | null;
  /** X-Auto-Response-Suppress (Microsoft clients). */
  autoResponseSuppress: string | null;
  /** Verdicts of the receiving service, null where it gave none. */
  verdicts: { spf: string | null; dkim: string | null; dmarc: string | null };
}

/** Why no automatic answer goes to a message. */
export type NoReplyReason =
  | 'no-sender'
  | 'own-address'
  | 'system-address'
  | 'auto-submitted'
  | 'precedence'
  | 'mailing-list'
  | 'null-sender'
  | 'suppressed'
  | 'unauthenticated';

/** Chinese explanations of the reasons, for staff. */
export const NO_REPLY_REASON_NAMES: Record<NoReplyReason, string> = {
  'no-sender': '无有效发件地址',
  'own-address': '发件人是本系统自己的地址',
  'system-address': '发件人是系统地址（退信、postmaster、noreply 等）',
  'auto-submitted': '邮件为自动发送（Auto-Submitted）',
  precedence: '邮件为群发或列表邮件（Precedence）',
  'mailing-list': '邮件来自邮件列表（List-Id）',
  'null-sender': '邮件为退信（空 Return-Path）',
  suppressed: '发件方要求不自动回复（X-Auto-Response-Suppress）',
  unauthenticated: '发件人身份验证未通过（SPF/DKIM/DMARC）',
};

const SYSTEM_LOCAL_PART =
  /^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|auto[-_.]?reply)([+-].*)?$/i;

/** Verdict values that say nothing either way (the service could not check). */
const UNDECIDED = new Set(['GRAY', 'PROCESSING_FAILED', 'DISABLED', 'TEMPERROR']);

/**
 * The reason a message must not be answered, or null when it may be. `ours` lists our own addresses (the sender of
 * notices, the intake mailbox). Authentication counts only where the receiving service gave a verdict: the sender
 * passes when SPF or DKIM passes (SPF alone fails for forwarded mail), and fails when a known verdict exists and
 * none passes, or DMARC fails.
 */
export function noReplyReason(facts: ReplyFacts, ours: readonly string[]): NoReplyReason | null {
  const address = facts.fromAddress?.trim().toLowerCase() ?? '';
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address) || address.endsWith('.invalid')) return 'no-sender';
  if (ours.some((own) => own.trim().toLowerCase() === address)) return 'own-address';
  if (SYSTEM_LOCAL_PART.test(address.slice(0, address.lastIndexOf('@')))) return 'system-address';
  const autoSubmitted = facts.autoSubmitted?.split(';')[0]?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return 'auto-submitted';
  if (/^\s*(bulk|list|junk)\b/i.test(facts.precedence ?? '')) return 'precedence';
  if (facts.listId?.trim()) return 'mailing-list';
  if (facts.returnPath !== null && /^\s*<\s*>\s*$/.test(facts.returnPath)) return 'null-sender';
  if (/\b(all|autoreply)\b/i.test(facts.autoResponseSuppress ?? '')) return 'suppressed';
  const known = [facts.verdicts.spf, facts.verdicts.dkim]
    .map((v) => v?.trim().toUpperCase() ?? null)
    .filter((v): v is string => v !== null && v !== '' && !UNDECIDED.has(v));
  if (facts.verdicts.dmarc?.trim().toUpperCase() === 'FAIL') return 'unauthenticated';
  if (known.length > 0 && !known.includes('PASS')) return 'unauthenticated';
  return null;
}
