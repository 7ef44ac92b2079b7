import type { Decision } from '../../../domain/records.ts';
import type { DecisionRecords } from '../../../ports/records/decisions.ts';
import { partition, type SingleTable } from './single-table.ts';

/** Staff decisions: BASE#<baseId>/DECISION#<kind>#<key>. */
export class DynamoDbDecisions implements DecisionRecords {
  constructor(private readonly table: SingleTable) {}

  async save(decision: Decision): Promise<void> {
    await this.table.put({
      pk: `BASE#${decision.baseId}`,
      sk: `DECISION#${decision.kind}#${decision.key}`,
      data: decision,
    });
  }

  async list(baseId: string): Promise<Decision[]> {
    const all = await this.table.query<Decision>(partition(`BASE#${baseId}`, { prefix: 'DECISION#' }));
    return all.filter((decision) => decision.active);
  }
}
