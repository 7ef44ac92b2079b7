/**
 * Reads one Secrets Manager secret (the IMAP password, the SMTP settings) with a single signed GetSecretValue call.
 * The project carries no Secrets Manager client package, so the request is signed with the SigV4 signer the AWS SDK
 * itself uses (@smithy/signature-v4, installed with the SDK clients) and the function's credentials from its
 * environment, as Lambda provides them. Swapping this for `@aws-sdk/client-secrets-manager` changes nothing outside
 * this file.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** Reads a secret's string value by ARN or name. */
export interface SecretReader {
  /** The SecretString of the secret's current version; throws SecretReadError when it cannot be read. */
  read(secretId: string): Promise<string>;
}

/** A secret that could not be read (missing, no permission, binary, service error), with the service's reason. */
export class SecretReadError extends Error {
  constructor(
    readonly secretId: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`cannot read secret ${secretId}: ${reason}`, options);
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

/** SHA-256 (or HMAC-SHA-256 with a key) in the shape the SigV4 signer asks for, on node:crypto. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = typeof secret === 'string' || secret === undefined ? secret : toBuffer(secret);
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBuffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data)
    ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : Buffer.from(new Uint8Array(data));
}

/** The regional Secrets Manager endpoint; the China partition has its own DNS suffix. */
export function secretsManagerEndpoint(region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://secretsmanager.${region}.${suffix}`;
}

/** SecretReader on Secrets Manager's JSON API (GetSecretValue). */
export class SecretsManagerReader implements SecretReader {
  private readonly region: string;
  private readonly endpoint: URL;
  private readonly signer: SignatureV4;

  constructor(options: SecretsManagerReaderOptions = {}) {
    const region = options.region ?? process.env.AWS_REGION;
    if (!region) throw new Error('SecretsManagerReader: no region (AWS_REGION is not set)');
    this.region = region;
    this.endpoint = new URL(options.endpoint ?? secretsManagerEndpoint(region));
    this.signer = new SignatureV4({
      service: 'secretsmanager',
      region: this.region,
      credentials: options.credentials ?? fromEnv(),
      sha256: NodeSha256,
    });
  }

  async read(secretId: string): Promise<string> {
    const body = JSON.stringify({ SecretId: secretId });
    const { hostname, port, protocol } = this.endpoint;
    const signed = await this.signer.sign({
      method: 'POST',
      protocol,
      hostname,
      port: port ? Number(port) : undefined,
      path: '/',
      query: {},
      headers: {
        host: this.endpoint.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body,
    });
    let response: Response;
    try {
      response = await fetch(new URL('/', this.endpoint), {
        method: 'POST',
        headers: signed.headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new SecretReadError(secretId, `request failed (${(error as Error).message})`, { cause: error });
    }
    const text = await response.text();
    const payload = safeJson(text) as { SecretString?: unknown; __type?: string; message?: string; Message?: string };
    if (!response.ok) {
      const type = payload?.__type?.split('#').pop() ?? `HTTP ${response.status}`;
      throw new SecretReadError(secretId, `${type}: ${payload?.message ?? payload?.Message ?? text.slice(0, 200)}`);
    }
    if (typeof payload?.SecretString !== 'string') {
      throw new SecretReadError(secretId, 'the secret has no string value (binary secrets are not supported)');
    }
    return payload.SecretString;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
