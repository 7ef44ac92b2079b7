/**
 * Intake of mail the SES receipt rule stored under `inbox/`: SQS batch of S3 notifications -> ingestStoredMessage
 * per object. Failed messages are reported individually (partial batch response): SQS retries only those and, after
 * three receives, parks them in the DLQ, which raises an alarm; nothing is dropped.
 */
import { ingestStoredMessage } from '../../shared/use-cases/intake.ts';
import { appContext } from '../shared/app-context.ts';
import { createdObjectsIn, sqsEventSchema } from '../shared/events.ts';
import { logFailure, parseEvent } from '../shared/failures.ts';

/** What Lambda expects back from an SQS handler with ReportBatchItemFailures. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** Ingests every object an SQS batch of S3 notifications reports; returns the messages that failed. */
export async function handler(event: unknown): Promise<SqsBatchResponse> {
  const { Records } = parseEvent(sqsEventSchema, event, 'SQS event');
  const context = await appContext();
  const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
  // One message after another: a message may carry large PDFs and archives, and memory is shared.
  for (const record of Records) {
    try {
      for (const object of createdObjectsIn(record.body)) {
        const result = await ingestStoredMessage(context, {
          key: object.key,
          channel: 'ses',
          receivedAt: object.eventTime,
        });
        console.info({ message: 'ingested', key: object.key, ...result });
      }
    } catch (error) {
      logFailure('ingest-email', error, {
        messageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
