/**
 * The record ports (../../../ports/records/) on one DynamoDB table (AWS, or dynalite locally through an endpoint
 * setting): one adapter per record kind in this folder, sharing the table access in ./single-table.ts.
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
 * | registered base  | ROUND#<roundId>    | BASE#<baseId>          | -                                         | REGBASE#<roundId> / CITY#<city>#<baseId> |
 * | its index marker | ROUND#<roundId>    | BASEINDEX              | -                                         | -                                |
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
 * | package job      | BUNDLEJOB#<id>     | BUNDLEJOB              | -                                         | -                                |
 * | vocabulary word  | VOCAB#<roundId>    | <indicator>#<word>     | -                                         | -                                |
 * | settled example  | EXAMPLE#<roundId>  | <documentId>           | -                                         | -                                |
 *
 * Access patterns, each one Query or GetItem (no Scan but one: every submission, for intake doctor, which runs locally):
 * - submission by id: GetItem SUB#id/SUB; documents of a submission: Query pk=SUB#id, sk begins_with DOC#
 * - submissions / documents of a base, oldest first: Query gsi1 pk=BASE#id, sk begins_with SUB# / DOC#
 * - unmatched queue / quarantine: Query gsi1 pk=UNMATCHED / QUARANTINE, sk begins_with SUB#
 * - statuses, all or by city: Query gsi2 pk=STATUS (sk begins_with CITY#<city>#)
 * - registered bases of a round: Query pk=ROUND#round, sk begins_with BASE#; of one city: Query gsi2
 *   pk=REGBASE#round, sk begins_with CITY#<city>#
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
 * - vocabulary of a round: Query pk=VOCAB#round; a new word only: conditional Put on attribute_not_exists(pk)
 * - files classified by hand in a round (examples): Query pk=EXAMPLE#round
 * - session: GetItem SESSION#key/SESSION (consistent)
 * - package job: GetItem BUNDLEJOB#id/BUNDLEJOB (consistent); conditional Put on attribute_not_exists(pk) or
 *   version = :expected
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Records } from '../../../ports/records/index.ts';
import { DynamoDbAddresses } from './addresses.ts';
import { DynamoDbAudit } from './audit.ts';
import { DynamoDbBundleJobs } from './bundle-jobs.ts';
import { DynamoDbCities } from './cities.ts';
import { DynamoDbDecisions } from './decisions.ts';
import { DynamoDbDocuments } from './documents.ts';
import { DynamoDbExamples } from './examples.ts';
import { DynamoDbNoticeClaims } from './notice-claims.ts';
import { DynamoDbNotices } from './notices.ts';
import { DynamoDbRegisteredBases } from './registered-bases.ts';
import { DynamoDbReview } from './review.ts';
import { DynamoDbSenders } from './senders.ts';
import { DynamoDbSessions } from './sessions.ts';
import { SingleTable } from './single-table.ts';
import { DynamoDbStatuses } from './statuses.ts';
import { DynamoDbSubmissions } from './submissions.ts';
import { DynamoDbVocabulary } from './vocabulary.ts';

/** Every record port on one table. */
export function dynamoDbRecords(tableName: string, client: DynamoDBClient): Records {
  const table = new SingleTable(tableName, client);
  return {
    submissions: new DynamoDbSubmissions(table),
    documents: new DynamoDbDocuments(table),
    statuses: new DynamoDbStatuses(table),
    decisions: new DynamoDbDecisions(table),
    registeredBases: new DynamoDbRegisteredBases(table),
    senders: new DynamoDbSenders(table),
    cities: new DynamoDbCities(table),
    audit: new DynamoDbAudit(table),
    notices: new DynamoDbNotices(table),
    noticeClaims: new DynamoDbNoticeClaims(table),
    addresses: new DynamoDbAddresses(table),
    review: new DynamoDbReview(table),
    vocabulary: new DynamoDbVocabulary(table),
    examples: new DynamoDbExamples(table),
    sessions: new DynamoDbSessions(table),
    bundleJobs: new DynamoDbBundleJobs(table),
  };
}
