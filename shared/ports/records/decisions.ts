import type { Decision } from '../../domain/records.ts';

/** Staff decisions about a base (waivers, assignments, ...): the latest per kind and key is in force. */
export interface DecisionRecords {
  /** Records a decision (replaces the one of its kind and key). */
  save(decision: Decision): Promise<void>;
  /** The decisions in force (active) for a base, by kind and key. */
  list(baseId: string): Promise<Decision[]>;
}
