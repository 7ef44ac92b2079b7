/**
 * UploadStorage on S3: presigned POST forms (the browser sends each file straight to the bucket, within a size
 * range the signature fixes), HeadObject, and, where GuardDuty Malware Protection scans the bucket, each object's
 * verdict from its GuardDutyMalwareScanStatus tag. Locally the same code signs for s3rver, which the embedded stack
 * fronts with a policy check (../local/s3rver-post-policy.ts) because s3rver itself ignores POST policies.
 */
import { HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type {
  MalwareScanVerdict,
  ObjectHead,
  PresignedPost,
  PresignPostOptions,
  UploadStorage,
} from '../../ports/index.ts';
import { readScanVerdict } from './malware-scan.ts';

/** The S3Client type @aws-sdk/s3-presigned-post was built against (client-s3 3.1164; the project uses 3.1169). */
type PresignClient = Parameters<typeof createPresignedPost>[0];

/** Settings of the S3 upload storage beyond its bucket. */
export interface S3UploadStorageOptions {
  /**
   * Whether GuardDuty scans the bucket (MALWARE_SCAN=required in AWS): then scanVerdict reads each object's tag;
   * otherwise it answers null and nothing waits for a scan. Default false.
   */
  malwareScan?: boolean;
}

/** UploadStorage on one S3 bucket. */
export class S3UploadStorage implements UploadStorage {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client,
    private readonly options: S3UploadStorageOptions = {},
  ) {}

  async scanVerdict(key: string): Promise<MalwareScanVerdict | null> {
    if (!this.options.malwareScan) return null;
    return readScanVerdict(this.client, this.bucket, key);
  }

  async presignPost(key: string, options: PresignPostOptions): Promise<PresignedPost> {
    const fields: Record<string, string> = {};
    if (options.contentType) fields['Content-Type'] = options.contentType;
    for (const [name, value] of Object.entries(options.metadata ?? {})) fields[`x-amz-meta-${name}`] = value;
    // Every field becomes an exact-match condition of the policy; the key is fixed too (no ${filename}).
    const { url, fields: signed } = await createPresignedPost(this.client as unknown as PresignClient, {
      Bucket: this.bucket,
      Key: key,
      Conditions: [['content-length-range', options.minBytes, options.maxBytes]],
      Fields: fields,
      Expires: options.expiresSeconds,
    });
    return { url, fields: signed };
  }

  async head(key: string): Promise<ObjectHead | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: out.ContentLength ?? 0,
        lastModified: out.LastModified ?? new Date(0),
        ...(out.ContentType ? { contentType: out.ContentType } : {}),
        metadata: Object.fromEntries(Object.entries(out.Metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      };
    } catch (error) {
      if (
        error instanceof NotFound ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      ) {
        return null;
      }
      throw error;
    }
  }
}
