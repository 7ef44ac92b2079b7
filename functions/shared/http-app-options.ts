/**
 * The staff app's options in the api function: the session key and the upload-link key, read from the secrets
 * INTAKE_SESSION_SECRET_ARN and INTAKE_UPLOAD_LINK_SECRET_ARN at start-up (never kept in the environment).
 */
import { SecretsManagerReader } from '../../shared/adapters/aws/secrets.ts';
import type { HttpAppOptions } from '../../shared/http/app.ts';

/** The app's options from the Lambda environment: each key from its secret, when its ARN is set. */
export async function httpAppOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<HttpAppOptions> {
  const arns = [env.INTAKE_SESSION_SECRET_ARN, env.INTAKE_UPLOAD_LINK_SECRET_ARN];
  if (!arns.some(Boolean)) return {};
  const reader = new SecretsManagerReader();
  const [secret, uploadLinkSecret] = await Promise.all(
    arns.map((arn) => (arn ? reader.read(arn) : Promise.resolve(undefined))),
  );
  return { ...(secret ? { secret } : {}), ...(uploadLinkSecret ? { uploadLinkSecret } : {}) };
}
