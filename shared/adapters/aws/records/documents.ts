import type { DocumentRecord } from '../../../domain/records.ts';
import type { DocumentRecords } from '../../../ports/records/documents.ts';
import { partition, type SingleTable } from './single-table.ts';

/** Documents: SUB#<submissionId>/DOC#<sha256>, gsi1 BASE#<baseId> or UNMATCHED / DOC#<at>#<id>. */
export class DynamoDbDocuments implements DocumentRecords {
  constructor(private readonly table: SingleTable) {}

  async save(document: DocumentRecord): Promise<void> {
    await this.table.put({
      pk: `SUB#${document.submissionId}`,
      sk: `DOC#${document.sha256}`,
      gsi1pk: document.baseId ? `BASE#${document.baseId}` : 'UNMATCHED',
      gsi1sk: `DOC#${document.receivedAt}#${document.id}`,
      data: document,
    });
  }

  async listBySubmission(submissionId: string): Promise<DocumentRecord[]> {
    return this.table.query<DocumentRecord>(partition(`SUB#${submissionId}`, { prefix: 'DOC#' }));
  }

  async listByBase(baseId: string): Promise<DocumentRecord[]> {
    return this.table.query<DocumentRecord>(partition(`BASE#${baseId}`, { index: 'gsi1', prefix: 'DOC#' }));
  }
}
