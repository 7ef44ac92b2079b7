import type { BaseStatus } from '../../../domain/records.ts';
import type { StatusRecords } from '../../../ports/records/statuses.ts';
import { copy, ordered } from './keyed.ts';

/** Base statuses and revisions in memory. */
export class MemoryStatuses implements StatusRecords {
  private readonly statuses = new Map<string, { status: BaseStatus; revision: number }>();
  private readonly revisions = new Map<string, number>();

  async save(status: BaseStatus, revision = 0): Promise<'saved' | 'stale'> {
    const stored = this.statuses.get(status.baseId);
    if (stored && stored.revision > revision) return 'stale';
    this.statuses.set(status.baseId, { status: copy(status), revision });
    return 'saved';
  }

  async list(city?: string): Promise<BaseStatus[]> {
    const statuses = [...this.statuses.values()]
      .map((stored) => stored.status)
      .filter((status) => city === undefined || city === '' || status.city === city);
    return ordered(statuses, (status) => `CITY#${status.city}#${status.baseId}`);
  }

  async listWithRevisions(city?: string): Promise<{ status: BaseStatus; revision: number }[]> {
    const stored = [...this.statuses.values()].filter(
      ({ status }) => city === undefined || city === '' || status.city === city,
    );
    return ordered(stored, ({ status }) => `CITY#${status.city}#${status.baseId}`);
  }

  async getRevisions(baseIds: readonly string[]): Promise<Map<string, number>> {
    return new Map(baseIds.map((id) => [id, this.revisions.get(id) ?? 0]));
  }

  async getRevision(baseId: string): Promise<number> {
    return this.revisions.get(baseId) ?? 0;
  }

  async bumpRevision(baseId: string): Promise<number> {
    const next = (this.revisions.get(baseId) ?? 0) + 1;
    this.revisions.set(baseId, next);
    return next;
  }
}
