/** Sends the per-city notices: schedule event or `{ asOf?, dryRun? }` -> sendCityNotices. */
import { sendCityNotices } from '../../shared/use-cases/notify.ts';
import { appContext } from '../shared/app-context.ts';
import { scheduledRunSchema } from '../shared/events.ts';
import { logFailure, parseEvent } from '../shared/failures.ts';

/** Sends (or, with dryRun, only composes) the notices due as of the scheduled time; notices are idempotent. */
export async function handler(event: unknown): Promise<{ asOf: string | null; dryRun: boolean; notices: number }> {
  const { asOf, dryRun } = parseEvent(scheduledRunSchema, event, 'notify invocation');
  try {
    const notices = await sendCityNotices(await appContext(), { ...(asOf ? { asOf } : {}), dryRun });
    return { asOf: asOf?.toISOString() ?? null, dryRun, notices: notices.length };
  } catch (error) {
    logFailure('notify', error, { asOf, dryRun });
    throw error; // the scheduler retries; the NotifyErrors alarm fires
  }
}
