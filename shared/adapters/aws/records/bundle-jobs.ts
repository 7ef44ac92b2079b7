import type { BundleJob, BundleJobRecords } from '../../../ports/records/bundle-jobs.ts';
import { type SingleTable, versionCondition } from './single-table.ts';

/** Package jobs: BUNDLEJOB#<id>/BUNDLEJOB, versioned, read strongly consistent. */
export class DynamoDbBundleJobs implements BundleJobRecords {
  constructor(private readonly table: SingleTable) {}

  async put(job: BundleJob, expectedVersion: number | null): Promise<boolean> {
    const item = { pk: `BUNDLEJOB#${job.id}`, sk: 'BUNDLEJOB', version: job.version, data: job };
    return this.table.putIf(item, versionCondition(expectedVersion));
  }

  async get(id: string): Promise<BundleJob | null> {
    return this.table.get<BundleJob>(`BUNDLEJOB#${id}`, 'BUNDLEJOB', true);
  }
}
