/**
 * The staff HTTP API behind API Gateway (HTTP API, payload 2.0): the hono app of shared/http, served as is. The
 * gateway's JWT authorizer has checked the token of /api requests (the claims reach the app in the event); pages
 * use the app's signed session, whose key is read from its secret at start-up (functions/shared/http-app-options.ts);
 * staff get one through the Cognito hosted UI (COGNITO_DOMAIN, COGNITO_CLIENT_ID, COGNITO_ISSUER, see
 * shared/http/oidc.ts). INTAKE_FILE_DOWNLOADS=redirect answers downloads with presigned S3 URLs, past the ~6 MB
 * response limit.
 */
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import type { HttpAppOptions } from '../../shared/http/app.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { lazy } from '../shared/lazy.ts';
import { logger } from '../shared/logger.ts';

/** Builds the handler on a context source and the app's options (the AWS ones in Lambda, local ones in tests). */
export function createApiHandler(
  context: () => Promise<AppContext>,
  options: () => Promise<HttpAppOptions> = async () => ({}),
) {
  // The app and its context are built on the first request of a cold start and then reused; a failed start is
  // retried by the next request. The app's modules (pages, API, use cases: a chunk of their own) load then too,
  // beside the context's SDK clients and the secret reads, instead of at import.
  const app = lazy(async () => {
    const [ctx, appOptions, { createHttpApp }, { handle }] = await Promise.all([
      context(),
      options(),
      import('../../shared/http/app.ts'),
      import('hono/aws-lambda'),
    ]);
    return handle(createHttpApp(ctx, appOptions));
  });
  return async function api(event: LambdaEvent, lambdaContext?: LambdaContext) {
    if (lambdaContext) logger.addContext(lambdaContext);
    return (await app.get())(event, lambdaContext);
  };
}

/** The Lambda entry point. */
export const handler = createApiHandler(
  async () => (await import('../shared/app-context.ts')).appContext(),
  async () => (await import('../shared/http-app-options.ts')).httpAppOptionsFromEnv(process.env),
);
