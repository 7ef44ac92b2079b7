/**
 * RecordStore on one DynamoDB table (AWS, or dynalite locally through an endpoint setting).
 *
 * Entities and keys (all strings; the entity itself is kept whole in the `data` attribute):
 * | entity           | pk                 | sk                     | gsi1pk / gsi1sk                           | gsi2pk / gsi2sk                  |
 * |------------------|--------------------|------------------------|-------------------------------------------|----------------------------------|
 * | submission       | SUB#<id>           | SUB                    | BASE#<baseId>, UNMATCHED, QUARANTINE or DUPLICATE / SUB#<at>#<id> | -         |
 * | message-id claim | MSGID#<sha256>     | MSGID                  | -                                         | -                                |
 * | document         | SUB#<submissionId> | DOC#<sha256>           | BASE#<baseId> or UNMATCHED / DOC#<at>#<id> | -                                |
 * | base status      | BASE#<baseId>      | STATUS                 | -                                         | STATUS / CITY#<city>#<baseId>     |
 * | base revision    | BASE#<baseId>      | REV                    | -                                         | -                                |
 * | staff decision   | BASE#<baseId>      | DECISION#<kind>#<key>  | -                                         | -                                |
 * | city record      | CITY#<city>        | RECORD                 | -                                         | CITYREC / <city>                 |
 * | registered base  | ROUND#<roundId>    | BASE#<baseId>          | -                                         | -                                |
 * | notice           | NOTICE#<city>      | <asOf>#<id>            | -                                         | NOTICE / <asOf>#<city>#<id>       |
 * | sender           | SENDER#<address>   | SENDER                 | -                                         | -                                |
 * | audit event      | AUDIT#<baseId|-> | <at>#<id>              | -                                         | -                                |
 * | notice claim     | CLAIM#<key>        | CLAIM                  | NOTICECLAIM#<city> or ACKTO#<address> / <asOf>#<key> | OPENCLAIM / <updatedAt>#<key> while unsettled |
 * | address status   | ADDRESS#<address>  | ADDRESS                | -                                         | FAILING / <address> while failing |
 * | expert (review)  | REVIEW#<roundId>   | EXPERT#<expert>        | -                                         | -                                |
 * | prior grade      | REVIEW#<roundId>   | PRIOR#<baseId>         | -                                         | -                                |
 * | manual deduction | REVIEW#<roundId>   | DEDUCT#<id>            | -                                         | -                                |
 * | objection        | REVIEW#<roundId>   | OBJECTION#<at>#<id>    | -                                         | -                                |
 * | session          | SESSION#<key>      | SESSION                | -                                         | -                                |
 *
 * Access patterns, each one Query or GetItem (no Scan but one: every submission, for intake doctor, which runs locally):
 * - submission by id: GetItem SUB#id/SUB; documents of a submission: Query pk=SUB#id, sk begins_with DOC#
 * - submissions / documents of a base, oldest first: Query gsi1 pk=BASE#id, sk begins_with SUB# / DOC#
 * - unmatched queue / quarantine: Query gsi1 pk=UNMATCHED / QUARANTINE, sk begins_with SUB#
 * - statuses, all or by city: Query gsi2 pk=STATUS (sk begins_with CITY#<city>#)
 * - notices of a city, newest first: Query pk=NOTICE#city, descending; all notices: Query gsi2 pk=NOTICE
 * - duplicate Message-ID: conditional Put on MSGID#<sha256>
 * - decisions of a base: Query pk=BASE#id, sk begins_with DECISION#; revision: GetItem BASE#id/REV
 * - city records: GetItem CITY#city/RECORD; all: Query gsi2 pk=CITYREC
 * - confirmed sender of an address: GetItem SENDER#address/SENDER
 * - audit of a base, newest first: Query pk=AUDIT#baseId descending
 * - notice claim (send once): GetItem CLAIM#key/CLAIM (consistent); conditional Put on attribute_not_exists(pk) or
 *   version = :expected
 * - digest claims of a city / acknowledgements to an address, newest first: Query gsi1 pk=NOTICECLAIM#city / ACKTO#addr
 * - unsettled claims (failed, crashed): Query gsi2 pk=OPENCLAIM; failing addresses: Query gsi2 pk=FAILING
 * - state of an address: GetItem ADDRESS#address/ADDRESS
 * - an expert's review record: GetItem REVIEW#round/EXPERT#name (consistent); conditional Put on attribute_not_exists(pk)
 *   or version = :expected; all experts: Query pk=REVIEW#round, sk begins_with EXPERT#; prior grades: sk begins_with PRIOR#
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Base } from '../../domain/catalogue.ts';
import { type AddressStatus, isUnsettled, type NoticeClaim } from '../../domain/notice-claims.ts';
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
} from '../../domain/records.ts';
import type { ExpertRecord, Objection, StoredDeduction, StoredPriorGrade } from '../../domain/review-records.ts';
import type { RecordStore, SessionRecord } from '../../ports/record-store.ts';

type Item = Record<string, unknown> & { data: unknown };

/** Conflicting revision bumps retried before giving up (each is one base; real contention is a handful). */
const MAX_REVISION_ATTEMPTS = 50;

