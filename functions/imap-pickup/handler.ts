/**
 * IMAP pickup on a schedule, for deployments without SES receiving (regions without it, the China regions, or a
 * mailbox that stays with its provider such as 163.com): one poll per invocation copies new mail into inbox/imap/
 * for ingest-email (shared/adapters/imap/scheduled-pickup.ts). The mailbox settings come from the environment and
 * the password from a Secrets Manager secret (shared/adapters/imap/imap-settings.ts). Reserved concurrency 1 keeps
 * polls from overlapping; a failed poll fails the invocation, so the scheduler retries and an alarm fires.
 */
import { createAwsBlobStorage } from '../../shared/adapters/aws/blob-storage.ts';
import { SecretsManagerReader } from '../../shared/adapters/aws/secrets.ts';
import { imapConfigFromEnv } from '../../shared/adapters/imap/imap-settings.ts';
import * as pickup from '../../shared/adapters/imap/scheduled-pickup.ts';
import { scheduledRunSchema } from '../shared/events.ts';
import { logFailure, parseEvent } from '../shared/failures.ts';
import { type LambdaContext, logger } from '../shared/logger.ts';

/** Builds the handler on its dependencies (the AWS ones in Lambda, local ones in tests). */
export function createImapPickupHandler(deps: pickup.ScheduledPickupDeps) {
  const pollOnce = pickup.scheduledPickup(deps);
  return async function imapPickup(event: unknown, lambdaContext?: LambdaContext) {
    if (lambdaContext) logger.addContext(lambdaContext);
    parseEvent(scheduledRunSchema, event, 'imap-pickup invocation');
    try {
      const result = await pollOnce();
      logger.info({ message: 'mailbox polled', ...result });
      return result;
    } catch (error) {
      if (error instanceof pickup.PickupStoppedError)
        logger.info({ message: 'mailbox polled', ...error.result, failed: [error.failed] });
      logFailure('imap-pickup', error);
      throw error;
    }
  };
}

/** The Lambda entry point. */
export const handler = createImapPickupHandler({
  storage: async () => createAwsBlobStorage(process.env),
  imapConfig: () => imapConfigFromEnv(process.env, new SecretsManagerReader()),
});
