import type { Decision } from '../../../domain/records.ts';
import type { DecisionRecords } from '../../../ports/records/decisions.ts';
import { Partitions } from './keyed.ts';

/** Staff decisions in memory: the latest per base, kind and key. */
export class MemoryDecisions implements DecisionRecords {
  private readonly decisions = new Partitions<Decision>();

  async save(decision: Decision): Promise<void> {
    this.decisions.set(decision.baseId, `${decision.kind}#${decision.key}`, decision);
  }

  async list(baseId: string): Promise<Decision[]> {
    return this.decisions.list(baseId).filter((decision) => decision.active);
  }
}
