/** Recomputes every base's status: schedule event or `{ asOf? }` -> evaluateAll. */
import { evaluateAll } from '../../shared/use-cases/evaluate.ts';
import { appContext } from '../shared/app-context.ts';
import { scheduledRunSchema } from '../shared/events.ts';
import { logFailure, parseEvent } from '../shared/failures.ts';

/** Evaluates the round as of the scheduled time (or the given `asOf`, or now). */
export async function handler(event: unknown): Promise<{ asOf: string | null; evaluated: number }> {
  const { asOf } = parseEvent(scheduledRunSchema, event, 'evaluate invocation');
  try {
    const statuses = await evaluateAll(await appContext(), asOf ? { asOf } : {});
    return { asOf: asOf?.toISOString() ?? null, evaluated: statuses.length };
  } catch (error) {
    logFailure('evaluate', error, { asOf });
    throw error; // the scheduler retries, then the Errors metric shows it
  }
}
