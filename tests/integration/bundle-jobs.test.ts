/**
 * File packages built in the background (issue 16, item 1, the AWS path), on the embedded stand-ins with the real
 * SDK clients: the app in redirect mode (as behind API Gateway) answers a package over a Lambda response with a job,
 * the API hands the job over as a request object in s3rver, the bundle-build handler — invoked with that object's S3
 * notification, as S3 invokes it — streams the zip into s3rver (a multipart upload) and records it, and the
 * presigned link serves it under its Chinese name. Also the local way (no hand-off: built in the app's process),
 * who may see a job, and the ends that are not success: a builder that died, a store that broke mid-package, a
 * file the store no longer has.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import yauzl from 'yauzl';
import { createBundleBuildHandler } from '../../functions/bundle-build/handler.ts';
import { logger } from '../../functions/shared/logger.ts';
import { bundleRequestKey, S3BundleHandOff } from '../../shared/adapters/aws/s3-bundle-hand-off.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { BUNDLE_PAGE_REFRESH_SECONDS, LAMBDA_ZIP_BYTES } from '../../shared/http/bundles.ts';
import { contentDisposition } from '../../shared/http/files.ts';
import type { BlobStore, BundleJob } from '../../shared/ports/index.ts';
import { BUNDLE_LINK_SECONDS, buildBundleJob, requestBundleJob } from '../../shared/use-cases/bundle-jobs.ts';
import { type AppContext, fixedClock } from '../../shared/use-cases/context.ts';
import { startTestStack } from './helpers.ts';
import { PASSWORDS, seedIntake, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET } from './http-seed.ts';

/** The bucket of the local context (shared/composition/local.ts). */
const LOCAL_BUCKET = 'intake';
const YOUTUO_ZIP = '邮拓直播电商基地 材料.zip';

/** An S3 object-created notification, as S3 sends it to Lambda (keys form-encoded). */
function objectCreated(key: string) {
  return {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: new Date().toISOString(),
        awsRegion: 'cn-north-1',
        s3: { bucket: { name: LOCAL_BUCKET, arn: `arn:aws:s3:::${LOCAL_BUCKET}` }, object: { key } },
      },
    ],
  };
}

/** Every entry of a zip, in order, with its bytes. */
function readZip(zip: Buffer): Promise<{ name: string; data: Buffer }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error || !archive) return reject(error);
      const members: { name: string; data: Buffer }[] = [];
      archive.on('error', reject);
      archive.on('end', () => resolve(members));
      archive.on('entry', (entry: yauzl.Entry) => {
        archive.openReadStream(entry, (openError, stream) => {
          if (openError || !stream) return reject(openError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            members.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            archive.readEntry();
          });
        });
      });
      archive.readEntry();
    });
  });
}

/** A blob store that breaks one object's stream after its first bytes, as a dropped connection to S3 would. */
function breakingOn(blobs: BlobStore, key: string): BlobStore {
  const broken = Object.create(blobs) as BlobStore;
  broken.getStream = async (wanted: string) => {
    const body = await blobs.getStream(wanted);
    if (wanted !== key) return body;
    const out = new PassThrough();
    body.once('data', (chunk: Buffer) => {
      body.destroy();
      out.write(chunk.subarray(0, 1024));
      out.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    });
    return out;
  };
  return broken;
}

