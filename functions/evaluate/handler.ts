/** Recomputes every base's status: schedule event or `{ asOf? }` -> evaluateAll. */
import type { AppContext } from '../../shared/use-cases/context.ts';
import { evaluateAll } from '../../shared/use-cases/evaluate.ts';
import { appContext } from '../shared/app-context.ts';
import { scheduledRunSchema } from '../shared/events.ts';
import { logFailure, parseEvent } from '../shared/failures.ts';
import { type LambdaContext, logger } from '../shared/logger.ts';

/** Builds the handler on a context source (the AWS one in Lambda, a local one in tests). */
export function createEvaluateHandler(context: () => Promise<AppContext>) {
  /** Evaluates the round as of the scheduled time (or the given `asOf`, or now). */
  return async function evaluate(
    event: unknown,
    lambdaContext?: LambdaContext,
  ): Promise<{ asOf: string | null; evaluated: number }> {
    if (lambdaContext) logger.addContext(lambdaContext);
    const { asOf } = parseEvent(scheduledRunSchema, event, 'evaluate invocation');
    try {
      const statuses = await evaluateAll(await context(), asOf ? { asOf } : {});
      logger.info({ message: 'evaluated', asOf, bases: statuses.length });
      return { asOf: asOf?.toISOString() ?? null, evaluated: statuses.length };
    } catch (error) {
      logFailure('evaluate', error, { asOf });
      throw error; // the scheduler retries, then its DLQ and the Errors alarm show it
    }
  };
}

/** The Lambda entry point. */
export const handler = createEvaluateHandler(appContext);
