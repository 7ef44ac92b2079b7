import type { BaseStatus } from '../../domain/records.ts';

/** A base's computed status and the revision counter its evaluations are ordered by. */
export interface StatusRecords {
  /** Stores a computed status of a base unless one computed from a later revision is stored; tells which. */
  save(status: BaseStatus, revision?: number): Promise<'saved' | 'stale'>;
  /** Latest computed statuses, all or of one city, by city and base id. */
  list(city?: string): Promise<BaseStatus[]>;
  /** The same, each with the revision it was computed from. */
  listWithRevisions(city?: string): Promise<{ status: BaseStatus; revision: number }[]>;
  /** The base's revision: a counter raised whenever something the evaluation reads changes for it (0 at first). */
  getRevision(baseId: string): Promise<number>;
  /** The revisions of several bases in few requests (consistent reads; 0 for a base never changed). */
  getRevisions(baseIds: readonly string[]): Promise<Map<string, number>>;
  /** Raises the base's revision by one (optimistic, retried on conflict) and returns the new value. */
  bumpRevision(baseId: string): Promise<number>;
}
