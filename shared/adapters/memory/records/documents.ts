import type { DocumentRecord } from '../../../domain/records.ts';
import type { DocumentRecords } from '../../../ports/records/documents.ts';
import { ordered, Partitions } from './keyed.ts';

/** Documents in memory: one per (submission, content hash). */
export class MemoryDocuments implements DocumentRecords {
  private readonly documents = new Partitions<DocumentRecord>();

  async save(document: DocumentRecord): Promise<void> {
    this.documents.set(document.submissionId, document.sha256, document);
  }

  async listBySubmission(submissionId: string): Promise<DocumentRecord[]> {
    return this.documents.list(submissionId);
  }

  async listByBase(baseId: string): Promise<DocumentRecord[]> {
    const ofBase = this.documents.all().filter((document) => document.baseId && document.baseId === baseId);
    return ordered(ofBase, (document) => `DOC#${document.receivedAt}#${document.id}`);
  }
}
