/**
 * Reads one Secrets Manager secret (the IMAP password, the SMTP settings) with the SDK's GetSecretValue.
 */
import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { IntakeError } from '../../domain/errors.ts';

/** Reads a secret's string value by ARN or name. */
export interface SecretReader {
  /** The SecretString of the secret's current version; throws SecretReadError when it cannot be read. */
  read(secretId: string): Promise<string>;
}

/** A secret that could not be read (missing, no permission, binary, service error), with the service's reason. */
export class SecretReadError extends IntakeError {
  constructor(
    readonly secretId: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(
      'secret.unreadable',
      'failure',
      `cannot read secret ${secretId}: ${reason}`,
      `无法读取密钥 ${secretId}（${reason}）`,
      options,
    );
    this.name = 'SecretReadError';
  }
}

/** Where and as whom to call Secrets Manager; every field has a Lambda default. */
export interface SecretsManagerReaderOptions {
  /** Default: AWS_REGION. */
  region?: string;
  /** Default: the regional endpoint (amazonaws.com.cn in the China regions). */
  endpoint?: string;
  /** Default: the credentials Lambda puts in the environment. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** The regional Secrets Manager endpoint; the China partition has its own DNS suffix. */
export function secretsManagerEndpoint(region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://secretsmanager.${region}.${suffix}`;
}

/** SecretReader on Secrets Manager (GetSecretValue). */
export class SecretsManagerReader implements SecretReader {
  private readonly client: SecretsManagerClient;

  constructor(options: SecretsManagerReaderOptions = {}) {
    const region = options.region ?? process.env.AWS_REGION;
    if (!region) throw new Error('SecretsManagerReader: no region (AWS_REGION is not set)');
    this.client = new SecretsManagerClient({
      region,
      endpoint: options.endpoint ?? secretsManagerEndpoint(region),
      credentials: options.credentials,
      maxAttempts: 2,
    });
  }

  async read(secretId: string): Promise<string> {
    let out: GetSecretValueCommandOutput;
    try {
      out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    } catch (error) {
      const e = error as { name?: string; message?: string };
      throw new SecretReadError(secretId, `${e.name ?? 'Error'}: ${e.message ?? String(error)}`, { cause: error });
    }
    if (typeof out.SecretString !== 'string') {
      throw new SecretReadError(secretId, 'the secret has no string value (binary secrets are not supported)');
    }
    return out.SecretString;
  }
}
