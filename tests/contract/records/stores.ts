/**
 * The two record stores the contract runs on: the in-memory adapters (unit tests) and the DynamoDB adapters with the
 * real SDK client against dynalite, the embedded stand-in. Each case gets an empty store: a new in-memory one, or a
 * new table on one dynalite server per file.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { dynamoDbRecords } from '../../../shared/adapters/aws/records/index.ts';
import { createTableInput } from '../../../shared/adapters/aws/table.ts';
import { memoryRecords } from '../../../shared/adapters/memory/records/index.ts';
import type { Records } from '../../../shared/ports/index.ts';

interface Backend {
  fresh(): Promise<Records>;
  close(): Promise<void>;
}

const BACKENDS: Record<string, () => Promise<Backend>> = {
  'in memory': async () => ({ fresh: async () => memoryRecords(), close: async () => undefined }),
  'DynamoDB on dynalite': async () => {
    const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'contract', secretAccessKey: 'contract' },
    });
    let tables = 0;
    return {
      async fresh() {
        const name = `records-${++tables}`;
        await client.send(new CreateTableCommand(createTableInput(name)));
        return dynamoDbRecords(name, client);
      },
      async close() {
        client.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  },
};

/** Runs `cases` once per store; `records()` is an empty store of that kind, new for each case. */
export function describeOnEachStore(title: string, cases: (records: () => Records) => void): void {
  describe.each(Object.keys(BACKENDS))(`${title} (%s)`, (kind) => {
    let backend: Backend;
    let current: Records;
    beforeAll(async () => {
      backend = await BACKENDS[kind]!();
    });
    afterAll(async () => {
      await backend.close();
    });
    beforeEach(async () => {
      current = await backend.fresh();
    });
    cases(() => current);
  });
}
