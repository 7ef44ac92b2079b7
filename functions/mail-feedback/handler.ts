/**
 * Marks addresses that bounced or complained: SQS batch of EventBridge events from the SES configuration set
 * (detail-type "Email Bounced" / "Email Complaint Received") -> recordMailFeedback. Each failed message is reported
 * on its own, so only it is retried.
 */
import type { AppContext } from '../../shared/use-cases/context.ts';
import { mailFeedbackOfSesEvent, recordMailFeedback } from '../../shared/use-cases/mail-feedback.ts';
import { appContext } from '../shared/app-context.ts';
import { type LambdaContext, logger } from '../shared/logger.ts';
import { forEachSqsMessage, type SqsBatchResponse } from '../shared/object-batch.ts';

/** Builds the handler on a context source (the AWS one in Lambda, a local one in tests). */
export function createMailFeedbackHandler(context: () => Promise<AppContext>) {
  return async function mailFeedback(event: unknown, lambdaContext?: LambdaContext): Promise<SqsBatchResponse> {
    if (lambdaContext) logger.addContext(lambdaContext);
    return forEachSqsMessage('mail-feedback', event, async (body) => {
      const feedback = mailFeedbackOfSesEvent(body);
      if (!feedback) return; // deliveries, transient bounces: nothing to mark
      const statuses = await recordMailFeedback(await context(), feedback);
      logger.info({ message: 'mail feedback recorded', type: feedback.type, addresses: statuses.length });
    });
  };
}

/** The Lambda entry point. */
export const handler = createMailFeedbackHandler(appContext);
