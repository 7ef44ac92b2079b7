/**
 * File packages built in the background (材料包后台生成): where a package cannot pass through one response (behind
 * API Gateway a Lambda answer stops at ~6 MB), it is built into the object store by a builder of its own and handed
 * over as a short-lived presigned link.
 *
 * - request: plans the package (reads no file), and finds or starts its job. The job id is derived from the round,
 *   the scope and the plan's fingerprint (which files, their blobs and sizes, where they go), so the same package
 *   asked for again — twice at once, or later while nothing changed — is the same job: one that is queued, building
 *   or ready (and not expired) is reused; one that failed, expired or whose builder died is started again. Once the
 *   files change, the fingerprint and so the job are new. Each request is audited.
 * - build: claims the job (queued → building, a conditional write at the version read: one builder wins), streams
 *   the zip (../use-cases/bundle.ts) into the store as it is written (a multipart upload: never whole in memory) and
 *   records it ready, or failed with a reason in plain Chinese. A builder that dies (a function timed out) leaves its
 *   job building; past its lease the job reads as failed, and the next request starts it again — never stuck.
 * - hand-off: `ctx.bundles` (AWS: a request object that invokes the bundle-build function); without one the build
 *   runs in this process, detached from the request (the local stack), guarded by the job record all the same.
 *
 * Times of the jobs (leases, expiry) are wall time (`now`), not the round clock, which `--as-of` and tests move.
 */
import { createHash, randomUUID } from 'node:crypto';
import { PassThrough, pipeline } from 'node:stream';
import { type CityId, cityIdSchema } from '../domain/catalogue.ts';
import { isIntakeError } from '../domain/errors.ts';
import type { BundleJob, BundleJobScope } from '../ports/index.ts';
import { type BundlePlan, type BundleScope, planBundle, streamBundle } from './bundle.ts';
import type { AppContext } from './context.ts';

/** Where built packages are stored; the bucket's lifecycle removes everything under `bundles/` after a day or two. */
export const BUNDLE_FILES_PREFIX = 'bundles/files/';
/** The builder's time limit (the bundle-build function's timeout): 15 minutes, Lambda's most. */
export const BUNDLE_BUILD_SECONDS = 15 * 60;
/** A building job whose builder has not finished this long after it started is taken to have died. */
export const BUNDLE_LEASE_MS = (BUNDLE_BUILD_SECONDS + 60) * 1000;
/** A queued job that no builder took up in this time is taken as lost (its invocation went to the DLQ). */
export const BUNDLE_QUEUED_MS = 60 * 60 * 1000;
/** How long a ready package is handed out (the store keeps it at least a day). */
export const BUNDLE_READY_MS = 12 * 60 * 60 * 1000;
/** How long a presigned link to a ready package works. */
export const BUNDLE_LINK_SECONDS = 15 * 60;

const systemNow = () => new Date();

/** The job a request found or started, and whether it was there already. */
export interface RequestedBundleJob {
  job: BundleJob;
  reused: boolean;
}

/** What a build run did: built the package, recorded a failure, or left the job (another builder has it, or done). */
export interface BundleBuildOutcome {
  outcome: 'built' | 'failed' | 'skipped';
  job: BundleJob | null;
  /** The error behind a failure, for the log (the job records the Chinese reason). */
  error?: unknown;
}

/** The fingerprint of a plan: what decides whether a built package still holds today's files. */
export function planFingerprint(plan: BundlePlan): string {
  const hash = createHash('sha256');
  hash.update(plan.fileName);
  for (const e of plan.entries) hash.update(`\n${e.path}\t${e.blobKey}\t${e.size}\t${e.heading}\t${e.receivedAt}`);
  for (const b of plan.bases) hash.update(`\n#${b.baseId}\t${b.name}\t${b.files}`);
  return hash.digest('hex');
}

/** A job id: the round, the scope and the fingerprint, hashed (32 hex digits). */
export function bundleJobId(roundId: string, scope: BundleJobScope, fingerprint: string): string {
  return createHash('sha256')
    .update(`${roundId}\n${scopeKey(scope)}\n${fingerprint}`)
    .digest('hex')
    .slice(0, 32);
}

function scopeKey(scope: BundleJobScope): string {
  return 'base' in scope ? `base:${scope.base}` : 'city' in scope ? `city:${scope.city}` : 'all';
}

/** A job's scope as the package planner takes it. */
export function planScopeOf(scope: BundleJobScope): BundleScope {
  if ('base' in scope) return { base: scope.base };
  if ('city' in scope) return { city: cityIdSchema.parse(scope.city) as CityId };
  return { all: true };
}

/**
 * Finds or starts the job of a package (see the module's notes), audits the request and, for a started job, hands
 * it to the builder. `plan` is the package as planned just now, when the caller has it.
 */
