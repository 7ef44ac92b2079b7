import type { ExpertRecord, Objection, StoredDeduction, StoredPriorGrade } from '../../../domain/review-records.ts';
import type { ReviewRecords } from '../../../ports/records/review.ts';
import { partition, type SingleTable, versionCondition } from './single-table.ts';

/**
 * The review board's records, in the round's partition REVIEW#<roundId>: EXPERT#<expert> (versioned),
 * PRIOR#<baseId>, DEDUCT#<id>, OBJECTION#<at>#<id>.
 */
export class DynamoDbReview implements ReviewRecords {
  constructor(private readonly table: SingleTable) {}

  async putExpert(record: ExpertRecord, expectedVersion: number | null): Promise<boolean> {
    return this.table.putIf(
      { pk: `REVIEW#${record.roundId}`, sk: `EXPERT#${record.expert}`, version: record.version, data: record },
      versionCondition(expectedVersion),
    );
  }

  async getExpert(roundId: string, expert: string): Promise<ExpertRecord | null> {
    return this.table.get<ExpertRecord>(`REVIEW#${roundId}`, `EXPERT#${expert}`, true);
  }

  async listExperts(roundId: string): Promise<ExpertRecord[]> {
    return this.table.query<ExpertRecord>(partition(`REVIEW#${roundId}`, { prefix: 'EXPERT#' }));
  }

  async savePriorGrade(grade: StoredPriorGrade): Promise<void> {
    await this.table.put({ pk: `REVIEW#${grade.roundId}`, sk: `PRIOR#${grade.baseId}`, data: grade });
  }

  async listPriorGrades(roundId: string): Promise<StoredPriorGrade[]> {
    return this.table.query<StoredPriorGrade>(partition(`REVIEW#${roundId}`, { prefix: 'PRIOR#' }));
  }

  async saveDeduction(deduction: StoredDeduction): Promise<void> {
    await this.table.put({ pk: `REVIEW#${deduction.roundId}`, sk: `DEDUCT#${deduction.id}`, data: deduction });
  }

  async listDeductions(roundId: string): Promise<StoredDeduction[]> {
    return this.table.query<StoredDeduction>(partition(`REVIEW#${roundId}`, { prefix: 'DEDUCT#' }));
  }

  async saveObjection(objection: Objection): Promise<void> {
    // The sort key keeps the first recording time, so an outcome recorded later does not move the objection.
    await this.table.put({
      pk: `REVIEW#${objection.roundId}`,
      sk: `OBJECTION#${objection.at}#${objection.id}`,
      data: objection,
    });
  }

  async listObjections(roundId: string): Promise<Objection[]> {
    return this.table.query<Objection>(partition(`REVIEW#${roundId}`, { prefix: 'OBJECTION#' }));
  }
}
