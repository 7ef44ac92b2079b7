/**
 * The staff HTTP API behind API Gateway (HTTP API, payload 2.0): the hono app of shared/http, served as is. The
 * gateway's JWT authorizer has checked the token of /api requests (the claims reach the app in the event); pages
 * use the app's signed session, whose key is read from the secret INTAKE_SESSION_SECRET_ARN at start-up; staff get
 * one through the Cognito hosted UI (COGNITO_DOMAIN, COGNITO_CLIENT_ID, COGNITO_ISSUER, see shared/http/oidc.ts).
 * INTAKE_FILE_DOWNLOADS=redirect answers downloads with presigned S3 URLs, past the ~6 MB response limit.
 */
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { SecretsManagerReader } from '../../shared/adapters/aws/secrets.ts';
import { createHttpApp, type HttpAppOptions } from '../../shared/http/app.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { appContext } from '../shared/app-context.ts';
import { logger } from '../shared/logger.ts';

/** Builds the handler on a context source and the app's options (the AWS ones in Lambda, local ones in tests). */
export function createApiHandler(
  context: () => Promise<AppContext>,
  options: () => Promise<HttpAppOptions> = async () => ({}),
) {
  let adapter: Promise<ReturnType<typeof handle>> | undefined;
  /** Serves one request; the app and its context are built on the first request of a cold start and then reused. */
  return async function api(event: LambdaEvent, lambdaContext?: LambdaContext) {
    if (lambdaContext) logger.addContext(lambdaContext);
    adapter ??= Promise.all([context(), options()]).then(([ctx, appOptions]) => handle(createHttpApp(ctx, appOptions)));
    const serve = await adapter.catch((error: unknown) => {
      adapter = undefined; // a failed start is retried by the next request, not cached for the container's life
      throw error;
    });
    return serve(event, lambdaContext);
  };
}

/** The app's options from the Lambda environment: the session key and the upload-link key from their secrets. */
export async function httpAppOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<HttpAppOptions> {
  const arns = [env.INTAKE_SESSION_SECRET_ARN, env.INTAKE_UPLOAD_LINK_SECRET_ARN];
  if (!arns.some(Boolean)) return {};
  const reader = new SecretsManagerReader();
  const [secret, uploadLinkSecret] = await Promise.all(
    arns.map((arn) => (arn ? reader.read(arn) : Promise.resolve(undefined))),
  );
  return { ...(secret ? { secret } : {}), ...(uploadLinkSecret ? { uploadLinkSecret } : {}) };
}

/** The Lambda entry point. */
export const handler = createApiHandler(appContext, () => httpAppOptionsFromEnv(process.env));
