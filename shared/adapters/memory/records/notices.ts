import type { NoticeRecord } from '../../../domain/records.ts';
import type { NoticeRecords } from '../../../ports/records/notices.ts';
import { ordered, Partitions } from './keyed.ts';

/** Notices in memory, by city. */
export class MemoryNotices implements NoticeRecords {
  private readonly notices = new Partitions<NoticeRecord>();

  async save(notice: NoticeRecord): Promise<void> {
    this.notices.set(notice.city, `${notice.asOf}#${notice.id}`, notice);
  }

  async list(city?: string): Promise<NoticeRecord[]> {
    if (city) return this.notices.list(city, { newestFirst: true });
    return ordered(this.notices.all(), (notice) => `${notice.asOf}#${notice.city}#${notice.id}`, true);
  }
}
