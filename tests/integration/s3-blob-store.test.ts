/**
 * The S3 blob store on the embedded s3rver, with the requests it sends observed after signing: a known SHA-256 is
 * the payload hash S3 checks (the client does not hash the bytes again), a stream of known length is one PutObject,
 * and a whole read fills one buffer of the announced size. (Bytes are compared by hash: a deep toEqual of MBs of
 * buffers takes a minute.)
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore, s3ClientForEndpoint } from '../../shared/adapters/aws/s3-blob-store.ts';
import { type EmbeddedStack, startEmbeddedStack } from '../../shared/adapters/local/embedded-stack.ts';

/** A request as it left the client: method, path, query and headers, after signing. */
interface SentRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('S3BlobStore on s3rver', () => {
  let dir: string;
  let stack: EmbeddedStack;
  let client: S3Client;
  let store: S3BlobStore;
  const sent: SentRequest[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'intake-s3-'));
    stack = await startEmbeddedStack({ dataDir: dir });
    client = s3ClientForEndpoint(stack.endpoints.s3);
    await client.send(new CreateBucketCommand({ Bucket: 'blobs' }));
    // The deserialize step runs after signing: what is seen here is what went on the wire.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as SentRequest;
        sent.push({
          method: request.method,
          path: request.path,
          query: { ...request.query },
          headers: { ...request.headers },
        });
        return next(args);
      },
      { step: 'deserialize', name: 'observeSentRequests' },
    );
    store = new S3BlobStore('blobs', client);
  });
  afterAll(async () => {
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sends a known SHA-256 as the signed payload hash, and the bytes arrive whole', async () => {
    // Prepare
    const body = randomBytes(300_000);
    sent.length = 0;

    // Act
    await store.put('documents/known-hash', body, { sha256: sha256(body) });

    // Assess
    const put = sent.find((r) => r.method === 'PUT');
    expect(put?.headers['x-amz-content-sha256']).toBe(sha256(body));
    expect(put?.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/);
    expect(sha256(await store.get('documents/known-hash'))).toBe(sha256(body));
  });

  it('stores a stream of known length with one PutObject, not a multipart upload', async () => {
    // Prepare
    const pieces = [randomBytes(4 * 1024 * 1024), randomBytes(3 * 1024 * 1024), randomBytes(12_345)];
    const whole = Buffer.concat(pieces);
    sent.length = 0;

    // Act
    await store.put('documents/streamed', Readable.from(pieces), { sha256: sha256(whole), length: whole.length });

    // Assess
    expect(sent.map((r) => r.method)).toEqual(['PUT']);
    expect(sent[0]?.query).not.toHaveProperty('uploads');
    expect(sent[0]?.headers['content-length']).toBe(String(whole.length));
    expect(sha256(await store.get('documents/streamed'))).toBe(sha256(whole));
  });

  it('reads an object whole into one buffer, and as a stream with its size', async () => {
    // Prepare
    const body = randomBytes(5 * 1024 * 1024 + 17);
    await store.put('documents/read-back', body);

    // Act
    const whole = await store.get('documents/read-back');
    const { body: stream, size } = await store.read('documents/read-back');
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));

    // Assess
    expect(whole.length).toBe(body.length);
    expect(sha256(whole)).toBe(sha256(body));
    expect(size).toBe(body.length);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(body));
  });
});
