/**
 * The use cases' context for the functions, built from the Lambda environment once per cold start: the AWS
 * composition root of shared/. Where mail goes out over SMTP (INTAKE_MAILER=smtp), the connection URL is read from
 * the secret INTAKE_SMTP_SECRET_ARN at start-up and handed to the composition root, never kept in the environment.
 * Where the function sends acknowledgements or digests (INTAKE_PUBLIC_URL and INTAKE_UPLOAD_LINK_SECRET_ARN set),
 * each base's own upload link is signed with the upload-link key the API checks it with.
 */

import { secretBytes, TokenSigner } from '../../shared/access/signing.ts';
import { offerUploadLinks } from '../../shared/access/upload-links.ts';
import { createAwsContext } from '../../shared/adapters/aws/composition.ts';
import { type SecretReader, SecretsManagerReader } from '../../shared/adapters/aws/secrets.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { lazy } from './lazy.ts';
import { smtpUrlFromSecret } from './smtp-secret.ts';

/** Builds a function's context from its environment; reads the SMTP secret only when sending over SMTP. */
export async function createFunctionContext(
  env: NodeJS.ProcessEnv = process.env,
  secrets: () => SecretReader = () => new SecretsManagerReader(),
): Promise<AppContext> {
  const ctx = await mailingContext(env, secrets);
  if (env.INTAKE_PUBLIC_URL && env.INTAKE_UPLOAD_LINK_SECRET_ARN) {
    const signer = new TokenSigner(secretBytes(await secrets().read(env.INTAKE_UPLOAD_LINK_SECRET_ARN)));
    offerUploadLinks(ctx, signer, env.INTAKE_PUBLIC_URL);
  }
  return ctx;
}

async function mailingContext(env: NodeJS.ProcessEnv, secrets: () => SecretReader): Promise<AppContext> {
  if (env.INTAKE_MAILER !== 'smtp' || env.INTAKE_SMTP_URL) return createAwsContext(env);
  if (!env.INTAKE_SMTP_SECRET_ARN) throw new Error('INTAKE_MAILER=smtp needs INTAKE_SMTP_SECRET_ARN');
  const url = smtpUrlFromSecret(await secrets().read(env.INTAKE_SMTP_SECRET_ARN));
  return createAwsContext({ ...env, INTAKE_SMTP_URL: url });
}

const context = lazy(() => createFunctionContext(process.env));

/** Returns the function's context, building it on first use; a failed build is retried on the next invocation. */
export function appContext(): Promise<AppContext> {
  return context.get();
}
