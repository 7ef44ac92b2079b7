import type { AuditEvent } from '../../../domain/records.ts';
import type { AuditRecords } from '../../../ports/records/audit.ts';
import { ConditionalWriteError, Partitions } from './keyed.ts';

/** The audit trail in memory: appended, never replaced. */
export class MemoryAudit implements AuditRecords {
  private readonly events = new Partitions<AuditEvent>();

  async append(event: AuditEvent): Promise<void> {
    const pk = event.baseId ?? '-';
    const sk = `${event.at}#${event.id}`;
    if (this.events.has(pk, sk)) throw new ConditionalWriteError(`audit event ${sk}`);
    this.events.set(pk, sk, event);
  }

  async list(baseId: string | null): Promise<AuditEvent[]> {
    return this.events.list(baseId ?? '-', { newestFirst: true });
  }
}
