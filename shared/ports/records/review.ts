import type { ExpertRecord, Objection, StoredDeduction, StoredPriorGrade } from '../../domain/review-records.ts';

/** The review board's records of a round: experts' sheets, earlier grades, manual deductions, objections. */
export interface ReviewRecords {
  /**
   * Writes an expert's review record only if the stored one still has `expectedVersion` (null: none may exist yet);
   * false when another write came first (the caller reads again and retries).
   */
  putExpert(record: ExpertRecord, expectedVersion: number | null): Promise<boolean>;
  /** An expert's review record of a round (strongly consistent), or null. */
  getExpert(roundId: string, expert: string): Promise<ExpertRecord | null>;
  /** Every expert's review record of a round, by name. */
  listExperts(roundId: string): Promise<ExpertRecord[]>;
  /** Stores an earlier grade staff entered for a base (replaces the one before). */
  savePriorGrade(grade: StoredPriorGrade): Promise<void>;
  /** Earlier grades staff entered in a round, by base id. */
  listPriorGrades(roundId: string): Promise<StoredPriorGrade[]>;
  /** Stores a manual deduction (replaces the one with its id). */
  saveDeduction(deduction: StoredDeduction): Promise<void>;
  /** Manual deductions of a round, those taken back included, by id. */
  listDeductions(roundId: string): Promise<StoredDeduction[]>;
  /** Stores an objection (replaces the one with its time and id, e.g. when its outcome is recorded). */
  saveObjection(objection: Objection): Promise<void>;
  /** Objections of a round, oldest first. */
  listObjections(roundId: string): Promise<Objection[]>;
}
