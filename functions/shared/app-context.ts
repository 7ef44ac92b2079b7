/** The use cases' context for the functions, built from the Lambda environment once per cold start. */
import { createAwsContext } from '../../shared/adapters/aws/composition.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';

let pending: Promise<AppContext> | undefined;

/** Returns the AWS context, building it on first use; a failed build is retried on the next invocation. */
export function appContext(): Promise<AppContext> {
  pending ??= createAwsContext(process.env).catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}
