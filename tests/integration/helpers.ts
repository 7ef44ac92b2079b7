/**
 * Shared set-up of integration tests: a local context on the embedded stand-ins in a fresh temporary data dir, or
 * dynalite alone with the table.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll } from 'vitest';
import { createTableInput } from '../../shared/adapters/aws/table.ts';
import { createLocalContext, type LocalContext } from '../../shared/composition/local.ts';
import type { Clock } from '../../shared/ports/index.ts';

/** Starts the embedded stack in a temporary directory; `dispose` stops it and removes the directory. */
export async function startTestStack(clock?: Clock): Promise<LocalContext & { dispose(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'intake-test-'));
  const local = await createLocalContext({ dataDir, own: true, clock });
  return {
    ...local,
    async dispose() {
      await local.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A dynalite server on loopback with the intake table created, and the real SDK client to it; `close` stops both. */
export async function startDynaliteTable(
  tableName = 'intake',
): Promise<{ client: DynamoDBClient; close(): Promise<void> }> {
  const server: Server = dynalite({ createTableMs: 0 });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return {
    client,
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A dynalite table for the tests of the describe block that calls this: started before them, closed after. Read
 * `table.client` inside the tests (it is set once the table is up).
 */
export function dynaliteTableForTests(): { readonly client: DynamoDBClient } {
  let stack: Awaited<ReturnType<typeof startDynaliteTable>> | undefined;
  beforeAll(async () => {
    stack = await startDynaliteTable();
  });
  afterAll(async () => {
    await stack?.close();
  });
  return {
    get client() {
      if (!stack) throw new Error('the dynalite table is not up yet: read client inside a test');
      return stack.client;
    },
  };
}

/** How every sheet of the status workbook prints: A4 landscape, one page wide, the header row (3) on each page. */
export const EXPORT_PRINT_SETUP = {
  orientation: 'landscape',
  paperSize: 9,
  fitToPage: true,
  fitToWidth: 1,
  fitToHeight: 0,
  printTitlesRow: '3:3',
} as const;
