import type { AuditEvent } from '../../../domain/records.ts';
import type { AuditRecords } from '../../../ports/records/audit.ts';
import { ABSENT, partition, type SingleTable } from './single-table.ts';

/** The audit trail: AUDIT#<baseId or -> / <at>#<id>, never overwritten. */
export class DynamoDbAudit implements AuditRecords {
  constructor(private readonly table: SingleTable) {}

  async append(event: AuditEvent): Promise<void> {
    await this.table.put({ pk: `AUDIT#${event.baseId ?? '-'}`, sk: `${event.at}#${event.id}`, data: event }, ABSENT);
  }

  async list(baseId: string | null): Promise<AuditEvent[]> {
    return this.table.query<AuditEvent>(partition(`AUDIT#${baseId ?? '-'}`, { newestFirst: true }));
  }
}