/** The DynamoDB implementation of RecordStore. */
export class DynamoDbRecordStore implements RecordStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async createSubmission(submission: Submission): Promise<'created' | 'exists'> {
    try {
      await this.put(submissionItem(submission), 'attribute_not_exists(pk)');
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  async saveSubmission(submission: Submission): Promise<void> {
    await this.put(submissionItem(submission));
  }

  async finishSubmission(
    submission: Submission,
    options: { force: boolean },
  ): Promise<'finished' | 'finished-already'> {
    if (options.force) {
      await this.put(submissionItem(submission));
      return 'finished';
    }
    try {
      await this.put(submissionItem(submission), '#data.#state = :received', {
        names: { '#data': 'data', '#state': 'state' },
        values: { ':received': 'received' },
      });
      return 'finished';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'finished-already';
      throw error;
    }
  }

  async getSubmission(id: string): Promise<Submission | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `SUB#${id}`, sk: 'SUB' } }));
    return out.Item ? (out.Item.data as Submission) : null;
  }

  async claimMessageId(messageId: string, submissionId: string): Promise<string> {
    const pk = `MSGID#${createHash('sha256').update(messageId).digest('hex')}`;
    try {
      await this.put({ pk, sk: 'MSGID', data: { messageId, submissionId } }, 'attribute_not_exists(pk)');
      return submissionId;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { pk, sk: 'MSGID' }, ConsistentRead: true }),
      );
      const holder = (out.Item?.data as { submissionId?: string } | undefined)?.submissionId;
      if (!holder) throw new Error(`message-id claim ${pk} vanished`);
      return holder;
    }
  }

  async listSubmissions(): Promise<Submission[]> {
    // A scan: only intake doctor reads every submission, and a round holds hundreds, not millions.
    const out: Submission[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :sub AND begins_with(pk, :prefix)',
          ExpressionAttributeValues: { ':sub': 'SUB', ':prefix': 'SUB#' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(item.data as Submission);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async listSubmissionsByBase(baseId: string): Promise<Submission[]> {
    return this.queryData<Submission>({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk and begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `BASE#${baseId}`, ':prefix': 'SUB#' },
    });
  }

  async listUnmatchedSubmissions(): Promise<Submission[]> {
    return this.queryData<Submission>({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk and begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'UNMATCHED', ':prefix': 'SUB#' },
    });
  }

  async listQuarantinedSubmissions(): Promise<Submission[]> {
    return this.queryData<Submission>({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk and begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'QUARANTINE', ':prefix': 'SUB#' },
    });
  }

  async saveDocument(document: DocumentRecord): Promise<void> {
    await this.put({
      pk: `SUB#${document.submissionId}`,
      sk: `DOC#${document.sha256}`,
      gsi1pk: document.baseId ? `BASE#${document.baseId}` : 'UNMATCHED',
      gsi1sk: `DOC#${document.receivedAt}#${document.id}`,
      data: document,
    });
  }

  async listDocumentsBySubmission(submissionId: string): Promise<DocumentRecord[]> {
    return this.queryData<DocumentRecord>({
      KeyConditionExpression: 'pk = :pk and begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `SUB#${submissionId}`, ':prefix': 'DOC#' },
    });
  }

  async listDocumentsByBase(baseId: string): Promise<DocumentRecord[]> {
    return this.queryData<DocumentRecord>({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk and begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `BASE#${baseId}`, ':prefix': 'DOC#' },
    });
  }

  async saveBaseStatus(status: BaseStatus, revision = 0): Promise<'saved' | 'stale'> {
    try {
      // Never replace a status computed from a later revision: concurrent evaluations end with the newest facts.
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `BASE#${status.baseId}`,
            sk: 'STATUS',
            gsi2pk: 'STATUS',
            gsi2sk: `CITY#${status.city}#${status.baseId}`,
            revision,
            data: status,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR revision <= :revision',
          ExpressionAttributeValues: { ':revision': revision },
        }),
      );
      return 'saved';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      throw error;
    }
  }

  async getBaseRevision(baseId: string): Promise<number> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `BASE#${baseId}`, sk: 'REV' }, ConsistentRead: true }),
    );
    return typeof out.Item?.revision === 'number' ? out.Item.revision : 0;
  }

  async bumpBaseRevision(baseId: string): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.getBaseRevision(baseId);
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: `BASE#${baseId}`, sk: 'REV', revision: current + 1, data: null },
            ConditionExpression: current === 0 ? 'attribute_not_exists(pk)' : 'revision = :current',
            ExpressionAttributeValues: current === 0 ? undefined : { ':current': current },
          }),
        );
        return current + 1;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || attempt >= MAX_REVISION_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
      }
    }
  }

  async saveDecision(decision: Decision): Promise<void> {
    await this.put({ pk: `BASE#${decision.baseId}`, sk: `DECISION#${decision.kind}#${decision.key}`, data: decision });
  }

  async listDecisions(baseId: string): Promise<Decision[]> {
    const all = await this.queryData<Decision>({
      KeyConditionExpression: 'pk = :pk and begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `BASE#${baseId}`, ':prefix': 'DECISION#' },
    });
    return all.filter((decision) => decision.active);
  }

  async getCityRecord(city: string): Promise<CityRecord | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `CITY#${city}`, sk: 'RECORD' } }),
    );
    return out.Item ? (out.Item.data as CityRecord) : null;
  }

  async saveCityRecord(record: CityRecord): Promise<void> {
    await this.put({ pk: `CITY#${record.city}`, sk: 'RECORD', gsi2pk: 'CITYREC', gsi2sk: record.city, data: record });
  }

  async listCityRecords(): Promise<CityRecord[]> {
    return this.queryData<CityRecord>({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': 'CITYREC' },
    });
  }

  async listBaseStatuses(city?: string): Promise<BaseStatus[]> {
    return this.queryData<BaseStatus>({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk and begins_with(gsi2sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'STATUS', ':prefix': city ? `CITY#${city}#` : 'CITY#' },
    });
  }

  async listRegisteredBases(roundId: string): Promise<Base[]> {
    return this.queryData<Base>({
      KeyConditionExpression: 'pk = :pk and begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `ROUND#${roundId}`, ':prefix': 'BASE#' },
    });
  }

  async saveRegisteredBase(roundId: string, base: Base): Promise<void> {
    await this.put({ pk: `ROUND#${roundId}`, sk: `BASE#${base.id}`, data: base });
  }

  async getSender(address: string): Promise<Sender | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `SENDER#${address.toLowerCase()}`, sk: 'SENDER' } }),
    );
    return out.Item ? (out.Item.data as Sender) : null;
  }

  async saveSender(sender: Sender): Promise<void> {
    await this.put({ pk: `SENDER#${sender.address.toLowerCase()}`, sk: 'SENDER', data: sender });
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    await this.put(
      { pk: `AUDIT#${event.baseId ?? '-'}`, sk: `${event.at}#${event.id}`, data: event },
      'attribute_not_exists(pk)',
    );
  }

  async listAudit(baseId: string | null): Promise<AuditEvent[]> {
    return this.queryData<AuditEvent>({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#${baseId ?? '-'}` },
      ScanIndexForward: false,
    });
  }

  async saveNotice(notice: NoticeRecord): Promise<void> {
    await this.put({
      pk: `NOTICE#${notice.city}`,
      sk: `${notice.asOf}#${notice.id}`,
      gsi2pk: 'NOTICE',
      gsi2sk: `${notice.asOf}#${notice.city}#${notice.id}`,
      data: notice,
    });
  }

  async listNotices(city?: string): Promise<NoticeRecord[]> {
    if (city) {
      return this.queryData<NoticeRecord>({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `NOTICE#${city}` },
        ScanIndexForward: false,
      });
    }
    return this.queryData<NoticeRecord>({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': 'NOTICE' },
      ScanIndexForward: false,
    });
  }

  async saveSession(session: SessionRecord): Promise<void> {
    await this.put({ pk: `SESSION#${session.key}`, sk: 'SESSION', data: session });
  }

  async getSession(key: string): Promise<SessionRecord | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `SESSION#${key}`, sk: 'SESSION' }, ConsistentRead: true }),
    );
    return out.Item ? (out.Item.data as SessionRecord) : null;
  }

  private async put(
    item: Item,
    condition?: string,
    expression?: { names: Record<string, string>; values: Record<string, unknown> },
  ): Promise<void> {
    const input: PutCommandInput = { TableName: this.tableName, Item: item };
    if (condition) input.ConditionExpression = condition;
    if (expression) {
      input.ExpressionAttributeNames = expression.names;
      input.ExpressionAttributeValues = expression.values;
    }
    await this.doc.send(new PutCommand(input));
  }

  private async queryData<T>(input: Omit<QueryCommandInput, 'TableName'>): Promise<T[]> {
    const out: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) out.push(item.data as T);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async putNoticeClaim(claim: NoticeClaim, expectedVersion: number | null): Promise<boolean> {
    const item: Item = {
      pk: `CLAIM#${claim.key}`,
      sk: 'CLAIM',
      gsi1pk: claim.kind === 'ack' ? `ACKTO#${(claim.to[0] ?? '-').toLowerCase()}` : `NOTICECLAIM#${claim.city ?? '-'}`,
      gsi1sk: `${claim.asOf}#${claim.key}`,
      version: claim.version,
      data: claim,
    };
    // Settled claims leave the OPENCLAIM partition (a Put replaces the whole item, so the attributes go).
    if (isUnsettled(claim)) {
      item.gsi2pk = 'OPENCLAIM';
      item.gsi2sk = `${claim.updatedAt}#${claim.key}`;
    }
    const input: PutCommandInput = { TableName: this.tableName, Item: item };
    if (expectedVersion === null) {
      input.ConditionExpression = 'attribute_not_exists(pk)';
    } else {
      input.ConditionExpression = 'version = :expected';
      input.ExpressionAttributeValues = { ':expected': expectedVersion };
    }
    try {
      await this.doc.send(new PutCommand(input));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getNoticeClaim(key: string): Promise<NoticeClaim | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `CLAIM#${key}`, sk: 'CLAIM' }, ConsistentRead: true }),
    );
    return out.Item ? (out.Item.data as NoticeClaim) : null;
  }

  async listNoticeClaims(city: string): Promise<NoticeClaim[]> {
    return this.queryData<NoticeClaim>({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `NOTICECLAIM#${city}` },
      ScanIndexForward: false,
    });
  }

  async listAcknowledgementsTo(address: string): Promise<NoticeClaim[]> {
    return this.queryData<NoticeClaim>({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `ACKTO#${address.toLowerCase()}` },
      ScanIndexForward: false,
    });
  }

  async listFailedNotices(): Promise<NoticeClaim[]> {
    return this.queryData<NoticeClaim>({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': 'OPENCLAIM' },
    });
  }

  async saveAddressStatus(status: AddressStatus): Promise<void> {
    const address = status.address.toLowerCase();
    const item: Item = { pk: `ADDRESS#${address}`, sk: 'ADDRESS', data: { ...status, address } };
    if (status.state === 'failing') {
      item.gsi2pk = 'FAILING';
      item.gsi2sk = address;
    }
    await this.put(item);
  }

  async getAddressStatus(address: string): Promise<AddressStatus | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `ADDRESS#${address.toLowerCase()}`, sk: 'ADDRESS' } }),
    );
    return out.Item ? (out.Item.data as AddressStatus) : null;
  }

  async listFailingAddresses(): Promise<AddressStatus[]> {
    return this.queryData<AddressStatus>({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': 'FAILING' },
    });
  }

  async putExpertRecord(record: ExpertRecord, expectedVersion: number | null): Promise<boolean> {
    const input: PutCommandInput = {
      TableName: this.tableName,
      Item: { pk: `REVIEW#${record.roundId}`, sk: `EXPERT#${record.expert}`, version: record.version, data: record },
    };
    if (expectedVersion === null) {
      input.ConditionExpression = 'attribute_not_exists(pk)';
    } else {
      input.ConditionExpression = 'version = :expected';
      input.ExpressionAttributeValues = { ':expected': expectedVersion };
    }
    try {
      await this.doc.send(new PutCommand(input));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getExpertRecord(roundId: string, expert: string): Promise<ExpertRecord | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `REVIEW#${roundId}`, sk: `EXPERT#${expert}` },
        ConsistentRead: true,
      }),
    );
    return out.Item ? (out.Item.data as ExpertRecord) : null;
  }

  async listExpertRecords(roundId: string): Promise<ExpertRecord[]> {
    return this.queryData<ExpertRecord>({
      KeyConditionExpression: 'pk = :pk and begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `REVIEW#${roundId}`, ':prefix': 'EXPERT#' },
    });
  }

  async savePriorGrade(grade: StoredPriorGrade): Promise<void> {
    await this.put({ pk: `REVIEW#${grade.roundId}`, sk: `PRIOR#${grade.baseId}`, data: grade });
  }

  async listPriorGrades(roundId: string): Promise<StoredPriorGrade[]> {
    return this.queryData<StoredPriorGrade>({
      KeyConditionExpression: 'pk = :pk and begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `REVIEW#${roundId}`, ':prefix': 'PRIOR#' },
    });
  }

  async saveDeduction(deduction: StoredDeduction): Promise<void> {
    await this.put({ pk: `REVIEW#${deduction.roundId}`, sk: `DEDUCT#${deduction.id}`, data: deduction });
  }

  async listDeductions(roundId: string): Promise<StoredDeduction[]> {
    return this.queryData<StoredDeduction>({
      KeyConditionExpression: 'pk = :pk and begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `REVIEW#${roundId}`, ':prefix': 'DEDUCT#' },
    });
  }

  async saveObjection(objection: Objection): Promise<void> {
    // The sort key keeps the first recording time, so an outcome recorded later does not move the objection.
    await this.put({
      pk: `REVIEW#${objection.roundId}`,
      sk: `OBJECTION#${objection.at}#${objection.id}`,
      data: objection,
    });
  }

  async listObjections(roundId: string): Promise<Objection[]> {
    return this.queryData<Objection>({
      KeyConditionExpression: 'pk = :pk and begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `REVIEW#${roundId}`, ':prefix': 'OBJECTION#' },
    });
  }
  async saveVocabularyWord(word: VocabularyWord, options: { onlyNew?: boolean } = {}): Promise<boolean> {
    const item = { pk: `VOCAB#${word.roundId}`, sk: `${word.indicator}#${word.word}`, data: word };
    try {
      await this.put(item, options.onlyNew ? 'attribute_not_exists(pk)' : undefined);
      return true;
    } catch (error) {
      if (options.onlyNew && error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listVocabularyWords(roundId: string): Promise<VocabularyWord[]> {
    return this.queryData<VocabularyWord>({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `VOCAB#${roundId}` },
    });
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
