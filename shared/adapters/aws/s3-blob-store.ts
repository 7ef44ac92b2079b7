import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type BlobMeta, BlobNotFoundError, type BlobStore, type PresignedDownloadOptions } from '../../ports/index.ts';

/** BlobStore on S3 (AWS, or s3rver locally through an endpoint setting). */
export class S3BlobStore implements BlobStore {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = new S3Client({}),
  ) {}

  async put(key: string, body: Buffer | Readable, meta: BlobMeta = {}): Promise<void> {
    if (Buffer.isBuffer(body) || meta.length !== undefined) {
      const command = new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentLength: Buffer.isBuffer(body) ? body.length : meta.length,
        ContentType: meta.contentType,
        Metadata: meta.metadata,
      });
      const { sha256 } = meta;
      if (sha256) {
        // SigV4 takes a payload hash given in this header as is (instead of hashing the body again), and S3 refuses
        // the request with BadDigest if the bytes it received do not match it.
        command.middlewareStack.add(
          (next) => async (args) => {
            const request = args.request as { headers?: Record<string, string> };
            if (request.headers) request.headers['x-amz-content-sha256'] = sha256;
            return next(args);
          },
          { step: 'build', name: 'knownPayloadHash' },
        );
      }
      await this.client.send(command);
      return;
    }
    // A stream of unknown length: multipart upload keeps memory to one part at a time.
    await new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: meta.contentType, Metadata: meta.metadata },
    }).done();
  }

  async get(key: string): Promise<Buffer> {
    const { body, size: length } = await this.read(key);
    if (length === null) {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks);
    }
    // Filled in place: collecting the pieces and joining them would hold a large message twice for a moment.
    const whole = Buffer.allocUnsafe(length);
    let offset = 0;
    for await (const chunk of body) {
      const piece = chunk as Uint8Array;
      if (offset + piece.length > length) throw new Error(`${key}: more bytes than the ${length} announced`);
      whole.set(piece, offset);
      offset += piece.length;
    }
    if (offset !== length) throw new Error(`${key}: ${offset} bytes received, ${length} announced`);
    return whole;
  }

  async getStream(key: string): Promise<Readable> {
    return (await this.read(key)).body;
  }

  async read(key: string): Promise<{ body: Readable; size: number | null }> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { body: out.Body as Readable, size: out.ContentLength ?? null };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') {
        throw new BlobNotFoundError(key, { cause: error });
      }
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (
        error instanceof NotFound ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      ) {
        return false;
      }
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const item of out.Contents ?? []) if (item.Key) keys.push(item.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  /** A presigned GET that makes S3 answer with the given headers; signed with this client's credentials. */
  async presignedDownloadUrl(key: string, options: PresignedDownloadOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: options.contentDisposition,
      ResponseContentType: options.contentType,
      ResponseCacheControl: 'private, no-store',
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresIn });
  }
}

/** S3 client settings the embedded s3rver needs (path-style, no flexible checksums, or streamed puts corrupt). */
export function s3ClientForEndpoint(endpoint: string, region = 'us-east-1'): S3Client {
  return new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}
