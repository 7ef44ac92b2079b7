/**
 * Receive -> intake: S3 `inbox/` and `reprocess/requests/` notifications -> the ingest queue (with its DLQ) ->
 * ingest-email. Made in the stack's own scope (see stateless-stack.ts), so the logical ids are the stack's.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { bucketPrefixes, type StatefulRefs } from '../stateful-stack.ts';
import { IntakeFunction } from './intake-function.ts';
import { deadLetterQueue } from './queues.ts';

/** Parsing a message with PDFs and archives is the slow path; the queue timings derive from this. */
export const ingestTimeout = Duration.minutes(5);

/** With scanning on, S3 notifications wait this long in the queue, so most objects are tagged when ingest looks. */
export const scanGraceDelay = Duration.minutes(2);

/** What the ingest pipeline is built on. */
export interface IngestPipelineProps {
  readonly bucket: IBucket;
  readonly refs: StatefulRefs;
  /** The environment of a function that sends mail (acknowledgements). */
  readonly senderEnvironment: Record<string, string>;
  /** Whether intake waits for GuardDuty's verdict before reading an object. */
  readonly malwareProtection: boolean;
}

/** ingest-email, fed by the ingest queue, fed by the bucket's notifications. */
export class IngestPipeline {
  readonly ingestEmail: IntakeFunction;
  /** The queue S3 feeds with `inbox/` object-created notifications. */
  readonly queue: Queue;
  /** Where ingest messages go after three failed receives. */
  readonly deadLetterQueue: Queue;

  constructor(stack: Stack, props: IngestPipelineProps) {
    const { bucket, refs, malwareProtection } = props;
    this.ingestEmail = new IntakeFunction(stack, 'IngestEmail', {
      handlerFolder: 'ingest-email',
      description: 'Intake of raw mail stored under inbox/ (SES receipt rule, staff drops)',
      environment: {
        ...props.senderEnvironment,
        // Scans go to the ocr function: this one stays lean and quick.
        INTAKE_OCR: 'deferred',
        ...(malwareProtection ? { MALWARE_SCAN: 'required' } : {}),
      },
      memorySize: 1024,
      timeout: ingestTimeout,
    });
    this.deadLetterQueue = deadLetterQueue(
      stack,
      'IngestDeadLetterQueue',
      'This is the dead-letter queue of the ingest queue; the IngestDeadLetters alarm watches it.',
    );
    this.queue = new Queue(stack, 'IngestQueue', {
      // SSE-SQS, not SSE-KMS with the AWS managed key: S3 cannot publish notifications to the latter.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS guidance for Lambda consumers: at least six times the function timeout, so retries do not overlap.
      visibilityTimeout: Duration.seconds(ingestTimeout.toSeconds() * 6),
      // GuardDuty usually tags an object within a minute or two: reading after that avoids a 30-minute retry.
      ...(malwareProtection ? { deliveryDelay: scanGraceDelay } : {}),
      // A long weekend of failures must not expire mail.
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });
    // Imported bucket: the notification (a custom resource) then belongs to this stack, which owns the queue. It
    // keeps the bucket's EventBridge setting, which GuardDuty's scan relies on.
    bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue), {
      prefix: bucketPrefixes.inbox,
    });
    // Staff reprocess requests of the API take the same path: the queue's retries and DLQ, the scan gate.
    bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue), {
      prefix: bucketPrefixes.reprocessRequests,
    });
    this.ingestEmail.addEventSource(
      new SqsEventSource(this.queue, {
        // A batch is handled message after message: a few per invocation keep memory for PDFs bounded.
        batchSize: 5,
        reportBatchItemFailures: true,
        // Bounds the parallel writers during a deadline-day burst.
        maxConcurrency: 5,
      }),
    );
    // Intake reads what SES (or a channel of ours) stored under inbox/, where the message stays (it is the raw copy:
    // nothing goes to raw/, which only local intake of in-memory messages uses), and writes content-addressed
    // documents and OCR requests.
    this.ingestEmail.grantObjects(bucket, {
      read: [bucketPrefixes.inbox, bucketPrefixes.documents, bucketPrefixes.reprocessRequests],
      write: [bucketPrefixes.documents, bucketPrefixes.ocrRequests],
      ...(malwareProtection ? { readTags: [bucketPrefixes.inbox] } : {}),
    });
    this.ingestEmail.grantDataKeyViaS3(refs.dataKeyArn, { write: true });
  }
}
