import type { BundleJob, BundleJobRecords } from '../../../ports/records/bundle-jobs.ts';
import { copy } from './keyed.ts';

/** Package jobs in memory, written only at the version the writer read. */
export class MemoryBundleJobs implements BundleJobRecords {
  private readonly jobs = new Map<string, BundleJob>();

  async put(job: BundleJob, expectedVersion: number | null): Promise<boolean> {
    const stored = this.jobs.get(job.id);
    if (expectedVersion === null ? stored !== undefined : stored?.version !== expectedVersion) return false;
    this.jobs.set(job.id, copy(job));
    return true;
  }

  async get(id: string): Promise<BundleJob | null> {
    const job = this.jobs.get(id);
    return job ? copy(job) : null;
  }
}
