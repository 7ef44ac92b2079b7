import type { ExpertRecord, Objection, StoredDeduction, StoredPriorGrade } from '../../../domain/review-records.ts';
import type { ReviewRecords } from '../../../ports/records/review.ts';
import { Partitions } from './keyed.ts';

/** The review board's records in memory, by round. */
export class MemoryReview implements ReviewRecords {
  private readonly experts = new Partitions<ExpertRecord>();
  private readonly priorGrades = new Partitions<StoredPriorGrade>();
  private readonly deductions = new Partitions<StoredDeduction>();
  private readonly objections = new Partitions<Objection>();

  async putExpert(record: ExpertRecord, expectedVersion: number | null): Promise<boolean> {
    const stored = this.experts.get(record.roundId, record.expert);
    if (expectedVersion === null ? stored !== null : stored?.version !== expectedVersion) return false;
    this.experts.set(record.roundId, record.expert, record);
    return true;
  }

  async getExpert(roundId: string, expert: string): Promise<ExpertRecord | null> {
    return this.experts.get(roundId, expert);
  }

  async listExperts(roundId: string): Promise<ExpertRecord[]> {
    return this.experts.list(roundId);
  }

  async savePriorGrade(grade: StoredPriorGrade): Promise<void> {
    this.priorGrades.set(grade.roundId, grade.baseId, grade);
  }

  async listPriorGrades(roundId: string): Promise<StoredPriorGrade[]> {
    return this.priorGrades.list(roundId);
  }

  async saveDeduction(deduction: StoredDeduction): Promise<void> {
    this.deductions.set(deduction.roundId, deduction.id, deduction);
  }

  async listDeductions(roundId: string): Promise<StoredDeduction[]> {
    return this.deductions.list(roundId);
  }

  async saveObjection(objection: Objection): Promise<void> {
    this.objections.set(objection.roundId, `${objection.at}#${objection.id}`, objection);
  }

  async listObjections(roundId: string): Promise<Objection[]> {
    return this.objections.list(roundId);
  }
}