export async function requestBundleJob(
  ctx: AppContext,
  input: { scope: BundleScope; actor: string; plan?: BundlePlan },
  options: { now?: () => Date } = {},
): Promise<RequestedBundleJob> {
  const now = options.now ?? systemNow;
  const plan = input.plan ?? (await planBundle(ctx, input.scope));
  const scope: BundleJobScope = input.scope;
  const fingerprint = planFingerprint(plan);
  const id = bundleJobId(ctx.round.id, scope, fingerprint);
  let found = await ctx.records.bundleJobs.get(id);
  let reused = found !== null && usable(found, now());
  let job: BundleJob;
  if (found && reused) {
    job = found;
  } else {
    const at = now().toISOString();
    job = {
      id,
      roundId: ctx.round.id,
      scope,
      city: 'base' in scope ? (plan.bases[0]?.city ?? null) : 'city' in scope ? scope.city : null,
      fileName: plan.fileName,
      fingerprint,
      plannedBytes: plan.totalBytes,
      state: 'queued',
      version: (found?.version ?? 0) + 1,
      requestedBy: input.actor,
      createdAt: at,
      updatedAt: at,
      leaseUntil: null,
      blobKey: `${BUNDLE_FILES_PREFIX}${id}.zip`,
      bytes: null,
      entries: null,
      missing: null,
      error: null,
      readyAt: null,
      expiresAt: null,
    };
    if (!(await ctx.records.bundleJobs.put(job, found?.version ?? null))) {
      // Another request started it a moment ago: that one is the job.
      found = await ctx.records.bundleJobs.get(id);
      if (!found) throw new Error(`package job ${id} vanished while it was written`);
      job = found;
      reused = true;
    }
  }
  await ctx.records.audit.append({
    id: randomUUID(),
    at: ctx.clock.now().toISOString(),
    actor: input.actor,
    action: 'request-file-package',
    baseId: 'base' in scope ? scope.base : null,
    submissionId: null,
    reason: '下载材料包（后台生成）',
    details: {
      fileName: plan.fileName,
      ...('base' in scope ? {} : { city: 'city' in scope ? scope.city : '全省' }),
      files: plan.entries.length,
      bytes: plan.totalBytes,
      jobId: id,
      reused,
    },
  });
  if (!reused) await handOff(ctx, job, now);
  return { job, reused };
}

/** Whether a stored job stands for its package: queued or building and alive, or ready and not expired. */
function usable(job: BundleJob, at: Date): boolean {
  return effectiveJob(job, at).state !== 'failed';
}

function expired(job: BundleJob, at: Date): boolean {
  return job.expiresAt !== null && Date.parse(job.expiresAt) <= at.getTime();
}

/** Gives a started job to the builder; a hand-off that fails fails the job (and the request). */
async function handOff(ctx: AppContext, job: BundleJob, now: () => Date): Promise<void> {
  if (!ctx.bundles) {
    // Detached from the request: the build records its own outcome; a failure to record it is all that is left.
    void buildBundleJob(ctx, job.id, { now }).catch((error: unknown) => {
      console.error(`package job ${job.id}: the build could not record its outcome`, error);
    });
    return;
  }
  try {
    await ctx.bundles.request(job.id);
  } catch (error) {
    await finish(ctx, job, { state: 'failed', error: '材料包生成任务未能提交，请稍后重新下载。' }, now);
    throw error;
  }
}

/**
 * Builds a job's package (the builder's side): claims it, streams the zip into the store, records the outcome.
 * A job that is not queued is left alone (another builder has it, or it is done), but a building job past its lease
 * is recorded failed. Throws only when the outcome cannot be recorded.
 */
export async function buildBundleJob(
  ctx: AppContext,
  jobId: string,
  options: { now?: () => Date } = {},
): Promise<BundleBuildOutcome> {
  const now = options.now ?? systemNow;
  const job = await ctx.records.bundleJobs.get(jobId);
  if (!job) return { outcome: 'skipped', job: null };
  if (job.state === 'building' && Date.parse(job.leaseUntil ?? '') <= now().getTime()) {
    const failed = await finish(ctx, job, { state: 'failed', error: timedOut() }, now);
    return { outcome: failed ? 'failed' : 'skipped', job: failed };
  }
  if (job.state !== 'queued') return { outcome: 'skipped', job };
  const started = now();
  const building: BundleJob = {
    ...job,
    state: 'building',
    version: job.version + 1,
    updatedAt: started.toISOString(),
    leaseUntil: new Date(started.getTime() + BUNDLE_LEASE_MS).toISOString(),
  };
  if (!(await ctx.records.bundleJobs.put(building, job.version))) return { outcome: 'skipped', job };

  let result: { bytes: number; entries: number; missing: number };
  try {
    result = await writePackage(ctx, building);
  } catch (error) {
    const failed = await finish(ctx, building, { state: 'failed', error: failureText(error) }, now);
    return { outcome: failed ? 'failed' : 'skipped', job: failed, error };
  }
  const readyAt = now();
  const ready = await finish(
    ctx,
    building,
    {
      state: 'ready',
      ...result,
      readyAt: readyAt.toISOString(),
      expiresAt: new Date(readyAt.getTime() + BUNDLE_READY_MS).toISOString(),
    },
    now,
  );
  return { outcome: ready ? 'built' : 'skipped', job: ready };
}

