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
import { CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { dynamoDbRecords } from '../adapters/aws/records/index.ts';
import { S3BlobStore, s3ClientForEndpoint } from '../adapters/aws/s3-blob-store.ts';
import { S3UploadStorage } from '../adapters/aws/s3-upload-storage.ts';
import { SesMailer } from '../adapters/aws/ses-mailer.ts';
import { createTableInput } from '../adapters/aws/table.ts';
import type { EmbeddedStack, StackEndpoints } from '../adapters/local/embedded-stack.ts';
import { OutboxMailer } from '../adapters/local/outbox-mailer.ts';
import { type DamagedStoreFile, findDamagedStoreFiles, repairStoreFiles } from '../adapters/local/s3rver-files.ts';
import { mailerFromEnv } from '../adapters/smtp/smtp-mailer.ts';
import { StoreUnreadableError } from '../domain/errors.ts';
import { loadRound } from '../domain/rounds/index.ts';
import type { Clock } from '../ports/index.ts';
import { type AppContext, DEFAULT_LIMITS, systemClock } from '../use-cases/context.ts';

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
  endpoints: StackEndpoints;
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

/** Builds the local context: joins a running stack on the data directory or starts the stand-ins here. */
export async function createLocalContext(options: LocalContextOptions = {}): Promise<LocalContext> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const running = options.own ? null : await findRunningStack(dataDir);
  let stack: EmbeddedStack | null = null;
  let endpoints: StackEndpoints;
  if (running) {
    endpoints = running.endpoints;
  } else {
    // Loaded only here: a command joining a running stack does not carry the stand-ins' modules (~40 MB of RSS).
    const { startEmbeddedStack } = await import('../adapters/local/embedded-stack.ts');
    stack = await startEmbeddedStack({ dataDir, ports: options.ports });
    endpoints = stack.endpoints;
  }

  const dynamo = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: REGION, credentials: CREDENTIALS });
  const s3 = s3ClientForEndpoint(endpoints.s3, REGION);
  const ses = new SESClient({ endpoint: endpoints.ses, region: REGION, credentials: CREDENTIALS });
  try {
    await ensureTable(dynamo, TABLE_NAME);
    await ensureBucket(s3, BUCKET_NAME, join(dataDir, 's3', BUCKET_NAME));
  } catch (error) {
    dynamo.destroy();
    s3.destroy();
    ses.destroy();
    await stack?.close();
    throw error;
  }

  const ctx: AppContext = {
    round: loadRound(options.roundId),
    blobs: new S3BlobStore(BUCKET_NAME, s3),
    records: dynamoDbRecords(TABLE_NAME, dynamo),
    // INTAKE_MAILER=smtp sends through INTAKE_SMTP_URL instead of the SES stand-in; the outbox keeps a copy either way.
    mailer: new OutboxMailer(
      join(dataDir, 'outbox'),
      mailerFromEnv(process.env, () => new SesMailer(ses)),
    ),
    clock: options.clock ?? systemClock,
    mailFrom: process.env.INTAKE_MAIL_FROM ?? 'intake@localhost',
    limits: DEFAULT_LIMITS,
    // Signed with s3rver's own key, which the embedded stack's POST policy check verifies.
    uploads: new S3UploadStorage(BUCKET_NAME, s3),
  };

  return {
    ctx,
    endpoints,
    dataDir,
    owner: stack !== null,
    async close() {
      dynamo.destroy();
      s3.destroy();
      ses.destroy();
      await stack?.close();
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
  }
}

async function ensureBucket(
  client: ReturnType<typeof s3ClientForEndpoint>,
  bucket: string,
  bucketDir: string,
): Promise<void> {
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
