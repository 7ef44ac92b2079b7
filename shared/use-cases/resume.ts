/**
 * Resuming intake that stopped part-way. Intake stores the raw message and records the submission (state
 * `received`, no base, no documents) before it reads the files; it sets `processed` (or `duplicate`) only when it is
 * done. A submission still `received` is therefore one whose intake was interrupted (a store failed, the process
 * died) — or one being read right now by another process. In AWS the queue redelivers the event; locally nothing
 * did, so `intake start` and `intake ingest` call this: each unfinished submission is read again from its raw copy
 * (same id, same records: intake finishes a `received` submission instead of calling it a duplicate).
 */
import type { Submission } from '../domain/records.ts';
import { BlobNotFoundError } from '../ports/index.ts';
import type { AppContext, UsingRecords } from './context.ts';
import { type IngestResult, ingestMessage, ingestStoredMessage } from './intake.ts';

/** How long a `received` submission may be in the works before another process takes it for interrupted. */
export const RESUME_AFTER_MS = 10 * 60 * 1000;

/** What resuming did. */
export interface ResumeReport {
  resumed: (IngestResult & { submissionId: string })[];
  /** Submissions that could not be finished, and why (Chinese, for staff). */
  failed: { submissionId: string; code: string; message: string }[];
}

/** Which unfinished submissions to take: see listUnfinishedSubmissions. */
export interface UnfinishedOptions {
  olderThanMs?: number;
  recordedBefore?: Date;
}

/**
 * Submissions whose intake never finished. With `olderThanMs`, only those recorded at least that long ago (when
 * another process may be reading one right now); with `recordedBefore`, only those recorded before that moment
 * (`intake start`: those of an earlier run, not a message its own SMTP listener is reading); else all.
 */
export async function listUnfinishedSubmissions(
  ctx: UsingRecords<'submissions', 'clock'>,
  options: UnfinishedOptions = {},
): Promise<Submission[]> {
  // A received submission has no base and no quarantine yet: it waits in the unmatched partition.
  const unmatched = await ctx.records.submissions.listUnmatched();
  return unmatched.filter((s) => s.state === 'received' && isUnfinished(ctx, s, options));
}

/** Whether a `received` submission counts as interrupted under the options (see listUnfinishedSubmissions). */
export function isUnfinished(
  ctx: Pick<AppContext, 'clock'>,
  submission: Submission,
  options: UnfinishedOptions,
): boolean {
  const recordedAt = Date.parse(submission.recordedAt);
  if (options.olderThanMs !== undefined && recordedAt > ctx.clock.now().getTime() - options.olderThanMs) return false;
  if (options.recordedBefore && recordedAt >= options.recordedBefore.getTime()) return false;
  return true;
}

/** Reads every unfinished submission again from its raw copy (see the module comment); never throws for one. */
export async function resumeUnfinished(
  ctx: AppContext,
  options: UnfinishedOptions & { onResumed?: (result: IngestResult) => void } = {},
): Promise<ResumeReport> {
  const report: ResumeReport = { resumed: [], failed: [] };
  for (const submission of await listUnfinishedSubmissions(ctx, options)) {
    try {
      const result = await resumeSubmission(ctx, submission);
      report.resumed.push(result);
      options.onResumed?.(result);
    } catch (error) {
      report.failed.push({
        submissionId: submission.id,
        code: error instanceof BlobNotFoundError ? 'store.raw-missing' : 'intake.resume-failed',
        message:
          error instanceof BlobNotFoundError
            ? `原始邮件 ${submission.rawKey} 已不在存储中，无法续收（运行 intake doctor）`
            : `续收失败：${(error as Error).message}`,
      });
    }
  }
  return report;
}

/** Reads one submission again from its raw copy: in memory when it fits, as a stream otherwise. */
export async function resumeSubmission(ctx: AppContext, submission: Submission): Promise<IngestResult> {
  const receivedAt = new Date(submission.receivedAt);
  if (Number.isFinite(submission.rawSize) && submission.rawSize <= ctx.limits.maxMessageBytes) {
    const raw = await ctx.blobs.get(submission.rawKey);
    return ingestMessage(ctx, {
      raw,
      channel: submission.channel,
      rawKey: submission.rawKey,
      receivedAt,
      receivedAtSource: submission.receivedAtSource === 'file-time' ? 'file-time' : 'transport',
    });
  }
  return ingestStoredMessage(ctx, { key: submission.rawKey, channel: submission.channel, receivedAt });
}
