/**
 * OCR of scans, off the ingest path: request objects under `ocr/requests/` invoke the ocr function asynchronously
 * (its own memory, time and concurrency cap), failed requests end in its DLQ. Made in the stack's own scope (see
 * stateless-stack.ts), so the logical ids are the stack's.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination as LambdaSqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { bucketPrefixes, type StatefulRefs } from '../stateful-stack.ts';
import { IntakeFunction } from './intake-function.ts';
import { deadLetterQueue } from './queues.ts';

/**
 * The ocr function: at most 10 pages of a scan, 30 s a page, two workers, plus starting them; retries and a cold
 * start on top. Memory: two workers with the 44 MB model and pdf.js's page images take ~1.5 GB; at 3 GB Lambda gives
 * close to two vCPUs, one per worker.
 */
export const ocrSettings = { timeout: Duration.minutes(6), memorySize: 3008, reservedConcurrency: 2 } as const;

/** The ocr function, invoked by the bucket's notifications of OCR requests, with its dead-letter queue. */
export class ScanRecognition {
  readonly ocr: IntakeFunction;
  /** OCR requests whose invocations failed after Lambda's retries (or were too old to run). */
  readonly deadLetterQueue: Queue;

  constructor(stack: Stack, props: { bucket: IBucket; refs: StatefulRefs; environment: Record<string, string> }) {
    const { bucket, refs } = props;
    this.ocr = new IntakeFunction(stack, 'Ocr', {
      handlerFolder: 'ocr',
      description: 'OCR of scanned self-assessments and report forms that intake left pending (tesseract.js)',
      environment: { ...props.environment, INTAKE_OCR: 'inline' },
      memorySize: ocrSettings.memorySize,
      timeout: ocrSettings.timeout,
      // Bounds the memory and the parallel writers when a deadline-day burst of scans arrives; the rest wait in
      // Lambda's event queue (up to maxEventAge).
      reservedConcurrency: ocrSettings.reservedConcurrency,
      // Its asset carries @napi-rs/canvas's native binary as npm installed it on the (x86_64) build machine.
      architecture: Architecture.X86_64,
    });
    this.deadLetterQueue = deadLetterQueue(
      stack,
      'OcrDeadLetterQueue',
      'This is the dead-letter queue (on-failure destination) of the ocr function; the OcrDeadLetters alarm watches it.',
    );
    this.ocr.configureAsyncInvoke({
      // A request met before intake recorded its document is retried (a minute, then two, later).
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new LambdaSqsDestination(this.deadLetterQueue),
    });
    bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.ocr), {
      prefix: bucketPrefixes.ocrRequests,
    });
    this.ocr.grantObjects(bucket, {
      read: [bucketPrefixes.ocrRequests, bucketPrefixes.documents],
      write: [bucketPrefixes.documents],
    });
    this.ocr.grantDataKeyViaS3(refs.dataKeyArn, { write: true });
  }
}
