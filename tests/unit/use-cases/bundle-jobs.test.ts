/**
 * Package jobs on the in-memory records: the same package asked for at once is one job handed off once, other
 * files make another job, a hand-off that fails fails its job, a job past its time reads as failed; and the
 * bundle-build function's events name the jobs they carry.
 */
import { describe, expect, it } from 'vitest';
import { bundleJobIdsOf } from '../../../functions/shared/bundle-requests.ts';
import { bundleRequestKey } from '../../../shared/adapters/aws/s3-bundle-hand-off.ts';
import { memoryRecords } from '../../../shared/adapters/memory/records/index.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import type { BundlePlan } from '../../../shared/use-cases/bundle.ts';
import {
  BUNDLE_QUEUED_MS,
  BUNDLE_READY_MS,
  effectiveJob,
  requestBundleJob,
} from '../../../shared/use-cases/bundle-jobs.ts';
import { type AppContext, fixedClock } from '../../../shared/use-cases/context.ts';

const round = loadRound('2023');

function plan(size: number): BundlePlan {
  return {
    fileName: '邮拓直播电商基地 材料.zip',
    entries: [
      {
        path: '邮拓直播电商基地/其他/扫描件.jpg',
        blobKey: 'documents/aa',
        size,
        receivedAt: '2023-11-07T02:00:00Z',
        baseId: 'p02',
        baseName: '邮拓直播电商基地',
        cityName: '太原市',
        heading: '其他',
        originalName: '扫描件.jpg',
      },
    ],
    bases: [{ baseId: 'p02', name: '邮拓直播电商基地', city: 'taiyuan', cityName: '太原市', files: 1 }],
    totalBytes: size,
  };
}

function context(handOff: (jobId: string) => Promise<void>): AppContext {
  return {
    round,
    records: memoryRecords(),
    clock: fixedClock(new Date('2023-11-08T06:00:00Z')),
    bundles: { request: handOff },
  } as unknown as AppContext;
}

describe('package jobs', () => {
  it('makes one job of the same package asked for twice at once, and hands it off once', async () => {
    // Prepare
    const handed: string[] = [];
    const ctx = context(async (jobId) => {
      handed.push(jobId);
    });
    const ask = () => requestBundleJob(ctx, { scope: { base: 'p02' }, actor: 'admin', plan: plan(5_000_000) });

    // Act
    const [a, b] = await Promise.all([ask(), ask()]);
    const changed = await requestBundleJob(ctx, { scope: { base: 'p02' }, actor: 'admin', plan: plan(5_000_001) });

    // Assess
    expect(a.job.id).toBe(b.job.id);
    expect([a.reused, b.reused].sort()).toEqual([false, true]);
    expect(a.job).toMatchObject({
      state: 'queued',
      city: 'taiyuan',
      version: 1,
      blobKey: `bundles/files/${a.job.id}.zip`,
    });
    expect(changed.job.id).not.toBe(a.job.id);
    expect(handed).toEqual([a.job.id, changed.job.id]);
    expect((await ctx.records.audit.list('p02')).filter((e) => e.action === 'request-file-package')).toHaveLength(3);
  });

  it('fails the job when it cannot be handed off, and starts it again on the next request', async () => {
    // Prepare
    let up = false;
    const ctx = context(async () => {
      if (!up) throw new Error('S3 unavailable');
    });
    const ask = () => requestBundleJob(ctx, { scope: { base: 'p02' }, actor: 'admin', plan: plan(5_000_000) });

    // Act
    const refused = await ask().catch((error: Error) => error);
    const stored = await ctx.records.bundleJobs.get((await requestJobId(ctx)) ?? '');
    up = true;
    const again = await ask();

    // Assess
    expect(refused).toBeInstanceOf(Error);
    expect(stored).toMatchObject({ state: 'failed', error: '材料包生成任务未能提交，请稍后重新下载。' });
    expect(again).toMatchObject({ reused: false, job: { state: 'queued', version: 3 } });
  });

  it('reads a job no builder took up, or a package past its time, as failed with why', async () => {
    // Prepare
    const ctx = context(async () => {});
    const { job } = await requestBundleJob(ctx, { scope: { base: 'p02' }, actor: 'admin', plan: plan(1) });
    const created = Date.parse(job.createdAt);
    const ready = { ...job, state: 'ready' as const, expiresAt: new Date(created + BUNDLE_READY_MS).toISOString() };

    // Act
    const lost = effectiveJob(job, new Date(created + BUNDLE_QUEUED_MS));
    const waiting = effectiveJob(job, new Date(created + BUNDLE_QUEUED_MS - 1));
    const old = effectiveJob(ready, new Date(created + BUNDLE_READY_MS));

    // Assess
    expect(lost).toMatchObject({ state: 'failed', error: '材料包生成任务长时间未开始，请重新下载。' });
    expect(waiting.state).toBe('queued');
    expect(old.state).toBe('failed');
    expect(old.error).toContain('已超过保留时间');
  });
});

/** The id of the one job the in-memory records hold for p02's plan (found through the audit trail). */
async function requestJobId(ctx: AppContext): Promise<string | undefined> {
  const [event] = await ctx.records.audit.list('p02');
  return event?.details.jobId as string | undefined;
}

describe('bundle-build events', () => {
  it('takes the job ids of request objects, skips other keys, and takes a direct { jobId }', () => {
    // Prepare
    const id = 'a1'.repeat(16);
    const record = (key: string) => ({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      eventTime: '2023-11-08T06:00:00.000Z',
      awsRegion: 'cn-north-1',
      s3: { bucket: { name: 'b', arn: 'arn:aws:s3:::b' }, object: { key } },
    });

    // Act
    const fromS3 = bundleJobIdsOf({ Records: [record(bundleRequestKey(id)), record('ocr/requests/x/y.json')] });
    const direct = bundleJobIdsOf({ jobId: id });

    // Assess
    expect(fromS3).toEqual([id]);
    expect(direct).toEqual([id]);
    expect(() => bundleJobIdsOf({ jobId: '../x' })).toThrow(/invalid bundle-build invocation/);
  });
});
