import type { SessionRecord, SessionRecords } from '../../../ports/records/sessions.ts';
import type { SingleTable } from './single-table.ts';

/** Sessions: SESSION#<key>/SESSION, read strongly consistent. */
export class DynamoDbSessions implements SessionRecords {
  constructor(private readonly table: SingleTable) {}

  async save(session: SessionRecord): Promise<void> {
    await this.table.put({ pk: `SESSION#${session.key}`, sk: 'SESSION', data: session });
  }

  async get(key: string): Promise<SessionRecord | null> {
    return this.table.get<SessionRecord>(`SESSION#${key}`, 'SESSION', true);
  }
}
