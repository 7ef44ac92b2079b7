import type { Submission } from '../../domain/records.ts';

/** Submissions and the Message-IDs they claim (one item per submission; a claim item per Message-ID). */
export interface SubmissionRecords {
  /** Creates a submission unless one with its id exists; tells which happened (no overwrite, ever). */
  create(submission: Submission): Promise<'created' | 'exists'>;
  /** Replaces a submission that exists. */
  save(submission: Submission): Promise<void>;
  /**
   * Saves the submission intake has finished, only while the stored one is still `received`: of concurrent
   * deliveries of the same bytes the first to finish wins and the others hear `finished-already`. A reprocess
   * (`force`) saves regardless.
   */
  finish(submission: Submission, options: { force: boolean }): Promise<'finished' | 'finished-already'>;
  /** Reads a submission, or null. */
  get(id: string): Promise<Submission | null>;
  /** Claims a Message-ID for a submission; returns the id of the submission that holds it (itself if first). */
  claimMessageId(messageId: string, submissionId: string): Promise<string>;
  /** Every submission of every state (duplicates and quarantined included), in no particular order (intake doctor). */
  listAll(): Promise<Submission[]>;
  /** Submissions of a base, oldest first (duplicates and quarantined ones are not among them). */
  listByBase(baseId: string): Promise<Submission[]>;
  /** Submissions that no base could be found for, oldest first. */
  listUnmatched(): Promise<Submission[]>;
  /** Submissions held back because the receiving service's verdicts failed, oldest first. */
  listQuarantined(): Promise<Submission[]>;
}
