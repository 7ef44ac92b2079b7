/**
 * Marks addresses that bounced or complained: SQS batch of EventBridge events from the SES configuration set
 * (detail-type "Email Bounced" / "Email Complaint Received") -> recordMailFeedback.
 */
import { z } from 'zod';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { recordMailFeedback, sesFeedbackSchema } from '../../shared/use-cases/mail-feedback.ts';
import { appContext } from '../shared/app-context.ts';
import { sqsEventSchema } from '../shared/events.ts';
import { logFailure, parseEvent } from '../shared/failures.ts';
import { type LambdaContext, logger } from '../shared/logger.ts';

/** An SES event as EventBridge delivers it: the SNS-style notification with `eventType` in `detail`. */
const sesEventBridgeSchema = z.looseObject({
  'detail-type': z.string(),
  detail: z.looseObject({ eventType: z.string() }),
});

/** Builds the handler on a context source (the AWS one in Lambda, a local one in tests). */
export function createMailFeedbackHandler(context: () => Promise<AppContext>) {
  /** Records each bounce/complaint; reports the records that failed so only they are retried. */
  return async function mailFeedback(
    event: unknown,
    lambdaContext?: LambdaContext,
  ): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
    if (lambdaContext) logger.addContext(lambdaContext);
    const batch = parseEvent(sqsEventSchema, event, 'mail feedback batch');
    const failures: { itemIdentifier: string }[] = [];
    for (const record of batch.Records) {
      try {
        const { detail } = sesEventBridgeSchema.parse(JSON.parse(record.body));
        const feedback = sesFeedbackSchema.parse({ ...detail, notificationType: detail.eventType });
        if (!feedback) continue; // deliveries, transient bounces: nothing to mark
        const statuses = await recordMailFeedback(await context(), feedback);
        logger.info({ message: 'mail feedback recorded', type: feedback.type, addresses: statuses.length });
      } catch (error) {
        logFailure('mail-feedback', error, { messageId: record.messageId });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}

/** The Lambda entry point. */
export const handler = createMailFeedbackHandler(appContext);
