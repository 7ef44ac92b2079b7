/** Sends the per-city notices: schedule event or `{ asOf?, dryRun? }` -> sendCityNotices. */
import type { AppContext } from '../../shared/use-cases/context.ts';
import { sendCityNotices } from '../../shared/use-cases/notify.ts';
import { appContext } from '../shared/app-context.ts';
import { scheduledRunSchema } from '../shared/events.ts';
import { logFailure, parseEvent } from '../shared/failures.ts';
import { type LambdaContext, logger } from '../shared/logger.ts';

/** Builds the handler on a context source (the AWS one in Lambda, a local one in tests). */
export function createNotifyHandler(context: () => Promise<AppContext>) {
  /** Sends (or, with dryRun, only composes) the notices due as of the scheduled time; notices are idempotent. */
  return async function notify(
    event: unknown,
    lambdaContext?: LambdaContext,
  ): Promise<{ asOf: string | null; dryRun: boolean; notices: number }> {
    if (lambdaContext) logger.addContext(lambdaContext);
    const { asOf, dryRun } = parseEvent(scheduledRunSchema, event, 'notify invocation');
    try {
      const notices = await sendCityNotices(await context(), { ...(asOf ? { asOf } : {}), dryRun });
      logger.info({ message: dryRun ? 'notices composed' : 'notices sent', asOf, notices: notices.length });
      return { asOf: asOf?.toISOString() ?? null, dryRun, notices: notices.length };
    } catch (error) {
      logFailure('notify', error, { asOf, dryRun });
      throw error; // the scheduler retries; the NotifyErrors alarm fires
    }
  };
}

/** The Lambda entry point. */
export const handler = createNotifyHandler(appContext);
