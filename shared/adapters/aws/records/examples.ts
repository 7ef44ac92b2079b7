import type { SettledExample } from '../../../domain/records.ts';
import type { ExampleRecords } from '../../../ports/records/examples.ts';
import { partition, type SingleTable } from './single-table.ts';

/** Files classified by hand, as examples: EXAMPLE#<roundId>/<documentId>. */
export class DynamoDbExamples implements ExampleRecords {
  constructor(private readonly table: SingleTable) {}

  async save(example: SettledExample): Promise<void> {
    await this.table.put({ pk: `EXAMPLE#${example.roundId}`, sk: example.documentId, data: example });
  }

  async list(roundId: string): Promise<SettledExample[]> {
    return this.table.query<SettledExample>(partition(`EXAMPLE#${roundId}`));
  }
}
