/** The staff HTTP API behind API Gateway (HTTP API, payload 2.0): the hono app of shared/http, served as is. */
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createHttpApp } from '../../shared/http/app.ts';
import { appContext } from '../shared/app-context.ts';

let adapter: Promise<ReturnType<typeof handle>> | undefined;

/** Serves one request; the app and its context are built on the first request of a cold start and then reused. */
export async function handler(event: LambdaEvent, lambdaContext?: LambdaContext) {
  adapter ??= appContext().then((context) => handle(createHttpApp(context)));
  const serve = await adapter.catch((error: unknown) => {
    adapter = undefined; // a failed start is retried by the next request, not cached for the container's life
    throw error;
  });
  return serve(event, lambdaContext);
}
