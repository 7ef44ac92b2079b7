import type { SettledExample } from '../../../domain/records.ts';
import type { ExampleRecords } from '../../../ports/records/examples.ts';
import { Partitions } from './keyed.ts';

/** Files classified by hand, as examples, in memory: one per (round, document). */
export class MemoryExamples implements ExampleRecords {
  private readonly examples = new Partitions<SettledExample>();

  async save(example: SettledExample): Promise<void> {
    this.examples.set(example.roundId, example.documentId, example);
  }

  async list(roundId: string): Promise<SettledExample[]> {
    return this.examples.list(roundId);
  }
}
