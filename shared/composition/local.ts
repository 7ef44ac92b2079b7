/**
 * The local composition root: the same AWS adapters, pointed at the embedded stand-ins. When `intake start` is
 * already running on the data directory, commands connect to its servers (LevelDB allows one process); otherwise
 * they start the stand-ins in-process for the duration of the command.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { dynamoDbRecords } from '../adapters/aws/records/index.ts';
import { createTableInput } from '../adapters/aws/table.ts';
import type { StackEndpoints } from '../adapters/local/embedded-stack.ts';
import { OutboxMailer } from '../adapters/local/outbox-mailer.ts';
import { type DamagedStoreFile, findDamagedStoreFiles, repairStoreFiles } from '../adapters/local/s3rver-files.ts';
import { mailerFromEnv } from '../adapters/smtp/smtp-mailer.ts';
import { StoreUnreadableError } from '../domain/errors.ts';
import { loadRound } from '../domain/rounds/index.ts';
import type { BlobStore, Clock, Mailer, UploadStorage } from '../ports/index.ts';
import { type AppContext, DEFAULT_LIMITS, systemClock } from '../use-cases/context.ts';
import { BLOB_STORE_METHODS, lazyPort, once, UPLOAD_STORAGE_METHODS } from './lazy-port.ts';

/** Default data directory of the local stack. */
export const DEFAULT_DATA_DIR = '.intake';
const TABLE_NAME = 'intake';
const BUCKET_NAME = 'intake';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Options of the local context. */
export interface LocalContextOptions {
  dataDir?: string;
  roundId?: string;
  clock?: Clock;
  /** Fixed ports for the stand-ins (intake start); 0 or absent picks free ones. */
  ports?: Partial<Record<keyof StackEndpoints, number>>;
  /** Ignore a running stack and start the stand-ins in this process (intake start itself). */
  own?: boolean;
}

/** A local context and how to release it. */
export interface LocalContext {
  ctx: AppContext;
  /** The stand-ins' endpoints; starts the object store and the mail stand-in first if this command has not yet. */
  endpoints(): Promise<StackEndpoints>;
  dataDir: string;
  /** True when this process started the stand-ins (false when it joined a running `intake start`). */
  owner: boolean;
  close(): Promise<void>;
}

/** What a running `intake start` leaves in the data directory so other commands can join it. */
interface StackFile {
  pid: number;
  endpoints: StackEndpoints;
}

/**
 * Builds the local context: joins a running stack on the data directory or starts the stand-ins here. A command
 * starts dynalite at once (every command reads records) and the object store and mail stand-ins on first use, with
 * their modules: `intake status` reads no file and sends no mail, and answers without them (issue 17). `own`
 * (intake start) starts all three at once.
 */
export async function createLocalContext(options: LocalContextOptions = {}): Promise<LocalContext> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const running = options.own ? null : await findRunningStack(dataDir);
  const stopStandIns: (() => Promise<void>)[] = [];
  let endpoints: StackEndpoints | undefined = running?.endpoints;
  let dynamoEndpoint = running?.endpoints.dynamodb;
  if (!dynamoEndpoint) {
    // Loaded only here: a command joining a running stack does not carry the stand-ins' modules.
    const { startDynamoStandIn, startObjectAndMailStandIns } = await import('../adapters/local/embedded-stack.ts');
    const dynamo = await startDynamoStandIn({ dataDir, ports: options.ports });
    stopStandIns.push(dynamo.close);
    dynamoEndpoint = dynamo.endpoint;
    if (options.own) {
      const rest = await startObjectAndMailStandIns({ dataDir, ports: options.ports });
      stopStandIns.push(rest.close);
      endpoints = { dynamodb: dynamo.endpoint, ...rest.endpoints };
    }
  }
  const stop = async () => {
    await Promise.allSettled(stopStandIns.map((close) => close()));
  };

  const dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, region: REGION, credentials: CREDENTIALS });
  const clients: { destroy(): void }[] = [dynamo];
  try {
    await ensureTable(dynamo, TABLE_NAME);
  } catch (error) {
    dynamo.destroy();
    await stop();
    throw error;
  }

  const allEndpoints = once(async (): Promise<StackEndpoints> => {
    if (endpoints) return endpoints;
    const { startObjectAndMailStandIns } = await import('../adapters/local/embedded-stack.ts');
    const rest = await startObjectAndMailStandIns({ dataDir, ports: options.ports });
    stopStandIns.push(rest.close);
    endpoints = { dynamodb: dynamoEndpoint, ...rest.endpoints };
    return endpoints;
  });
  // The object store, uploads and SES, built on the first call that needs one of them.
  const filesAndMail = once(async () => {
    const at = await allEndpoints();
    const [{ S3BlobStore, s3ClientForEndpoint }, { S3UploadStorage }, { SesMailer }, { SESClient }] = await Promise.all(
      [
        import('../adapters/aws/s3-blob-store.ts'),
        import('../adapters/aws/s3-upload-storage.ts'),
        import('../adapters/aws/ses-mailer.ts'),
        import('@aws-sdk/client-ses'),
      ],
    );
    const s3 = s3ClientForEndpoint(at.s3, REGION);
    const ses = new SESClient({ endpoint: at.ses, region: REGION, credentials: CREDENTIALS });
    clients.push(s3, ses);
    await ensureBucket(s3, BUCKET_NAME, join(dataDir, 's3', BUCKET_NAME));
    return {
      blobs: new S3BlobStore(BUCKET_NAME, s3),
      // Signed with s3rver's own key, which the embedded stack's POST policy check verifies.
      uploads: new S3UploadStorage(BUCKET_NAME, s3),
      ses: new SesMailer(ses),
    };
  });
  if (options.own) await filesAndMail();

  const ctx: AppContext = {
    round: loadRound(options.roundId),
    blobs: lazyPort<BlobStore>(async () => (await filesAndMail()).blobs, BLOB_STORE_METHODS),
    records: dynamoDbRecords(TABLE_NAME, dynamo),
    // INTAKE_MAILER=smtp sends through INTAKE_SMTP_URL instead of the SES stand-in; the outbox keeps a copy either way.
    mailer: new OutboxMailer(
      join(dataDir, 'outbox'),
      mailerFromEnv(process.env, () => lazyPort<Mailer>(async () => (await filesAndMail()).ses, ['send'])),
    ),
    clock: options.clock ?? systemClock,
    mailFrom: process.env.INTAKE_MAIL_FROM ?? 'intake@localhost',
    limits: DEFAULT_LIMITS,
    uploads: lazyPort<UploadStorage>(async () => (await filesAndMail()).uploads, UPLOAD_STORAGE_METHODS),
  };

  return {
    ctx,
    endpoints: allEndpoints,
    dataDir,
    owner: running === null,
    async close() {
      for (const client of clients) client.destroy();
      await stop();
    },
  };
}

