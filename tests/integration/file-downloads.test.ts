import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentRecord } from '../../shared/domain/records.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { contentDisposition, PRESIGNED_SECONDS } from '../../shared/http/files.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { ingestUpload } from '../../shared/use-cases/upload.ts';
import { startTestStack } from './helpers.ts';
import { TEST_NOW, TEST_SECRET, tamperedPath } from './http-seed.ts';

/** A Lambda event as API Gateway's JWT authorizer passes it, for staff. */
const asStaff = {
  event: { requestContext: { authorizer: { jwt: { claims: { 'cognito:groups': 'staff', email: 'li@x.cn' } } } } },
};

describe('downloads in redirect mode (AWS): a presigned S3 URL instead of the bytes', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let document: DocumentRecord;
  // Above the ~6 MB a Lambda response can carry.
  const content = randomBytes(7 * 1024 * 1024);
  const fileName = '平顺基地 现场照片（第1张）.jpg';

  const appIn = (fileDownloads: 'stream' | 'redirect') =>
    createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: [], oidc: null, fileDownloads });

  /** The path of a fresh signed /files/ link to the document, issued through the API. */
  async function linkPath(app: ReturnType<typeof appIn>): Promise<string> {
    const [submissionId, sha256] = document.id.split('/') as [string, string];
    const response = await app.request(`/api/documents/${submissionId}/${sha256}/link`, {}, asStaff);
    return new URL(((await response.json()) as { url: string }).url).pathname;
  }

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    const result = await ingestUpload(stack.ctx, {
      baseName: '平顺网红直播基地',
      files: [{ fileName, content, contentType: 'image/jpeg' }],
    });
    const documents = await stack.ctx.records.documents.listBySubmission(result.submissionId);
    document = documents.find((d) => d.fileName === fileName)!;
  }, 120_000);
  afterAll(async () => {
    await stack?.dispose();
  });

  it('answers 302 to a short-lived presigned URL that serves the exact bytes with the file name', async () => {
    // Prepare
    const app = appIn('redirect');

    // Act
    const response = await app.request(await linkPath(app));
    const location = new URL(response.headers.get('location') ?? '');
    const fetched = await fetch(location);
    const bytes = Buffer.from(await fetched.arrayBuffer());

    // Assess
    expect(document).toBeDefined();
    expect(response.status).toBe(302);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(location.origin).toBe(new URL((await stack.endpoints()).s3).origin);
    expect(location.searchParams.get('X-Amz-Expires')).toBe(String(PRESIGNED_SECONDS));
    expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(location.searchParams.get('response-content-disposition')).toBe(contentDisposition(fileName));
    expect(PRESIGNED_SECONDS).toBeLessThanOrEqual(300);
    expect(fetched.status).toBe(200);
    expect(bytes.length).toBe(content.length);
    expect(bytes.equals(content)).toBe(true);
    expect(fetched.headers.get('content-disposition')).toBe(contentDisposition(fileName));
    expect(fetched.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(fileName)}`);
    expect(fetched.headers.get('content-type')).toBe('image/jpeg');
  });

  it('still refuses a bad link with 404 and no redirect', async () => {
    // Prepare
    const app = appIn('redirect');
    const path = await linkPath(app);

    // Act
    const tampered = await app.request(tamperedPath(path));

    // Assess
    expect(tampered.status).toBe(404);
    expect(tampered.headers.get('location')).toBeNull();
  });

  it('streams the bytes through the app in stream mode (local)', async () => {
    // Prepare
    const app = appIn('stream');

    // Act
    const response = await app.request(await linkPath(app));

    // Assess
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
  });
});
