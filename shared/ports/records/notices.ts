import type { NoticeRecord } from '../../domain/records.ts';

/** Notices sent, failed or previewed (the record of what went out; claims decide that it goes once). */
export interface NoticeRecords {
  /** Records a notice (replaces one of its city, as-of and id). */
  save(notice: NoticeRecord): Promise<void>;
  /** Notices of a city, newest first; all cities when none is given. */
  list(city?: string): Promise<NoticeRecord[]>;
}
