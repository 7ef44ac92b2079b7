/**
 * Builds file packages too large for an API response: the jobs of the invocation (functions/shared/bundle-requests.ts),
 * each -> buildBundleJob, which streams the zip into bundles/files/ and records it ready or failed (in Chinese, for
 * the page). A failed build is recorded, not thrown; only a job whose outcome cannot be recorded is thrown, so Lambda
 * retries it and then parks the event in the function's dead-letter queue.
 */
import { buildBundleJob } from '../../shared/use-cases/bundle-jobs.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { appContext } from '../shared/app-context.ts';
import { bundleJobIdsOf } from '../shared/bundle-requests.ts';
import { logFailure } from '../shared/failures.ts';
import { type LambdaContext, logger } from '../shared/logger.ts';

/** Builds the handler on a context source (the AWS one in Lambda, a local one in tests). */
export function createBundleBuildHandler(context: () => Promise<AppContext>) {
  return async function bundleBuild(event: unknown, lambdaContext?: LambdaContext) {
    if (lambdaContext) logger.addContext(lambdaContext);
    const ctx = await context();
    const jobs: { jobId: string; outcome: string; state: string | null }[] = [];
    for (const jobId of bundleJobIdsOf(event)) {
      const built = await buildBundleJob(ctx, jobId).catch((error: unknown) => {
        logFailure('bundle-build', error, { jobId });
        throw error; // the outcome was not recorded: retried by Lambda, then the dead-letter queue
      });
      if (built.error) logFailure('bundle-build', built.error, { jobId, recorded: 'failed' });
      const result = { jobId, outcome: built.outcome, state: built.job?.state ?? null };
      logger.info({ message: 'package job', ...result, bytes: built.job?.bytes ?? null });
      jobs.push(result);
    }
    return { jobs };
  };
}

/** The Lambda entry point. */
export const handler = createBundleBuildHandler(appContext);
