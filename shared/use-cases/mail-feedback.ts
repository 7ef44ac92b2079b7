/**
 * Mail feedback: what the transport reports back about addresses we sent to. A hard bounce or a complaint marks an
 * address failing; digests and acknowledgements then skip it (with a finding shown beside the city's notices) until
 * staff clear it, so one dead address neither hides the others nor keeps hurting the sender's reputation.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AddressStatus } from '../domain/notice-claims.ts';
import type { UsingRecords } from './context.ts';

/** A report about addresses: a bounce or a complaint. */
export interface MailFeedback {
  type: 'bounce' | 'complaint';
  addresses: string[];
  /** When the transport saw it (default now). */
  at?: Date;
  /** The transport's words (diagnostic code, feedback type). */
  detail?: string;
}

/** Marks each address of a bounce or complaint as failing; returns the stored states. */
export async function recordMailFeedback(
  ctx: UsingRecords<'addresses', 'clock'>,
  feedback: MailFeedback,
): Promise<AddressStatus[]> {
  const at = (feedback.at ?? ctx.clock.now()).toISOString();
  const out: AddressStatus[] = [];
  for (const raw of new Set(feedback.addresses.map((a) => a.trim().toLowerCase()).filter(Boolean))) {
    const previous = await ctx.records.addresses.get(raw);
    const status: AddressStatus = {
      address: raw,
      state: 'failing',
      lastType: feedback.type,
      reports: (previous?.reports ?? 0) + 1,
      firstReportedAt: previous?.firstReportedAt ?? at,
      lastReportedAt: at,
      detail: feedback.detail ?? null,
      clearedBy: previous?.clearedBy ?? null,
      clearedAt: previous?.clearedAt ?? null,
    };
    await ctx.records.addresses.save(status);
    out.push(status);
  }
  return out;
}

/** Staff clear a failing address (fixed mailbox, typo corrected upstream); kept in the audit trail. */
export async function clearMailFeedback(
  ctx: UsingRecords<'addresses' | 'audit', 'clock'>,
  input: { address: string; actor: string; reason: string },
): Promise<AddressStatus> {
  const address = input.address.trim().toLowerCase();
  const previous = await ctx.records.addresses.get(address);
  const now = ctx.clock.now().toISOString();
  const status: AddressStatus = {
    address,
    state: 'ok',
    lastType: previous?.lastType ?? null,
    reports: previous?.reports ?? 0,
    firstReportedAt: previous?.firstReportedAt ?? null,
    lastReportedAt: previous?.lastReportedAt ?? null,
    detail: previous?.detail ?? null,
    clearedBy: input.actor,
    clearedAt: now,
  };
  await ctx.records.addresses.save(status);
  await ctx.records.audit.append({
    id: randomUUID(),
    at: now,
    actor: input.actor,
    action: 'clear-address',
    baseId: null,
    submissionId: null,
    reason: input.reason,
    details: { address, previousState: previous?.state ?? null, reports: previous?.reports ?? 0 },
  });
  return status;
}

const recipients = z.array(z.looseObject({ emailAddress: z.string() }));

/**
 * An SES feedback notification (SNS message body) as MailFeedback: permanent bounces and complaints count;
 * transient bounces (full mailbox, greylisting) do not mark an address. Null for anything else (deliveries).
 */
export const sesFeedbackSchema = z
  .looseObject({
    notificationType: z.string(),
    bounce: z
      .looseObject({
        bounceType: z.string(),
        bouncedRecipients: recipients,
        timestamp: z.string().optional(),
      })
      .optional(),
    complaint: z
      .looseObject({
        complainedRecipients: recipients,
        complaintFeedbackType: z.string().optional(),
        timestamp: z.string().optional(),
      })
      .optional(),
  })
  .transform((n): MailFeedback | null => {
    if (n.notificationType === 'Bounce' && n.bounce?.bounceType === 'Permanent') {
      return {
        type: 'bounce',
        addresses: n.bounce.bouncedRecipients.map((r) => r.emailAddress),
        ...(n.bounce.timestamp ? { at: new Date(n.bounce.timestamp) } : {}),
        detail: `SES ${n.bounce.bounceType} bounce`,
      };
    }
    if (n.notificationType === 'Complaint' && n.complaint) {
      return {
        type: 'complaint',
        addresses: n.complaint.complainedRecipients.map((r) => r.emailAddress),
        ...(n.complaint.timestamp ? { at: new Date(n.complaint.timestamp) } : {}),
        detail: `SES complaint${n.complaint.complaintFeedbackType ? ` (${n.complaint.complaintFeedbackType})` : ''}`,
      };
    }
    return null;
  });

/** An SES event as EventBridge delivers it: the SNS-style notification with `eventType` in `detail`. */
const sesEventBridgeSchema = z.looseObject({
  'detail-type': z.string(),
  detail: z.looseObject({ eventType: z.string() }),
});

/** An SES event routed by EventBridge (JSON text) as MailFeedback; null for what marks nothing (deliveries). */
export function mailFeedbackOfSesEvent(json: string): MailFeedback | null {
  const { detail } = sesEventBridgeSchema.parse(JSON.parse(json));
  return sesFeedbackSchema.parse({ ...detail, notificationType: detail.eventType });
}
