import type { Base } from '../domain/catalogue.ts';
import type { AddressStatus, NoticeClaim } from '../domain/notice-claims.ts';
import type {
  AuditEvent,
  BaseStatus,
  CityRecord,
  Decision,
  DocumentRecord,
  NoticeRecord,
  Sender,
  Submission,
  VocabularyWord,
} from '../domain/records.ts';
import type { ExpertRecord, Objection, StoredDeduction, StoredPriorGrade } from '../domain/review-records.ts';

/**
 * A signed-in session kept on the server, so that signing out or removing an account ends it (see
 * ../access/sessions.ts). Keyed by a hash of the session id the cookie carries.
 */
export interface SessionRecord {
  /** SHA-256 (hex) of the session id. */
  key: string;
  name: string;
  role: 'staff' | 'bureau';
  city: string | null;
  via: 'password' | 'city-link' | 'cognito';
  /** For a local account: a MAC of its password hash, so a changed password ends its sessions. */
  account?: string;
  createdAt: string;
  expiresAt: string;
  /** Set when the session was ended (sign-out); a revoked session never comes back. */
  revokedAt?: string;
}

/** Durable records of submissions, documents, statuses and notices (DynamoDB; dynalite locally). */
export interface RecordStore {
  /** Creates a submission unless one with its id exists; tells which happened (no overwrite, ever). */
  createSubmission(submission: Submission): Promise<'created' | 'exists'>;
  /** Replaces a submission that exists. */
  saveSubmission(submission: Submission): Promise<void>;
  /**
   * Saves the submission intake has finished, only while the stored one is still `received`: of concurrent
   * deliveries of the same bytes the first to finish wins and the others hear `finished-already`. A reprocess
   * (`force`) saves regardless.
   */
  finishSubmission(submission: Submission, options: { force: boolean }): Promise<'finished' | 'finished-already'>;
  /** Reads a submission, or null. */
  getSubmission(id: string): Promise<Submission | null>;
  /** Claims a Message-ID for a submission; returns the id of the submission that holds it (itself if first). */
  claimMessageId(messageId: string, submissionId: string): Promise<string>;
  /** Every submission of every state (duplicates and quarantined included), in no particular order (intake doctor). */
  listSubmissions(): Promise<Submission[]>;
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
  /** Stores a computed status of a base unless one computed from a later revision is stored; tells which. */
  saveBaseStatus(status: BaseStatus, revision?: number): Promise<'saved' | 'stale'>;
  /** The base's revision: a counter raised whenever something the evaluation reads changes for it. */
  getBaseRevision(baseId: string): Promise<number>;
  /** Raises the base's revision by one (optimistic, retried on conflict) and returns the new value. */
  bumpBaseRevision(baseId: string): Promise<number>;
  /** Records a staff decision about a base (the latest per kind and key is in force). */
  saveDecision(decision: Decision): Promise<void>;
  /** The decisions in force for a base. */
  listDecisions(baseId: string): Promise<Decision[]>;
  /** A city's record (letter, pilot units, ranking), or null. */
  getCityRecord(city: string): Promise<CityRecord | null>;
  /** Stores a city's record. */
  saveCityRecord(record: CityRecord): Promise<void>;
  /** All city records. */
  listCityRecords(): Promise<CityRecord[]>;
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
  /**
   * Writes a notice claim only if the stored one still has `expectedVersion` (null: none may exist yet); false when
   * another run wrote first. The claim is what makes a notice go once.
   */
  putNoticeClaim(claim: NoticeClaim, expectedVersion: number | null): Promise<boolean>;
  /** Reads a notice claim by key (strongly consistent), or null. */
  getNoticeClaim(key: string): Promise<NoticeClaim | null>;
  /** Digest claims of a city, newest as-of first. */
  listNoticeClaims(city: string): Promise<NoticeClaim[]>;
  /** Acknowledgement claims to one address, newest as-of first. */
  listAcknowledgementsTo(address: string): Promise<NoticeClaim[]>;
  /** Claims not settled (failed, or left claimed/sending by a crash), digests and acknowledgements, oldest first. */
  listFailedNotices(): Promise<NoticeClaim[]>;
  /** Stores what the transport reported about an address (bounce, complaint) or that staff cleared it. */
  saveAddressStatus(status: AddressStatus): Promise<void>;
  /** The recorded state of an address, or null. */
  getAddressStatus(address: string): Promise<AddressStatus | null>;
  /** Addresses currently marked failing. */
  listFailingAddresses(): Promise<AddressStatus[]>;
  /**
   * Writes an expert's review record only if the stored one still has `expectedVersion` (null: none may exist yet);
   * false when another write came first (the caller reads again and retries).
   */
  putExpertRecord(record: ExpertRecord, expectedVersion: number | null): Promise<boolean>;
  /** An expert's review record of a round (strongly consistent), or null. */
  getExpertRecord(roundId: string, expert: string): Promise<ExpertRecord | null>;
  /** Every expert's review record of a round, by name. */
  listExpertRecords(roundId: string): Promise<ExpertRecord[]>;
  /** Stores an earlier grade staff entered for a base (replaces the one before). */
  savePriorGrade(grade: StoredPriorGrade): Promise<void>;
  /** Earlier grades staff entered in a round. */
  listPriorGrades(roundId: string): Promise<StoredPriorGrade[]>;
  /** Stores a manual deduction (replaces the one with its id). */
  saveDeduction(deduction: StoredDeduction): Promise<void>;
  /** Manual deductions of a round, those taken back included. */
  listDeductions(roundId: string): Promise<StoredDeduction[]>;
  /** Stores an objection (replaces the one with its id, e.g. when its outcome is recorded). */
  saveObjection(objection: Objection): Promise<void>;
  /** Objections of a round, oldest first. */
  listObjections(roundId: string): Promise<Objection[]>;
  /**
   * Stores a vocabulary word; with `onlyNew`, only when no word of that indicator and text is stored yet (false
   * then). One item per (round, indicator, word).
   */
  saveVocabularyWord(word: VocabularyWord, options?: { onlyNew?: boolean }): Promise<boolean>;
  /** The vocabulary words of a round, proposed, accepted and rejected. */
  listVocabularyWords(roundId: string): Promise<VocabularyWord[]>;
  /** Creates or replaces a session record. */
  saveSession(session: SessionRecord): Promise<void>;
  /** A session record by key (strongly consistent, so a sign-out holds at once), or null. */
  getSession(key: string): Promise<SessionRecord | null>;
}
