/**
 * The single table's item access, shared by the per-kind adapters in this folder: a Put (optionally conditional),
 * a GetItem and a paginated Query or Scan, each returning the entity kept whole in the item's `data` attribute.
 * The key layout of every kind is in ./index.ts; the physical definition in ../table.ts.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';

/** A stored item: its keys and index keys, and the entity in `data`. */
export type Item = Record<string, unknown> & { data: unknown };

/** A condition on a Put, with the names and values it uses. */
export interface PutCondition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** One DynamoDB table through the document client (undefined attributes dropped, as every kind stores them). */
export class SingleTable {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    readonly tableName: string,
    client: DynamoDBClient,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Puts an item; with a condition, throws ConditionalCheckFailedException when it does not hold. */
  async put(item: Item, condition?: PutCondition): Promise<void> {
    const input: PutCommandInput = { TableName: this.tableName, Item: item };
    if (condition) {
      input.ConditionExpression = condition.expression;
      if (condition.names) input.ExpressionAttributeNames = condition.names;
      if (condition.values) input.ExpressionAttributeValues = condition.values;
    }
    await this.doc.send(new PutCommand(input));
  }

  /** Puts an item under a condition; false when the condition did not hold. */
  async putIf(item: Item, condition: PutCondition): Promise<boolean> {
    try {
      await this.put(item, condition);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The whole item at a key, or undefined. */
  async getItem(pk: string, sk: string, consistent = false): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ...(consistent ? { ConsistentRead: true } : {}) }),
    );
    return out.Item;
  }

  /** The entity at a key, or null. */
  async get<T>(pk: string, sk: string, consistent = false): Promise<T | null> {
    const item = await this.getItem(pk, sk, consistent);
    return item ? (item.data as T) : null;
  }

  /** The entities a Query finds, every page. */
  async query<T>(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<T[]> {
    return (await this.queryItems(input)).map((item) => item.data as T);
  }

  /** The whole items a Query finds, every page. */
  async queryItems(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  ): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }),
      );
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * The whole items at many keys (BatchGetItem, 100 keys a request, unprocessed keys asked again), in no order;
   * keys with no item are left out.
   */
  async getItems(keys: readonly { pk: string; sk: string }[], consistent = false): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (let at = 0; at < keys.length; at += BATCH_GET_KEYS) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(at, at + BATCH_GET_KEYS).map((k) => ({ ...k }));
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
        const page: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ...(consistent ? { ConsistentRead: true } : {}) } },
          }),
        );
        out.push(...(page.Responses?.[this.tableName] ?? []));
        pending = page.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return out;
  }

  /** The entities a Scan finds, every page (intake doctor alone reads this way). */
  async scan<T>(input: Omit<ScanCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<T[]> {
    const out: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) out.push(item.data as T);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

/** DynamoDB's most keys in one BatchGetItem. */
const BATCH_GET_KEYS = 100;

/** The Put condition that no item is stored at the key yet. */
export const ABSENT: PutCondition = { expression: 'attribute_not_exists(pk)' };

/** The Put condition of an item version: absent (null) or still at `expected`. */
export function versionCondition(expected: number | null): PutCondition {
  return expected === null ? ABSENT : { expression: 'version = :expected', values: { ':expected': expected } };
}

/** A Query of one partition (of the table or an index), with an optional sort-key prefix. */
export function partition(
  pk: string,
  options: { index?: 'gsi1' | 'gsi2'; prefix?: string; newestFirst?: boolean } = {},
): Omit<QueryCommandInput, 'TableName'> {
  const pkName = options.index ? `${options.index}pk` : 'pk';
  const skName = options.index ? `${options.index}sk` : 'sk';
  return {
    ...(options.index ? { IndexName: options.index } : {}),
    KeyConditionExpression:
      options.prefix === undefined ? `${pkName} = :pk` : `${pkName} = :pk and begins_with(${skName}, :prefix)`,
    ExpressionAttributeValues: { ':pk': pk, ...(options.prefix === undefined ? {} : { ':prefix': options.prefix }) },
    ...(options.newestFirst ? { ScanIndexForward: false } : {}),
  };
}

export { ConditionalCheckFailedException };
