import type { AuditEvent } from '../../domain/records.ts';

/** The audit trail: events appended, never replaced. */
export interface AuditRecords {
  /** Appends an event; throws when an event of the same time and id is stored already. */
  append(event: AuditEvent): Promise<void>;
  /** Audit events of a base (or of actions not tied to one: baseId null), newest first. */
  list(baseId: string | null): Promise<AuditEvent[]>;
}
