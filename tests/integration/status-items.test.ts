/**
 * Stored statuses on DynamoDB are kept compressed (a status lists every document, and a city's are read in one
 * Query); statuses stored before, whole in `data`, still read.
 */
import { gunzipSync } from 'node:zlib';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoDbRecords } from '../../shared/adapters/aws/records/index.ts';
import { evaluate } from '../../shared/domain/evaluate.ts';
import { loadRound } from '../../shared/domain/rounds/index.ts';
import { dynaliteTableForTests } from './helpers.ts';

const round = loadRound('2023');
const statusOf = (baseId: string) => {
  const base = round.bases.find((b) => b.id === baseId)!;
  return evaluate({ round, base, submissions: [], documents: [], asOf: new Date('2023-11-05T00:00:00Z') });
};

describe('status items on DynamoDB', () => {
  const table = dynaliteTableForTests();

  it('stores a status compressed and reads it, and reads one stored whole before', async () => {
    // Prepare
    const doc = DynamoDBDocumentClient.from(table.client);
    const old = statusOf('p01');
    await doc.send(
      new PutCommand({
        TableName: 'intake',
        Item: {
          pk: `BASE#${old.baseId}`,
          sk: 'STATUS',
          gsi2pk: 'STATUS',
          gsi2sk: `CITY#${old.city}#${old.baseId}`,
          revision: 2,
          data: old,
        },
      }),
    );
    const records = dynamoDbRecords('intake', table.client);
    const current = statusOf('p02');

    // Act
    await records.statuses.save(current, 1);
    const item = (await doc.send(new GetCommand({ TableName: 'intake', Key: { pk: 'BASE#p02', sk: 'STATUS' } }))).Item;
    const listed = await records.statuses.listWithRevisions();

    // Assess
    expect(item?.data).toBeNull();
    expect(item?.gz).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(gunzipSync(item?.gz as Uint8Array).toString('utf8'))).toEqual(current);
    const byId = new Map(listed.map((found) => [found.status.baseId, found]));
    expect(byId.get('p01')).toEqual({ status: old, revision: 2 });
    expect(byId.get('p02')).toEqual({ status: current, revision: 1 });
    expect(await records.statuses.list(current.city)).toContainEqual(current);
  });
});
