/**
 * The embedded stand-ins for AWS, started inside this process: dynalite (DynamoDB, LevelDB on disk), s3rver (S3,
 * files on disk) and aws-ses-v2-local (SES). The real SDK clients talk to them over loopback HTTP, so the adapters
 * are the same ones that run in AWS. Data lives under the data directory and survives restarts.
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';

/** Loopback endpoints of a running embedded stack. */
export interface StackEndpoints {
  dynamodb: string;
  s3: string;
  ses: string;
}

/** A started embedded stack. */
export interface EmbeddedStack {
  endpoints: StackEndpoints;
  /** Stops the servers; data stays on disk. */
  close(): Promise<void>;
}

/** Options of the embedded stack; port 0 picks a free one. */
export interface EmbeddedStackOptions {
  dataDir: string;
  host?: string;
  ports?: Partial<Record<keyof StackEndpoints, number>>;
}

/** Starts dynalite, s3rver and aws-ses-v2-local on loopback, with their data under `dataDir`. */
export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const dynamo = await startDynamoStandIn(options);
  const rest = await startObjectAndMailStandIns(options);
  return {
    endpoints: { dynamodb: dynamo.endpoint, ...rest.endpoints },
    async close() {
      await Promise.allSettled([dynamo.close(), rest.close()]);
    },
  };
}

/** A stand-in that serves one endpoint. */
export interface StandIn<E> {
  endpoint: E;
  close(): Promise<void>;
}

/** Starts dynalite alone (the record store): what every command needs. */
export async function startDynamoStandIn(options: EmbeddedStackOptions): Promise<StandIn<string>> {
  const host = options.host ?? '127.0.0.1';
  const dynamoDir = join(options.dataDir, 'dynamodb');
  await mkdir(dynamoDir, { recursive: true });
  closeFinishedIterators();
  const dynamo = dynalite({ path: dynamoDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(dynamo, options.ports?.dynamodb ?? 0, host);
  return { endpoint: `http://${host}:${port}`, close: () => closeServer(dynamo) };
}

/**
 * Starts s3rver and aws-ses-v2-local, the stand-ins a command needs only once it reads or writes a file or sends
 * mail. Their modules are imported here, on first use: together they weigh more than dynalite, the SDK's DynamoDB
 * client and the round (mailparser, koa, handlebars, lodash ...).
 */
export async function startObjectAndMailStandIns(
  options: EmbeddedStackOptions,
): Promise<{ endpoints: Omit<StackEndpoints, 'dynamodb'>; close(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? {};
  const s3Dir = join(options.dataDir, 's3');
  await mkdir(s3Dir, { recursive: true });
  const [{ default: S3rver }, { default: sesLocalModule }, { postPolicyCheck }] = await Promise.all([
    import('s3rver'),
    import('aws-ses-v2-local'),
    import('./s3rver-post-policy.ts'),
  ]);
  const s3 = new S3rver({ address: host, port: ports.s3 ?? 0, silent: true, directory: s3Dir });
  // First in the chain, before s3rver's router: S3 checks a POST policy before it stores anything.
  (s3 as unknown as { middleware: unknown[] }).middleware.unshift(postPolicyCheck());
  const s3Address = await s3.run();

  // aws-ses-v2-local is CommonJS with `exports.default`: Node's ESM loader hands over the exports object, bundlers
  // and vitest the function itself.
  const startSesLocal: typeof sesLocalModule =
    (sesLocalModule as unknown as { default?: typeof sesLocalModule }).default ?? sesLocalModule;
  const ses = await startSesLocal({ host, port: ports.ses ?? 0 });
  const sesPort = (ses.address() as AddressInfo).port;

  return {
    endpoints: { s3: `http://${host}:${s3Address.port}`, ses: `http://${host}:${sesPort}` },
    async close() {
      await Promise.allSettled([s3.close(), closeServer(ses)]);
    },
  };
}

/**
 * dynalite 4.0 reads every Query and Scan through a stream over an abstract-level iterator, and closes it with the
 * iterator's `return()`, which abstract-level's iterators do not have (they have `close()`): each Query left a LevelDB
 * iterator open, ~25 KB of native memory, until the store closed (a whole-round status grew by ~150 MB, a running
 * `intake start` for ever). Giving the iterators that `return()` lets the stream close them once read.
 */
function closeFinishedIterators(): void {
  // abstract-level as dynalite's LevelDB loads it (dynalite -> level -> classic-level -> abstract-level).
  const at = ['dynalite', 'level', 'classic-level'].reduce(
    (from, module) => createRequire(from).resolve(module),
    import.meta.url,
  );
  const iterators = createRequire(at)('abstract-level') as Record<string, { prototype: { return?: unknown } }>;
  for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
    const prototype = iterators[name]?.prototype;
    if (prototype && prototype.return === undefined) {
      prototype.return = function (this: { close(): Promise<void> }) {
        return this.close();
      };
    }
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}
