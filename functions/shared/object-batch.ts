/**
 * Runs a function once per unit of an invocation. An SQS batch reports each failed message on its own (partial
 * batch response: SQS retries only those and, after its receive limit, parks them in the DLQ, which raises an
 * alarm; nothing is dropped). For the ingest function's queue each message is an S3 notification, and each object
 * it reports created is one unit; a direct S3 event or SES receipt notification (a manual re-run, a local test) goes
 * all or nothing, and says what became of each object.
 */
import {
  type CreatedObject,
  createdObjectsIn,
  ingestInvocationSchema,
  sqsEventSchema,
  storedObjectsIn,
} from './events.ts';
import { logFailure, parseEvent } from './failures.ts';

/** What Lambda expects back from an SQS handler with ReportBatchItemFailures. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** What a direct invocation returns: each object with what became of it. */
export interface DirectResponse<Outcome> {
  objects: { key: string; outcome: Outcome }[];
}

/** One SQS message as `forEachSqsMessage` hands it on. */
interface SqsMessage {
  messageId: string;
  body: string;
  attributes: { ApproximateReceiveCount: string };
}

/** Runs `each` on the messages of an SQS batch, one after another; a message that throws is logged and reported. */
async function eachMessage(
  operation: string,
  records: readonly SqsMessage[],
  each: (body: string) => Promise<unknown>,
  failureDetails: (error: unknown) => Record<string, unknown> = () => ({}),
): Promise<SqsBatchResponse> {
  const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
  for (const record of records) {
    try {
      await each(record.body);
    } catch (error) {
      logFailure(operation, error, {
        messageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount,
        ...failureDetails(error),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

/** Runs `each` on the body of every message of an SQS batch (`event`), one after another. */
export async function forEachSqsMessage(
  operation: string,
  event: unknown,
  each: (body: string) => Promise<unknown>,
): Promise<SqsBatchResponse> {
  const batch = parseEvent(sqsEventSchema, event, `${operation} batch`);
  return eachMessage(operation, batch.Records, each);
}

/** Runs `each` on every created object of `event`, one after another (memory is shared). */
export async function forEachCreatedObject<Outcome>(
  operation: string,
  event: unknown,
  each: (object: CreatedObject) => Promise<Outcome>,
  failureDetails: (error: unknown) => Record<string, unknown> = () => ({}),
): Promise<SqsBatchResponse | DirectResponse<Outcome>> {
  const invocation = parseEvent(ingestInvocationSchema, event, `${operation} invocation`);
  if (invocation.Records[0]?.eventSource !== 'aws:sqs') {
    const objects: DirectResponse<Outcome>['objects'] = [];
    for (const object of storedObjectsIn(invocation as Parameters<typeof storedObjectsIn>[0]))
      objects.push({ key: object.key, outcome: await each(object) });
    return { objects };
  }
  const objectsOf = async (body: string) => {
    for (const object of createdObjectsIn(body)) await each(object);
  };
  return eachMessage(operation, invocation.Records as SqsMessage[], objectsOf, failureDetails);
}
