/**
 * Intake of mail stored under `inbox/`: by the SES receipt rule (or staff), by IMAP pickup in inbox mode
 * (`inbox/imap/`) and by the upload portal's completed sessions (`inbox/upload/`). SQS batch of S3 notifications ->
 * ingestStoredMessage per object, with the channel its prefix names and, for pickup and portal, the receive time
 * the writer kept in the object's `received-at` metadata (IMAP INTERNALDATE, last file of the upload). Failed messages are reported individually (partial batch response): SQS retries
 * only those and, after three receives, parks them in the DLQ, which raises an alarm; nothing is dropped. With
 * malware scanning on, an object is read only once GuardDuty has tagged it clean (see malware-scan.ts).
 * Staff reprocess requests (`reprocess/requests/`, written by the API function, which cannot read inbox/) come the
 * same way: the message they name is read again behind the same gate, and the reprocess is audited here.
 * A direct S3 event or SES receipt notification (a manual re-run, a local test) is handled the same way, all or
 * nothing.
 */

import { type ScanCheck, ScanPendingError, scanCheckFromEnv } from '../../shared/adapters/aws/malware-scan.ts';
import { isReprocessRequestKey, reprocessRequestSchema } from '../../shared/adapters/aws/s3-reprocess-hand-off.ts';
import type { Channel } from '../../shared/domain/records.ts';
import { RECEIVED_AT_METADATA } from '../../shared/ports/index.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { ingestStoredMessage } from '../../shared/use-cases/intake.ts';
import { reprocessSubmission } from '../../shared/use-cases/staff-actions.ts';
import { appContext } from '../shared/app-context.ts';
import { type CreatedObject, createdObjectsIn, ingestInvocationSchema, storedObjectsIn } from '../shared/events.ts';
import { logFailure, parseEvent } from '../shared/failures.ts';
import { type LambdaContext, logger } from '../shared/logger.ts';

/** What Lambda expects back from an SQS handler with ReportBatchItemFailures. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** What a direct invocation returns: each object with what became of it. */
export interface DirectIngestResponse {
  objects: { key: string; outcome: IngestOutcome }[];
}

/** What became of one created object: a message ingested (or known), refused by the scan, or reprocessed. */
export type IngestOutcome = 'ingested' | 'duplicate' | 'blocked' | 'reprocessed';

/** What ingest-email needs from outside; the Lambda entry point passes the AWS ones, tests the local ones. */
export interface IngestEmailDeps {
  /** The use cases' context. */
  context: () => Promise<AppContext>;
  /** The malware scan gate, or null where scanning is off. */
  scanCheck: ScanCheck | null;
}

