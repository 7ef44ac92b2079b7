import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunctionContext } from '../../../functions/shared/app-context.ts';
import { smtpUrlFromSecret } from '../../../functions/shared/smtp-secret.ts';
import { secretBytes, TokenSigner } from '../../../shared/access/signing.ts';
import { readUploadLink } from '../../../shared/access/upload-links.ts';
import { SecretReadError, SecretsManagerReader, secretsManagerEndpoint } from '../../../shared/adapters/aws/secrets.ts';

interface Seen {
  headers: IncomingMessage['headers'];
  body: string;
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

describe('SecretsManagerReader', () => {
  let server: Server;
  let endpoint: string;
  const seen: Seen[] = [];
  const secrets: Record<string, unknown> = {
    'imap-password': { SecretString: 'pa55-word' },
    binary: { SecretBinary: 'AAEC' },
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        seen.push({ headers: request.headers, body });
        const secret = secrets[(JSON.parse(body) as { SecretId: string }).SecretId];
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        if (!secret) {
          response.statusCode = 400;
          response.end(
            JSON.stringify({ __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find it" }),
          );
          return;
        }
        response.end(JSON.stringify(secret));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads a secret string with one SigV4-signed GetSecretValue call', async () => {
    // Prepare
    const reader = new SecretsManagerReader({ region: 'cn-north-1', endpoint, credentials });

    // Act
    const value = await reader.read('imap-password');

    // Assess
    expect(value).toBe('pa55-word');
    const request = seen.at(-1)!;
    expect(JSON.parse(request.body)).toEqual({ SecretId: 'imap-password' });
    expect(request.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/cn-north-1\/secretsmanager\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('names the service error of a secret it cannot read, and refuses binary secrets', async () => {
    // Prepare
    const reader = new SecretsManagerReader({ region: 'us-east-1', endpoint, credentials });

    // Act / Assess
    await expect(reader.read('missing')).rejects.toThrow(SecretReadError);
    await expect(reader.read('missing')).rejects.toThrow(/ResourceNotFoundException/);
    await expect(reader.read('binary')).rejects.toThrow(/no string value/);
  });

  it('uses the China partition’s endpoint in the China regions', () => {
    // Act / Assess
    expect(secretsManagerEndpoint('cn-northwest-1')).toBe('https://secretsmanager.cn-northwest-1.amazonaws.com.cn');
    expect(secretsManagerEndpoint('ap-east-1')).toBe('https://secretsmanager.ap-east-1.amazonaws.com');
  });
});

describe('smtpUrlFromSecret', () => {
  it('takes an smtp(s) URL as it is', () => {
    // Act / Assess
    expect(smtpUrlFromSecret(' smtps://u:p@smtp.163.com:465\n')).toBe('smtps://u:p@smtp.163.com:465');
  });

  it('builds the URL from JSON settings, encoding the login, requiring STARTTLS without implicit TLS', () => {
    // Act
    const implicit = smtpUrlFromSecret(
      JSON.stringify({ host: 'smtp.163.com', user: 'sxswtdsc@163.com', pass: 'a:b/c' }),
    );
    const starttls = smtpUrlFromSecret(
      JSON.stringify({ host: 'mail.bureau.example.cn', port: 587, secure: false, user: 'notices', pass: 'x' }),
    );

    // Assess
    expect(implicit).toBe('smtps://sxswtdsc%40163.com:a%3Ab%2Fc@smtp.163.com:465');
    expect(starttls).toBe('smtp://notices:x@mail.bureau.example.cn:587?requireTLS=true');
  });

  it('names missing fields without echoing the password', () => {
    // Act / Assess
    expect(() => smtpUrlFromSecret(JSON.stringify({ host: 'smtp.163.com', pass: 'sekrit' }))).toThrow(/user/);
    expect(() => smtpUrlFromSecret(JSON.stringify({ host: 'smtp.163.com', pass: 'sekrit' }))).not.toThrow(/sekrit/);
    expect(() => smtpUrlFromSecret('sekrit')).toThrow(/neither an smtp\(s\):\/\/ URL nor JSON/);
  });
});

describe('createFunctionContext', () => {
  const env = { TABLE_NAME: 'intake', BUCKET_NAME: 'intake', MAIL_FROM: 'notices@example.gov.cn', ROUND_ID: '2023' };

  it('reads the SMTP secret when sending over SMTP and mails through it', async () => {
    // Prepare
    const reads: string[] = [];
    const reader = {
      read: async (id: string) => {
        reads.push(id);
        return 'smtps://u:p@smtp.163.com:465';
      },
    };

    // Act
    const ctx = await createFunctionContext(
      { ...env, INTAKE_MAILER: 'smtp', INTAKE_SMTP_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:smtp' },
      () => reader,
    );

    // Assess
    expect(reads).toEqual(['arn:aws-cn:secretsmanager:cn-north-1:1:secret:smtp']);
    expect(ctx.mailer.constructor.name).toBe('SmtpMailer');
  });

  it('reads no secret when sending over SES, and refuses SMTP without a secret', async () => {
    // Prepare
    const reader = {
      read: async (): Promise<string> => {
        throw new Error('must not be read');
      },
    };

    // Act
    const ctx = await createFunctionContext({ ...env, INTAKE_MAILER: 'ses' }, () => reader);

    // Assess
    expect(ctx.mailer.constructor.name).toBe('SesMailer');
    await expect(createFunctionContext({ ...env, INTAKE_MAILER: 'smtp' }, () => reader)).rejects.toThrow(
      /INTAKE_SMTP_SECRET_ARN/,
    );
  });

  it('offers each base its own upload link, signed with the session secret the API checks it with', async () => {
    // Prepare
    const secret = 'a'.repeat(64);
    const reader = { read: async (id: string) => (id.endsWith(':upload-link') ? secret : 'unused') };

    // Act
    const ctx = await createFunctionContext(
      {
        ...env,
        INTAKE_MAILER: 'ses',
        INTAKE_PUBLIC_URL: 'https://intake.example.gov.cn',
        INTAKE_UPLOAD_LINK_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:upload-link',
      },
      () => reader,
    );
    const without = await createFunctionContext({ ...env, INTAKE_MAILER: 'ses' }, () => reader);
    const link = ctx.uploadLinkFor?.('p01');

    // Assess: the link lies on the public origin and the API's signer reads the base from it.
    expect(link).toMatch(/^https:\/\/intake\.example\.gov\.cn\/upload\/b\//);
    const token = new URL(link as string).pathname.split('/').at(-1);
    const read = readUploadLink(new TokenSigner(secretBytes(secret)), ctx.round, token, ctx.clock.now());
    expect(read?.baseId).toBe('p01');
    expect(without.uploadLinkFor).toBeUndefined();
  });
});
