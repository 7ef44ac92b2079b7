import type { Base } from '../../../domain/catalogue.ts';
import type { RegisteredBaseRecords } from '../../../ports/records/registered-bases.ts';
import { partition, type SingleTable } from './single-table.ts';

/** Bases registered during a round: ROUND#<roundId>/BASE#<baseId>. */
export class DynamoDbRegisteredBases implements RegisteredBaseRecords {
  constructor(private readonly table: SingleTable) {}

  async list(roundId: string): Promise<Base[]> {
    return this.table.query<Base>(partition(`ROUND#${roundId}`, { prefix: 'BASE#' }));
  }

  async save(roundId: string, base: Base): Promise<void> {
    await this.table.put({ pk: `ROUND#${roundId}`, sk: `BASE#${base.id}`, data: base });
  }
}