/** Builds the handler on its dependencies. */
export function createIngestEmailHandler(deps: IngestEmailDeps) {
  return async function ingestEmail(
    event: unknown,
    lambdaContext?: LambdaContext,
  ): Promise<SqsBatchResponse | DirectIngestResponse> {
    if (lambdaContext) logger.addContext(lambdaContext);
    const invocation = parseEvent(ingestInvocationSchema, event, 'ingest-email invocation');
    const context = await deps.context();
    if (invocation.Records[0]?.eventSource !== 'aws:sqs') {
      // A manual run: every object must go through, or the caller hears why.
      const objects = storedObjectsIn(invocation as Parameters<typeof storedObjectsIn>[0]);
      const outcomes: DirectIngestResponse['objects'] = [];
      for (const object of objects)
        outcomes.push({ key: object.key, outcome: await ingestObject(context, deps, object) });
      return { objects: outcomes };
    }
    const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
    // One message after another: a message may carry large PDFs and archives, and memory is shared.
    for (const record of invocation.Records as {
      messageId: string;
      body: string;
      attributes: Record<string, string>;
    }[]) {
      try {
        for (const object of createdObjectsIn(record.body)) await ingestObject(context, deps, object);
      } catch (error) {
        logFailure('ingest-email', error, {
          messageId: record.messageId,
          receiveCount: record.attributes.ApproximateReceiveCount,
          scanPending: error instanceof ScanPendingError,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

/** Prefixes of `inbox/` written by our own channels rather than SES (whose keys are `inbox/<SES message id>`). */
export const INBOX_CHANNEL_PREFIXES: readonly { prefix: string; channel: Channel }[] = [
  { prefix: 'inbox/imap/', channel: 'imap' },
  { prefix: 'inbox/upload/', channel: 'upload' },
];

/** The channel a stored message came by, from its key. */
export function channelOfInboxKey(key: string): Channel {
  return INBOX_CHANNEL_PREFIXES.find((entry) => key.startsWith(entry.prefix))?.channel ?? 'ses';
}

/**
 * How a stored message is to be ingested: its channel and receive time. SES mail keeps the S3 event time (intake
 * prefers SES's Received: header anyway); pickup and portal objects carry the true time in their metadata.
 */
async function sourceOf(context: AppContext, object: CreatedObject): Promise<{ channel: Channel; receivedAt: Date }> {
  const channel = channelOfInboxKey(object.key);
  if (channel === 'ses' || !context.uploads) return { channel, receivedAt: object.eventTime };
  const stamp = (await context.uploads.head(object.key))?.metadata[RECEIVED_AT_METADATA];
  const receivedAt = stamp ? new Date(stamp) : null;
  if (!receivedAt || Number.isNaN(receivedAt.getTime())) {
    logger.warn({ message: 'no received-at metadata: the S3 event time stands in', key: object.key });
    return { channel, receivedAt: object.eventTime };
  }
  return { channel, receivedAt };
}

/**
 * A staff reprocess request: the message it names is read again once the scan passed it (a message with a threat
 * never is; it was quarantined when it came), and the reprocess is audited under the staff member who asked.
 */
async function reprocessObject(
  context: AppContext,
  deps: IngestEmailDeps,
  key: string,
): Promise<'reprocessed' | 'blocked'> {
  const request = reprocessRequestSchema.parse(JSON.parse((await context.blobs.get(key)).toString('utf8')));
  if (deps.scanCheck) {
    const verdict = await deps.scanCheck.verdict(request.rawKey);
    if (verdict.state === 'pending') throw new ScanPendingError(request.rawKey, verdict.status);
    if (verdict.state === 'infected') {
      logger.error({ message: 'reprocess refused: malware found', key: request.rawKey, ...request });
      return 'blocked';
    }
  }
  const result = await reprocessSubmission(context, {
    submissionId: request.submissionId,
    actor: request.actor,
    reason: request.reason,
  });
  logger.info({
    message: 'reprocessed',
    key: request.rawKey,
    submissionId: result.submissionId,
    actor: request.actor,
    findings: result.findings.map((finding) => finding.code),
  });
  return 'reprocessed';
}

/** Checks the scan verdict (when scanning is on), then ingests one stored message (or runs a reprocess request). */
async function ingestObject(context: AppContext, deps: IngestEmailDeps, object: CreatedObject): Promise<IngestOutcome> {
  if (isReprocessRequestKey(object.key)) return reprocessObject(context, deps, object.key);
  const { channel, receivedAt } = await sourceOf(context, object);
  if (deps.scanCheck) {
    const verdict = await deps.scanCheck.verdict(object.key);
    if (verdict.state === 'pending') throw new ScanPendingError(object.key, verdict.status);
    if (verdict.state === 'infected') {
      // Recorded as a quarantined submission (its attachments never opened) so staff see it beside the alarm.
      logger.error({ message: 'malware found: quarantined unopened', key: object.key });
      await ingestStoredMessage(context, {
        key: object.key,
        channel,
        receivedAt,
        quarantineReasons: ['恶意软件扫描 malware scan'],
      });
      return 'blocked';
    }
    if (verdict.state === 'unscannable') logger.warn({ message: 'malware scan unsupported: reading', key: object.key });
  }
  const result = await ingestStoredMessage(context, { key: object.key, channel, receivedAt });
  logger.info({
    message: 'ingested',
    key: object.key,
    submissionId: result.submissionId,
    duplicate: result.duplicate,
    baseId: result.baseId,
    findings: result.findings.map((finding) => finding.code),
  });
  return result.duplicate ? 'duplicate' : 'ingested';
}

/** The Lambda entry point. */
export const handler = createIngestEmailHandler({ context: appContext, scanCheck: scanCheckFromEnv(process.env) });
