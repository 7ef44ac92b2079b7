/**
 * Runs a function once per created object of an invocation, the way the ingest function's queue needs it: an SQS
 * batch of S3 notifications reports each failed message on its own (partial batch response: SQS retries only those
 * and, after three receives, parks them in the DLQ, which raises an alarm; nothing is dropped); a direct S3 event
 * or SES receipt notification (a manual re-run, a local test) goes all or nothing, and says what became of each.
 */
import { type CreatedObject, createdObjectsIn, ingestInvocationSchema, storedObjectsIn } from './events.ts';
import { logFailure, parseEvent } from './failures.ts';

/** What Lambda expects back from an SQS handler with ReportBatchItemFailures. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** What a direct invocation returns: each object with what became of it. */
export interface DirectResponse<Outcome> {
  objects: { key: string; outcome: Outcome }[];
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
  const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
  for (const record of invocation.Records as {
    messageId: string;
    body: string;
    attributes: Record<string, string>;
  }[]) {
    try {
      for (const object of createdObjectsIn(record.body)) await each(object);
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
