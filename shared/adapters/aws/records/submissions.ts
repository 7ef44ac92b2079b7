import { createHash } from 'node:crypto';
import type { Submission } from '../../../domain/records.ts';
import type { SubmissionRecords } from '../../../ports/records/submissions.ts';
import { ABSENT, ConditionalCheckFailedException, type Item, partition, type SingleTable } from './single-table.ts';

/** Submissions (SUB#<id>/SUB, gsi1 by base, unmatched, quarantine or duplicate) and Message-ID claims (MSGID#). */
export class DynamoDbSubmissions implements SubmissionRecords {
  constructor(private readonly table: SingleTable) {}

  async create(submission: Submission): Promise<'created' | 'exists'> {
    return (await this.table.putIf(submissionItem(submission), ABSENT)) ? 'created' : 'exists';
  }

  async save(submission: Submission): Promise<void> {
    await this.table.put(submissionItem(submission));
  }

  async finish(submission: Submission, options: { force: boolean }): Promise<'finished' | 'finished-already'> {
    if (options.force) {
      await this.table.put(submissionItem(submission));
      return 'finished';
    }
    const finished = await this.table.putIf(submissionItem(submission), {
      expression: '#data.#state = :received',
      names: { '#data': 'data', '#state': 'state' },
      values: { ':received': 'received' },
    });
    return finished ? 'finished' : 'finished-already';
  }

  async get(id: string): Promise<Submission | null> {
    return this.table.get<Submission>(`SUB#${id}`, 'SUB');
  }

  async claimMessageId(messageId: string, submissionId: string): Promise<string> {
    const pk = `MSGID#${createHash('sha256').update(messageId).digest('hex')}`;
    try {
      await this.table.put({ pk, sk: 'MSGID', data: { messageId, submissionId } }, ABSENT);
      return submissionId;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const holder = (await this.table.get<{ submissionId?: string }>(pk, 'MSGID', true))?.submissionId;
      if (!holder) throw new Error(`message-id claim ${pk} vanished`);
      return holder;
    }
  }

  async listAll(): Promise<Submission[]> {
    // A scan: only intake doctor reads every submission, and a round holds hundreds, not millions.
    return this.table.scan<Submission>({
      FilterExpression: 'sk = :sub AND begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':sub': 'SUB', ':prefix': 'SUB#' },
    });
  }

  async listByBase(baseId: string): Promise<Submission[]> {
    return this.table.query<Submission>(partition(`BASE#${baseId}`, { index: 'gsi1', prefix: 'SUB#' }));
  }

  async listUnmatched(): Promise<Submission[]> {
    return this.table.query<Submission>(partition('UNMATCHED', { index: 'gsi1', prefix: 'SUB#' }));
  }

  async listQuarantined(): Promise<Submission[]> {
    return this.table.query<Submission>(partition('QUARANTINE', { index: 'gsi1', prefix: 'SUB#' }));
  }
}

function submissionItem(submission: Submission): Item {
  return {
    pk: `SUB#${submission.id}`,
    sk: 'SUB',
    // Duplicates leave the base's history and the unmatched queue; they stay readable by id.
    gsi1pk:
      submission.state === 'duplicate'
        ? 'DUPLICATE'
        : submission.quarantine
          ? 'QUARANTINE'
          : submission.baseId
            ? `BASE#${submission.baseId}`
            : 'UNMATCHED',
    gsi1sk: `SUB#${submission.receivedAt}#${submission.id}`,
    data: submission,
  };
}
