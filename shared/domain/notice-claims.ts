/**
 * The records that make outgoing mail exactly-once and visible: a claim per notice (city digest or acknowledgement)
 * taken before sending and settled after, and the state of each address the transport reported on.
 *
 * A claim moves `claimed` -> `sending` -> `sent` | `failed`; `superseded` when a newer digest to the same city went
 * out; `skipped` when an acknowledgement was decided against (the reason says why). Only `claimed` with an expired
 * lease and `failed` within its attempts are tried again; `sending` means the transport was called and the outcome is
 * unknown, so it is never sent again automatically (see use-cases/notice-delivery.ts).
 */
import { z } from 'zod';
import { cityIdSchema } from './catalogue.ts';
import { findingSchema } from './findings.ts';

/** Why a digest goes: the round's schedule, a change of facts, or staff sending it now. */
export const noticeTriggerSchema = z.enum(['schedule', 'change', 'force', 'ack']);
/** What made a notice due. */
export type NoticeTrigger = z.infer<typeof noticeTriggerSchema>;

/** Where a claim stands. */
export const noticeClaimStateSchema = z.enum(['claimed', 'sending', 'sent', 'failed', 'superseded', 'skipped']);
/** The state of a claim. */
export type NoticeClaimState = z.infer<typeof noticeClaimStateSchema>;

/** One notice to send once: its claim, its content and the outcome of each attempt. */
export const noticeClaimSchema = z.object({
  /** Deterministic key: `digest:<city>:<slot or day:change:hash or force:time>` or `ack:<submissionId>`. */
  key: z.string().min(1),
  kind: z.enum(['digest', 'ack']),
  city: cityIdSchema.nullable(),
  submissionId: z.string().nullable(),
  trigger: noticeTriggerSchema,
  /** The schedule slot (`2023-11-03:before-7`) of a scheduled digest. */
  slot: z.string().nullable(),
  /** Hash of the facts (addresses + body), independent of the as-of time. */
  contentSha256: z.string(),
  /** The as-of time of the facts the last attempt sent (ISO). */
  asOf: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  state: noticeClaimStateSchema,
  /** Optimistic-locking version: every write expects the one it read. */
  version: z.number().int().min(1),
  /** Transport calls made so far. */
  attempts: z.number().int().min(0),
  claimedAt: z.string(),
  /** Until when a `claimed` notice belongs to the run that claimed it. */
  leaseUntil: z.string().nullable(),
  /** When a `failed` notice may be tried again; null once the attempts are used up. */
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  transportId: z.string().nullable(),
  error: z.string().nullable(),
  /** Why an acknowledgement was not sent (`skipped`), or what superseded a digest. */
  reason: z.string().nullable(),
  /** Addresses left out (failing) and other remarks for staff. */
  findings: z.array(findingSchema),
  updatedAt: z.string(),
});
/** A notice claim. */
export type NoticeClaim = z.infer<typeof noticeClaimSchema>;

/** True for claims that still need attention: not sent, not superseded, not decided against. */
export function isUnsettled(claim: Pick<NoticeClaim, 'state'>): boolean {
  return claim.state === 'claimed' || claim.state === 'sending' || claim.state === 'failed';
}

/** What the transport said about an address (SES bounce/complaint notifications), and whether staff cleared it. */
export const addressStatusSchema = z.object({
  /** Lower-cased address. */
  address: z.string().min(1),
  /** failing: notices skip it until staff clear it. */
  state: z.enum(['failing', 'ok']),
  lastType: z.enum(['bounce', 'complaint']).nullable(),
  /** Reports received in all. */
  reports: z.number().int().min(0),
  firstReportedAt: z.string().nullable(),
  lastReportedAt: z.string().nullable(),
  /** The transport's own words (diagnostic code, feedback type), for staff. */
  detail: z.string().nullable(),
  clearedBy: z.string().nullable(),
  clearedAt: z.string().nullable(),
});
/** The state of an address. */
export type AddressStatus = z.infer<typeof addressStatusSchema>;