/** Plans the package again (the files as they are now) and streams its zip into the store. */
async function writePackage(
  ctx: AppContext,
  job: BundleJob,
): Promise<{ bytes: number; entries: number; missing: number }> {
  const plan = await planBundle(ctx, planScopeOf(job.scope));
  const { stream, done } = streamBundle(ctx, plan);
  // The zip is archiver's stream (readable-stream's class, which the S3 multipart upload does not take for a stream):
  // piped through a Node stream, which a failing zip destroys too.
  const body = new PassThrough();
  pipeline(stream, body, () => {});
  // A store that gives up must end the zip too, or the zip would wait for a reader forever.
  const stored = ctx.blobs.put(job.blobKey, body, { contentType: 'application/zip' }).catch((error: unknown) => {
    stream.destroy(error as Error);
    throw error;
  });
  const [result] = await Promise.all([done, stored]);
  return { bytes: result.bytes, entries: result.entries, missing: result.missing.length };
}

/** Records a job's outcome at the version read; null when someone else wrote it first. */
async function finish(
  ctx: AppContext,
  job: BundleJob,
  change: Partial<BundleJob> & Pick<BundleJob, 'state'>,
  now: () => Date,
): Promise<BundleJob | null> {
  const next: BundleJob = {
    ...job,
    ...change,
    version: job.version + 1,
    updatedAt: now().toISOString(),
    leaseUntil: null,
  };
  return (await ctx.records.bundleJobs.put(next, job.version)) ? next : null;
}

function timedOut(): string {
  return `材料包生成超过${BUNDLE_BUILD_SECONDS / 60}分钟仍未完成，已停止。请重新下载；材料较多时，可改为按地市或按基地分别下载。`;
}

/** The reason of a failed build in plain Chinese: the system's own message where it has one. */
function failureText(error: unknown): string {
  if (isIntakeError(error)) return `生成材料包时出错：${error.messageZh}。请稍后重新下载。`;
  return '生成材料包时读写存储出错，未能完成。请稍后重新下载；如仍不成功，请联系系统管理员。';
}

/**
 * A job as it stands at `at`: a building job past its lease, or a queued one no builder took up in time, reads as
 * failed (with why), so nobody waits on a builder that is gone.
 */
export function effectiveJob(job: BundleJob, at: Date): BundleJob {
  if (job.state === 'building' && Date.parse(job.leaseUntil ?? '') <= at.getTime()) {
    return { ...job, state: 'failed', error: timedOut() };
  }
  if (job.state === 'queued' && Date.parse(job.updatedAt) + BUNDLE_QUEUED_MS <= at.getTime()) {
    return { ...job, state: 'failed', error: '材料包生成任务长时间未开始，请重新下载。' };
  }
  if (job.state === 'ready' && expired(job, at)) {
    return { ...job, state: 'failed', error: '材料包已超过保留时间（生成后12小时），请重新下载。' };
  }
  return job;
}

/** A job as it stands now, or null when there is none. */
export async function getBundleJob(
  ctx: AppContext,
  jobId: string,
  options: { now?: () => Date } = {},
): Promise<BundleJob | null> {
  if (!/^[0-9a-f]{32}$/.test(jobId)) return null;
  const job = await ctx.records.bundleJobs.get(jobId);
  return job ? effectiveJob(job, (options.now ?? systemNow)()) : null;
}

/**
 * A presigned link to a ready package, served as a download under its Chinese name (the caller formats the
 * Content-Disposition); null when the job is not ready, has expired, or the store issues no links.
 */
export async function bundleDownloadLink(
  ctx: AppContext,
  job: BundleJob,
  contentDisposition: string,
  options: { now?: () => Date } = {},
): Promise<{ url: string; expiresAt: string } | null> {
  const at = (options.now ?? systemNow)();
  const presign = ctx.blobs.presignedDownloadUrl;
  if (job.state !== 'ready' || expired(job, at) || !presign) return null;
  const url = await presign.call(ctx.blobs, job.blobKey, {
    contentDisposition,
    contentType: 'application/zip',
    expiresIn: BUNDLE_LINK_SECONDS,
  });
  return { url, expiresAt: new Date(at.getTime() + BUNDLE_LINK_SECONDS * 1000).toISOString() };
}