describe('file packages built in the background (redirect mode, AWS path)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  /** The api function's context in AWS: packages handed to bundle-build as request objects. */
  let aws: AppContext;
  let app: ReturnType<typeof createHttpApp>;
  let staff: string;
  let bureau: string;
  /** A scan of 邮拓 (taiyuan) larger than a Lambda response can carry. */
  const scan = randomBytes(LAMBDA_ZIP_BYTES + 1024 * 1024);

  const cookieOf = (response: Response) => response.headers.get('set-cookie')?.split(';')[0] ?? '';
  const login = async (name: string, password: string) =>
    cookieOf(await app.request('/login', { method: 'POST', body: new URLSearchParams({ name, password, next: '/' }) }));
  const api = (path: string, cookie: string) => app.request(path, { headers: { cookie, accept: 'application/json' } });
  const jobOf = async (jobId: string) => (await (await api(`/api/bundles/${jobId}`, staff)).json()) as BundleJobJson;
  const builder = createBundleBuildHandler(async () => stack.ctx);

  interface BundleJobJson {
    id: string;
    state: BundleJob['state'];
    fileName: string;
    bytes: number | null;
    entries: number | null;
    missing: number | null;
    error: string | null;
    url?: string;
    statusUrl: string;
    pageUrl: string;
  }

  /** Adds a document record of 邮拓 with its bytes stored (or not, with `stored: false`). */
  async function addDocument(fileName: string, content: Buffer, stored = true): Promise<string> {
    const sha256 = createHash('sha256').update(content).digest('hex');
    if (stored) await stack.ctx.blobs.put(`documents/${sha256}`, content);
    const [form] = await stack.ctx.records.documents.listByBase('p02');
    await stack.ctx.records.documents.save({
      ...form!,
      id: `${form!.submissionId}/${sha256}`,
      fileName,
      kind: 'other',
      size: content.length,
      sha256,
      blobKey: `documents/${sha256}`,
      formValues: null,
      formHeader: null,
      findings: [],
    });
    return `documents/${sha256}`;
  }

  beforeAll(async () => {
    // The handler's log lines (a failure is logged on purpose below) stay out of the test output.
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => {});
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedIntake(stack.ctx);
    await addDocument('扫描件.jpg', scan);
    aws = { ...stack.ctx, bundles: new S3BundleHandOff(stack.ctx.blobs) };
    app = createHttpApp(aws, {
      secret: TEST_SECRET,
      accounts: TEST_ACCOUNTS,
      wallClock: () => new Date(),
      fileDownloads: 'redirect',
    });
    staff = await login('admin', PASSWORDS.admin);
    bureau = await login('cz', PASSWORDS.cz);
  }, 120_000);
  afterAll(async () => {
    await stack?.dispose();
    vi.restoreAllMocks();
  });

  it('answers 202 with a job, builds it from the S3 request, and serves the zip through a presigned link', async () => {
    // Act: the request; the page while it waits; the builder, invoked by the request object's notification.
    const requested = await api('/api/bases/p02/files.zip', staff);
    const queued = (await requested.json()) as BundleJobJson;
    const requestObject = await stack.ctx.blobs.exists(bundleRequestKey(queued.id));
    const waiting = await app.request(queued.pageUrl, { headers: { cookie: staff } });
    const waitingPage = await waiting.text();
    const built = await builder(objectCreated(bundleRequestKey(queued.id)));
    const ready = await jobOf(queued.id);
    const download = await fetch(ready.url ?? '');
    const members = await readZip(Buffer.from(await download.arrayBuffer()));

    // Assess: the answer and the hand-off.
    expect(requested.status).toBe(202);
    expect(requested.headers.get('location')).toBe(`/api/bundles/${queued.id}`);
    expect(queued).toMatchObject({ state: 'queued', fileName: YOUTUO_ZIP, statusUrl: `/api/bundles/${queued.id}` });
    expect(queued.url).toBeUndefined();
    expect(requestObject).toBe(true);
    // The page says it is being made and reloads itself (no script).
    expect(waiting.status).toBe(200);
    expect(waitingPage).toContain('材料包正在生成…');
    expect(waitingPage).toContain(`<meta http-equiv="refresh" content="${BUNDLE_PAGE_REFRESH_SECONDS}">`);
    expect(waiting.headers.get('refresh')).toBe(String(BUNDLE_PAGE_REFRESH_SECONDS));
    // Built, recorded, and handed out under its Chinese name for a quarter of an hour.
    expect(built).toEqual({ jobs: [{ jobId: queued.id, outcome: 'built', state: 'ready' }] });
    expect(ready).toMatchObject({ state: 'ready', entries: 3, missing: 0, error: null });
    const link = new URL(ready.url ?? '');
    expect(link.origin).toBe(new URL((await stack.endpoints()).s3).origin);
    expect(link.pathname).toBe(`/${LOCAL_BUCKET}/bundles/files/${queued.id}.zip`);
    expect(link.searchParams.get('X-Amz-Expires')).toBe(String(BUNDLE_LINK_SECONDS));
    expect(BUNDLE_LINK_SECONDS).toBe(15 * 60);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    expect(download.headers.get('content-disposition')).toBe(contentDisposition(YOUTUO_ZIP));
    expect(members.map((m) => m.name)).toEqual([
      '邮拓直播电商基地/00 经营服务情况报告表.xlsx',
      '邮拓直播电商基地/其他/扫描件.jpg',
      '目录.xlsx',
    ]);
    expect(members[1]!.data.equals(scan)).toBe(true);
    expect(ready.bytes).toBeGreaterThan(scan.length);
  });

  it('reuses a ready package of the same files, sends a browser to its page with the 下载 link, audits each request', async () => {
    // Act
    const again = (await (await api('/api/bases/p02/files.zip', staff)).json()) as BundleJobJson;
    const browser = await app.request('/api/bases/p02/files.zip', {
      headers: { cookie: staff, accept: 'text/html,application/xhtml+xml' },
    });
    const pagePath = browser.headers.get('location') ?? '';
    const readyPage = await (await app.request(pagePath, { headers: { cookie: staff } })).text();
    const audit = (await stack.ctx.records.audit.list('p02')).filter((e) => e.action === 'request-file-package');

    // Assess
    expect(again).toMatchObject({ state: 'ready' });
    expect(browser.status).toBe(303);
    expect(pagePath).toBe(`/bundles/${again.id}`);
    expect(readyPage).toContain('材料包已生成');
    expect(readyPage).toMatch(
      /<a class="button" id="bundle-download" href="http:\/\/127\.0\.0\.1:\d+\/intake\/bundles\/files\//,
    );
    expect(readyPage).not.toContain('http-equiv="refresh"');
    expect(audit.length).toBeGreaterThanOrEqual(3);
    expect(audit).toContainEqual(
      expect.objectContaining({
        actor: 'admin',
        baseId: 'p02',
        reason: '下载材料包（后台生成）',
        details: expect.objectContaining({ jobId: again.id, reused: true, fileName: YOUTUO_ZIP }),
      }),
    );
    expect(audit.some((e) => e.details.reused === false)).toBe(true);
  });

  it("refuses a bureau another city's package and its job, and the whole round", async () => {
    // Prepare: taiyuan's job, which the changzhi bureau must not see.
    const { id } = (await (await api('/api/bases/p02/files.zip', staff)).json()) as BundleJobJson;

    // Act
    const start = await api('/api/bases/p02/files.zip', bureau);
    const status = await api(`/api/bundles/${id}`, bureau);
    const page = await app.request(`/bundles/${id}`, { headers: { cookie: bureau } });
    const round = await api('/api/files.zip', bureau);
    const fromPage = await app.request('/bundles/new?city=taiyuan', { headers: { cookie: bureau } });
    const unknown = await api(`/api/bundles/${'0'.repeat(32)}`, staff);
    const anonymous = await app.request(`/api/bundles/${id}`);

    // Assess
    expect([start.status, status.status, page.status, round.status, fromPage.status]).toEqual([
      403, 403, 403, 403, 403,
    ]);
    expect(await page.text()).not.toContain(YOUTUO_ZIP);
    expect(unknown.status).toBe(404);
    expect(anonymous.status).toBe(401);
  });

  it('builds in the app process where there is no hand-off (the local stack), and the city bureau downloads it', async () => {
    // Prepare: changzhi's city package, over the limit once 平顺 sends a large file too.
    const local = createHttpApp(stack.ctx, {
      secret: TEST_SECRET,
      accounts: TEST_ACCOUNTS,
      wallClock: () => new Date(),
      fileDownloads: 'redirect',
    });
    const video = randomBytes(LAMBDA_ZIP_BYTES);
    const sha256 = createHash('sha256').update(video).digest('hex');
    await stack.ctx.blobs.put(`documents/${sha256}`, video);
    const [form] = await stack.ctx.records.documents.listByBase('p11');
    await stack.ctx.records.documents.save({
      ...form!,
      id: `${form!.submissionId}/${sha256}`,
      fileName: '直播间现场.mp4',
      kind: 'other',
      size: video.length,
      sha256,
      blobKey: `documents/${sha256}`,
      formValues: null,
      formHeader: null,
      findings: [],
    });
    const cz = cookieOf(
      await local.request('/login', {
        method: 'POST',
        body: new URLSearchParams({ name: 'cz', password: PASSWORDS.cz, next: '/' }),
      }),
    );

    // Act: from the page's link; then the job until it is ready (a few seconds at most).
    const started = await local.request('/bundles/new?city=changzhi', { headers: { cookie: cz } });
    const jobId = (started.headers.get('location') ?? '').split('/').pop() ?? '';
    let job: BundleJobJson | undefined;
    for (let i = 0; i < 100 && job?.state !== 'ready' && job?.state !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await (await local.request(`/api/bundles/${jobId}`, { headers: { cookie: cz } })).json()) as BundleJobJson;
    }
    const members = await readZip(Buffer.from(await (await fetch(job?.url ?? '')).arrayBuffer()));

    // Assess
    expect(started.status).toBe(303);
    expect(job).toMatchObject({ state: 'ready', fileName: '长治市 基地材料.zip' });
    expect(members.map((m) => m.name)).toContain('平顺网红直播基地/其他/直播间现场.mp4');
    expect(members.find((m) => m.name.endsWith('直播间现场.mp4'))!.data.equals(video)).toBe(true);
    expect(members.at(-1)?.name).toBe('目录.xlsx');
  });

  it('never leaves a job building: a builder that died reads as failed, and asking again builds it anew', async () => {
    // Prepare: the job of 邮拓's package as a builder left it when its function timed out.
    const { id } = (await (await api('/api/bases/p02/files.zip', staff)).json()) as BundleJobJson;
    const stored = (await stack.ctx.records.bundleJobs.get(id))!;
    await stack.ctx.records.bundleJobs.put(
      {
        ...stored,
        state: 'building',
        version: stored.version + 1,
        leaseUntil: new Date(Date.now() - 1000).toISOString(),
      },
      stored.version,
    );

    // Act: read; the function retried by Lambda; asked for again; built.
    const dead = await jobOf(id);
    const retried = await builder({ jobId: id });
    const again = (await (await api('/api/bases/p02/files.zip', staff)).json()) as BundleJobJson;
    await builder(objectCreated(bundleRequestKey(id)));

    // Assess
    expect(dead.state).toBe('failed');
    expect(dead.error).toContain('超过15分钟仍未完成');
    expect(retried.jobs[0]).toMatchObject({ outcome: 'failed', state: 'failed' });
    expect((await stack.ctx.records.bundleJobs.get(id))?.state).not.toBe('building');
    expect(again).toMatchObject({ id, state: 'queued' });
    expect(await jobOf(id)).toMatchObject({ state: 'ready', error: null });
  });

  it('records a store that breaks mid-package as failed, in Chinese, and a file the store lost as left out', async () => {
    // Prepare: 邮拓 gets a second scan; its bytes break off while the package is read.
    const second = await addDocument('扫描件（二）.jpg', randomBytes(64 * 1024));
    const breaking: AppContext = { ...stack.ctx, blobs: breakingOn(stack.ctx.blobs, second) };
    const { job } = await requestBundleJob(aws, { scope: { base: 'p02' }, actor: 'admin' });

    // Act
    const broken = await buildBundleJob(breaking, job.id);
    const failedPage = await (await app.request(`/bundles/${job.id}`, { headers: { cookie: staff } })).text();
    // Then a file whose bytes are gone: the package is made without it, and says so.
    await addDocument('丢失的文件.pdf', randomBytes(2048), false);
    const lost = await requestBundleJob(aws, { scope: { base: 'p02' }, actor: 'admin' });
    const built = await buildBundleJob(stack.ctx, lost.job.id);
    const lostPage = await (await app.request(`/bundles/${lost.job.id}`, { headers: { cookie: staff } })).text();

    // Assess
    expect(broken.outcome).toBe('failed');
    expect(broken.job).toMatchObject({ state: 'failed', leaseUntil: null });
    expect(broken.job?.error).toMatch(/^生成材料包时读写存储出错/);
    expect((await stack.ctx.records.bundleJobs.get(job.id))?.state).toBe('failed');
    expect(failedPage).toContain('材料包未能生成');
    expect(failedPage).toContain('生成材料包时读写存储出错');
    expect(failedPage).toContain('href="/bundles/new?base=p02"');
    expect(built.outcome).toBe('built');
    expect(built.job).toMatchObject({ state: 'ready', missing: 1 });
    expect(lostPage).toContain('有 1 个文件在存储中找不到');
  });
});
