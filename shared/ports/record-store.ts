import type { Base } from '../domain/catalogue.ts';
import type { AuditEvent, BaseStatus, DocumentRecord, NoticeRecord, Sender, Submission } from '../domain/records.ts';

/** Durable records of submissions, documents, statuses and notices (DynamoDB; dynalite locally). */
export interface RecordStore {
  /** Creates a submission unless one with its id exists; tells which happened (no overwrite, ever). */
  createSubmission(submission: Submission): Promise<'created' | 'exists'>;
  /** Replaces a submission that exists. */
  saveSubmission(submission: Submission): Promise<void>;
  /** Reads a submission, or null. */
  getSubmission(id: string): Promise<Submission | null>;
  /** Claims a Message-ID for a submission; returns the id of the submission that holds it (itself if first). */
  claimMessageId(messageId: string, submissionId: string): Promise<string>;
  /** Submissions of a base, oldest first. */
  listSubmissionsByBase(baseId: string): Promise<Submission[]>;
  /** Submissions that no base could be found for, oldest first. */
  listUnmatchedSubmissions(): Promise<Submission[]>;
  /** Submissions held back because the receiving service's verdicts failed, oldest first. */
  listQuarantinedSubmissions(): Promise<Submission[]>;
  /** Creates or replaces a document record. */
  saveDocument(document: DocumentRecord): Promise<void>;
  /** Documents of a submission. */
  listDocumentsBySubmission(submissionId: string): Promise<DocumentRecord[]>;
  /** Documents of a base, oldest first. */
  listDocumentsByBase(baseId: string): Promise<DocumentRecord[]>;
  /** Stores the latest computed status of a base. */
  saveBaseStatus(status: BaseStatus): Promise<void>;
  /** Latest computed statuses, all or of one city. */
  listBaseStatuses(city?: string): Promise<BaseStatus[]>;
  /** Bases registered by staff during the round (the registry's other bases are round data). */
  listRegisteredBases(roundId: string): Promise<Base[]>;
  /** Registers a base (city-recommended, new this round). */
  saveRegisteredBase(roundId: string, base: Base): Promise<void>;
  /** The base an address was confirmed for, or null. */
  getSender(address: string): Promise<Sender | null>;
  /** Remembers that an address sends for a base. */
  saveSender(sender: Sender): Promise<void>;
  /** Appends an event to the audit trail. */
  appendAudit(event: AuditEvent): Promise<void>;
  /** Audit events of a base (or of actions not tied to one: baseId null), newest first. */
  listAudit(baseId: string | null): Promise<AuditEvent[]>;
  /** Records a notice (sent, failed or previewed). */
  saveNotice(notice: NoticeRecord): Promise<void>;
  /** Notices of a city, newest first; all cities when none is given. */
  listNotices(city?: string): Promise<NoticeRecord[]>;
}
