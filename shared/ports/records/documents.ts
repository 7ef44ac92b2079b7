import type { DocumentRecord } from '../../domain/records.ts';

/** Documents, one per (submission, content hash). */
export interface DocumentRecords {
  /** Creates or replaces a document record (the same bytes in the same submission are one record). */
  save(document: DocumentRecord): Promise<void>;
  /** Documents of a submission, by content hash. */
  listBySubmission(submissionId: string): Promise<DocumentRecord[]>;
  /** Documents of a base, oldest first. */
  listByBase(baseId: string): Promise<DocumentRecord[]>;
}