/** The damaged files of the local object store (s3rver's metadata and CORS files) of a data directory. */
export async function inspectLocalStore(dataDir: string): Promise<DamagedStoreFile[]> {
  return findDamagedStoreFiles(join(resolve(dataDir), 's3', BUCKET_NAME));
}

/** Re-creates damaged files of the local object store (see shared/adapters/local/s3rver-files.ts). */
export async function repairLocalStore(files: readonly DamagedStoreFile[]): Promise<void> {
  await repairStoreFiles(files);
}

/** Tells whether an `intake start` serves the data directory (its files are then in use by that process). */
export async function localStackRunning(dataDir: string): Promise<boolean> {
  return (await findRunningStack(resolve(dataDir))) !== null;
}

/** Records that this process serves the stack of a data directory. */
export async function writeStackFile(dataDir: string, endpoints: StackEndpoints): Promise<void> {
  const file: StackFile = { pid: process.pid, endpoints };
  await writeFile(join(dataDir, 'stack.json'), JSON.stringify(file, null, 2));
}

/** Removes the stack file when the stack stops. */
export async function removeStackFile(dataDir: string): Promise<void> {
  await rm(join(dataDir, 'stack.json'), { force: true });
}

async function findRunningStack(dataDir: string): Promise<StackFile | null> {
  let file: StackFile;
  try {
    file = JSON.parse(await readFile(join(dataDir, 'stack.json'), 'utf8')) as StackFile;
  } catch {
    return null;
  }
  if (file.pid === process.pid || !isAlive(file.pid)) return null;
  return file;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    } catch (createError) {
      // Another process created it between the two calls.
      if ((createError as { name?: string }).name !== 'ResourceInUseException') throw createError;
    }
    // dynalite answers CreateTable while the table is CREATING, and refuses writes until it is ACTIVE.
    const until = Date.now() + TABLE_ACTIVE_WAIT_MS;
    for (;;) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
      if (Date.now() > until) throw new Error(`table ${tableName} not ACTIVE after ${TABLE_ACTIVE_WAIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** How long a new local table may take to become ACTIVE. */
const TABLE_ACTIVE_WAIT_MS = 10_000;

async function ensureBucket(client: S3Client, bucket: string, bucketDir: string): Promise<void> {
  const { CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand } = await import('@aws-sdk/client-s3');
  // Missing (a new data directory) is created; anything else is a store that cannot be read, said with its path,
  // never papered over by a create that then fails with BucketAlreadyExists.
  let missing = false;
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const name = (error as { name?: string }).name;
    if (status === 404 || name === 'NotFound' || name === 'NoSuchBucket') missing = true;
    else {
      const damaged = await findDamagedStoreFiles(bucketDir);
      const detail = `本地对象存储答复 ${status ?? ''} ${name && name !== 'Unknown' ? name : ''}`
        .replace(/\s+/g, ' ')
        .trim();
      throw new StoreUnreadableError(bucketDir, detail, {
        cause: error,
        files: damaged.map((f) => f.path),
      });
    }
  }
  if (missing) {
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (error) {
      // Another process created it between the two calls.
      const name = (error as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
    }
  }
  // The stack's POST rule (infra/stateful-stack.ts), so the upload page can send its presigned forms from the app's
  // origin; set each time, so a data directory from before the rule gets it too.
  await client.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: { CORSRules: [{ AllowedMethods: ['POST'], AllowedOrigins: ['*'], MaxAgeSeconds: 3600 }] },
    }),
  );
}
