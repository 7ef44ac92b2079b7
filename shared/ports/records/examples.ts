import type { SettledExample } from '../../domain/records.ts';

/** Files staff classified by hand, as examples for the classifier: one per (round, document), the last standing. */
export interface ExampleRecords {
  /** Stores the example, replacing the document's earlier one. */
  save(example: SettledExample): Promise<void>;
  /** The examples of a round. */
  list(roundId: string): Promise<SettledExample[]>;
}
