import type { NoticeRecord } from '../../../domain/records.ts';
import type { NoticeRecords } from '../../../ports/records/notices.ts';
import { partition, type SingleTable } from './single-table.ts';

/** Notices: NOTICE#<city>/<asOf>#<id>, gsi2 NOTICE / <asOf>#<city>#<id>. */
export class DynamoDbNotices implements NoticeRecords {
  constructor(private readonly table: SingleTable) {}

  async save(notice: NoticeRecord): Promise<void> {
    await this.table.put({
      pk: `NOTICE#${notice.city}`,
      sk: `${notice.asOf}#${notice.id}`,
      gsi2pk: 'NOTICE',
      gsi2sk: `${notice.asOf}#${notice.city}#${notice.id}`,
      data: notice,
    });
  }

  async list(city?: string): Promise<NoticeRecord[]> {
    return this.table.query<NoticeRecord>(
      city
        ? partition(`NOTICE#${city}`, { newestFirst: true })
        : partition('NOTICE', { index: 'gsi2', newestFirst: true }),
    );
  }
}
