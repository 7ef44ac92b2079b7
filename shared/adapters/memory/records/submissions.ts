import type { Submission } from '../../../domain/records.ts';
import type { SubmissionRecords } from '../../../ports/records/submissions.ts';
import { copy, ordered } from './keyed.ts';

/** Submissions in memory, listed as the table's gsi1 lists them. */
export class MemorySubmissions implements SubmissionRecords {
  private readonly submissions = new Map<string, Submission>();
  private readonly messageIds = new Map<string, string>();

  async create(submission: Submission): Promise<'created' | 'exists'> {
    if (this.submissions.has(submission.id)) return 'exists';
    this.submissions.set(submission.id, copy(submission));
    return 'created';
  }

  async save(submission: Submission): Promise<void> {
    this.submissions.set(submission.id, copy(submission));
  }

  async finish(submission: Submission, options: { force: boolean }): Promise<'finished' | 'finished-already'> {
    if (!options.force && this.submissions.get(submission.id)?.state !== 'received') return 'finished-already';
    this.submissions.set(submission.id, copy(submission));
    return 'finished';
  }

  async get(id: string): Promise<Submission | null> {
    const submission = this.submissions.get(id);
    return submission ? copy(submission) : null;
  }

  async claimMessageId(messageId: string, submissionId: string): Promise<string> {
    const holder = this.messageIds.get(messageId);
    if (holder) return holder;
    this.messageIds.set(messageId, submissionId);
    return submissionId;
  }

  async listAll(): Promise<Submission[]> {
    return [...this.submissions.values()].map((submission) => copy(submission));
  }

  async listByBase(baseId: string): Promise<Submission[]> {
    return this.inQueue(`BASE#${baseId}`);
  }

  async listUnmatched(): Promise<Submission[]> {
    return this.inQueue('UNMATCHED');
  }

  async listQuarantined(): Promise<Submission[]> {
    return this.inQueue('QUARANTINE');
  }

  private inQueue(queue: string): Submission[] {
    const members = [...this.submissions.values()].filter((submission) => queueOf(submission) === queue);
    return ordered(members, (submission) => `SUB#${submission.receivedAt}#${submission.id}`);
  }
}

/** The gsi1 partition a submission is listed in (duplicates in none that is read). */
function queueOf(submission: Submission): string {
  if (submission.state === 'duplicate') return 'DUPLICATE';
  if (submission.quarantine) return 'QUARANTINE';
  return submission.baseId ? `BASE#${submission.baseId}` : 'UNMATCHED';
}
