/**
 * File-package jobs (材料包生成任务): where a package too large for one Lambda response is built into the object
 * store asynchronously, and handed over as a presigned link once it is there (see ../../use-cases/bundle-jobs.ts).
 * One record per package id; the id is derived from what the package holds, so asking again for the same files
 * finds the same job. Written only at the version read (no transactions: dynalite has none).
 */

/** What a package job covers: one base, one city's participating bases, or the whole round. */
export type BundleJobScope = { base: string } | { city: string } | { all: true };

/** Where a job is: waiting for its builder, being built, in the store, or given up with a reason. */
export type BundleJobState = 'queued' | 'building' | 'ready' | 'failed';

/** A package job. */
export interface BundleJob {
  /** Derived from the round, the scope and the package's contents (32 hex digits). */
  id: string;
  roundId: string;
  scope: BundleJobScope;
  /** The city whose bureau may see the job (the base's or the city's); null for the whole round (staff only). */
  city: string | null;
  /** The zip's download name (Chinese). */
  fileName: string;
  /** SHA-256 of the package's plan (entries, their blobs and sizes, the bases): what makes it out of date. */
  fingerprint: string;
  /** Sum of the files' sizes when it was asked for. */
  plannedBytes: number;
  state: BundleJobState;
  /** Starts at 1; each write expects the version it read. */
  version: number;
  /** Who first asked for it (every request is audited on its own). */
  requestedBy: string;
  createdAt: string;
  updatedAt: string;
  /** While building: when a builder that has not finished is taken to have died (a timed-out function). */
  leaseUntil: string | null;
  /** Where the zip is (or will be) in the object store. */
  blobKey: string;
  /** Bytes of the zip, once ready. */
  bytes: number | null;
  /** Entries of the zip (files and the index), once ready. */
  entries: number | null;
  /** Files left out because the store no longer had them (listed in the index), once ready. */
  missing: number | null;
  /** Why it failed, in plain Chinese for staff; null otherwise. */
  error: string | null;
  readyAt: string | null;
  /** When a ready package is no longer handed out (the store expires it soon after); null until ready. */
  expiresAt: string | null;
}

/** Package jobs by id. */
export interface BundleJobRecords {
  /**
   * Writes a job only if the stored one still has `expectedVersion` (null: none may exist yet); false when another
   * writer came first.
   */
  put(job: BundleJob, expectedVersion: number | null): Promise<boolean>;
  /** A job by id (strongly consistent), or null. */
  get(id: string): Promise<BundleJob | null>;
}
