/**
 * File packages too large for an API response (behind API Gateway a Lambda answer stops at ~6 MB): the API writes a
 * request object under `bundles/requests/`, whose notification invokes the bundle-build function asynchronously; it
 * streams the zip into `bundles/files/` and records the job (shared/use-cases/bundle-jobs.ts), and the API hands out
 * a presigned link. Failed invocations end in its DLQ. Made in the stack's own scope (see stateless-stack.ts), so
 * the logical ids are the stack's.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import { SqsDestination as LambdaSqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { BUNDLE_BUILD_SECONDS, BUNDLE_QUEUED_MS } from '../../shared/use-cases/bundle-jobs.ts';
import { bucketPrefixes, type StatefulRefs } from '../stateful-stack.ts';
import { IntakeFunction } from './intake-function.ts';
import { deadLetterQueue } from './queues.ts';

/**
 * The bundle-build function. Timeout: 15 minutes, Lambda's most, and the job's lease (a round of GBs streams through
 * in a few minutes at S3's speed; past that the job reads as failed and can be asked for again). Memory: the zip is
 * streamed, one stored file open at a time, into a multipart upload of four 5 MB parts in flight, beside the index
 * workbook of a round (~1,200 rows): the round-wide benchmark of 30 bases × 40 files peaks under 300 MB, and 1024 MB
 * leaves room and gives the deflate of uncompressed files about 0.6 vCPU. No /tmp beyond the default: nothing is
 * written to disk.
 */
export const bundleBuildSettings = {
  timeout: Duration.seconds(BUNDLE_BUILD_SECONDS),
  memorySize: 1024,
  // A request older than this reads as lost on the job's page (see BUNDLE_QUEUED_MS): no use building it later.
  maxEventAge: Duration.millis(BUNDLE_QUEUED_MS),
} as const;

/** The bundle-build function, invoked by the bucket's notifications of package requests, with its DLQ. */
export class PackageBuilds {
  readonly builder: IntakeFunction;
  /** Package requests whose invocations failed after Lambda's retries (the job could not be recorded). */
  readonly deadLetterQueue: Queue;

  constructor(stack: Stack, props: { bucket: IBucket; refs: StatefulRefs; environment: Record<string, string> }) {
    const { bucket, refs } = props;
    this.builder = new IntakeFunction(stack, 'BundleBuild', {
      handlerFolder: 'bundle-build',
      description: 'Builds file packages (zip) too large for an API response into bundles/files/',
      environment: props.environment,
      memorySize: bundleBuildSettings.memorySize,
      timeout: bundleBuildSettings.timeout,
    });
    this.deadLetterQueue = deadLetterQueue(
      stack,
      'BundleBuildDeadLetterQueue',
      'This is the dead-letter queue (on-failure destination) of the bundle-build function; the ' +
        'BundleBuildDeadLetters alarm watches it.',
    );
    this.builder.configureAsyncInvoke({
      // A failed build is recorded on its job, not thrown: a retry is for a job that could not be recorded.
      retryAttempts: 2,
      maxEventAge: bundleBuildSettings.maxEventAge,
      onFailure: new LambdaSqsDestination(this.deadLetterQueue),
    });
    bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.builder), {
      prefix: bucketPrefixes.bundleRequests,
    });
    // The job id is in the request's key: the request objects themselves are never read.
    this.builder.grantObjects(bucket, { read: [bucketPrefixes.documents], write: [bucketPrefixes.bundleFiles] });
    this.builder.grantDataKeyViaS3(refs.dataKeyArn, { write: true });
  }
}
