/**
 * Registered bases stored before the city index (no gsi2 keys) are found by city: the first listing by city gives
 * them their keys, and never overwrites a registration saved meanwhile.
 */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoDbRecords } from '../../shared/adapters/aws/records/index.ts';
import type { Base } from '../../shared/domain/catalogue.ts';
import { dynaliteTableForTests } from './helpers.ts';

const base = (id: string, city: Base['city'], name = `基地${id}`): Base => ({
  id,
  name,
  city,
  category: 'new',
  grade2021: null,
  aliases: [],
  participating: true,
});

describe('registered bases by city on DynamoDB', () => {
  const table = dynaliteTableForTests();

  it('indexes the items written before the city index on the first listing by city', async () => {
    // Prepare: two registrations in the layout before the index (no gsi2 keys), as an older version stored them.
    const doc = DynamoDBDocumentClient.from(table.client);
    for (const old of [base('n-1', 'taiyuan'), base('n-2', 'datong')]) {
      await doc.send(
        new PutCommand({ TableName: 'intake', Item: { pk: 'ROUND#2023', sk: `BASE#${old.id}`, data: old } }),
      );
    }
    const records = dynamoDbRecords('intake', table.client);
    await records.registeredBases.save('2023', base('n-3', 'taiyuan', '新写入的基地'));

    // Act
    const taiyuan = await records.registeredBases.list('2023', 'taiyuan');
    const datong = await dynamoDbRecords('intake', table.client).registeredBases.list('2023', 'datong');
    const all = await records.registeredBases.list('2023');

    // Assess
    expect(taiyuan.map((b) => [b.id, b.name])).toEqual([
      ['n-1', '基地n-1'],
      ['n-3', '新写入的基地'],
    ]);
    expect(datong.map((b) => b.id)).toEqual(['n-2']);
    expect(all.map((b) => b.id)).toEqual(['n-1', 'n-2', 'n-3']);
  });
});
