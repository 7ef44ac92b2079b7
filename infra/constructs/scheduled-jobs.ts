/**
 * What runs on a schedule: evaluate (re-evaluation without new mail), notify (the city notices) and, where SES does
 * not receive, the IMAP pickup. Made in the stack's own scope (see stateless-stack.ts), so the logical ids are the
 * stack's.
 */
import { Aws, Duration, type Stack, TimeZone } from 'aws-cdk-lib';
import { SqsDestination as LambdaSqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { acknowledgeWildcardResources } from '../nag.ts';
import { bucketPrefixes, type StatefulRefs } from '../stateful-stack.ts';
import { IntakeFunction } from './intake-function.ts';

/** A poll copies at most `INTAKE_IMAP_BATCH_SIZE` messages (10) into the inbox; the rest wait for the next one. */
export const imapPickupTimeout = Duration.minutes(10);

/** IMAP pickup settings (receiving=imap); the password is in the stateful stack's secret. */
export interface ImapPickupSettings {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user: string;
  /** Empty: flag processed mail instead of moving it. */
  readonly processedMailbox: string;
  /** Scheduler expression of the polls. */
  readonly schedule: string;
}

/** What the scheduled jobs are built on. */
export interface ScheduledJobsProps {
  readonly bucket: IBucket;
  readonly refs: StatefulRefs;
  /** The environment of every function (table, bucket, sender, round). */
  readonly environment: Record<string, string>;
  /** The environment of a function that sends mail (notices). */
  readonly senderEnvironment: Record<string, string>;
  /** IANA time zone of the schedules. */
  readonly scheduleTimeZone: string;
  /** EventBridge Scheduler expressions of the city notices and of the periodic re-evaluation. */
  readonly noticeSchedule: string;
  readonly evaluateSchedule: string;
  /** receiving=imap: the mailbox to poll (no pickup without it). */
  readonly imap?: ImapPickupSettings;
  /** Scheduled runs that failed after their retries. */
  readonly undelivered: Queue;
}

/** evaluate and notify on their schedules, and the IMAP pickup on its own where the deployment receives over IMAP. */
export class ScheduledJobs {
  readonly evaluate: IntakeFunction;
  readonly notify: IntakeFunction;
  /** Only with receiving=imap. */
  readonly imapPickup?: IntakeFunction;

  constructor(
    private readonly stack: Stack,
    private readonly props: ScheduledJobsProps,
  ) {
    const { refs } = props;
    this.evaluate = new IntakeFunction(stack, 'Evaluate', {
      handlerFolder: 'evaluate',
      description: 'Recomputes every base status of the round',
      environment: props.environment,
      timeout: Duration.minutes(2),
    });
    this.notify = new IntakeFunction(stack, 'Notify', {
      handlerFolder: 'notify',
      description: 'Sends the per-city notices of missing, invalid or late items',
      environment: props.senderEnvironment,
      timeout: Duration.minutes(2),
      // One notice run at a time: a retried run must not race the first into sending a notice twice.
      reservedConcurrency: 1,
    });
    this.schedule('NoticeSchedule', 'City notices', props.noticeSchedule, this.notify, 2);
    this.schedule(
      'EvaluateSchedule',
      'Re-evaluation without new mail, e.g. to mark what is still missing as late after the deadline',
      props.evaluateSchedule,
      this.evaluate,
      2,
    );
    if (!props.imap) return;
    if (!refs.imapSecretArn) throw new Error('receiving=imap needs the IMAP settings and secret');
    const imapPickup = new IntakeFunction(stack, 'ImapPickup', {
      handlerFolder: 'imap-pickup',
      description: 'Picks up new mail from the IMAP mailbox into inbox/imap/ for ingest-email',
      environment: {
        BUCKET_NAME: refs.bucketName,
        // The pickup's settings (shared/adapters/imap/imap-settings.ts); the password stays in the secret.
        INTAKE_IMAP_HOST: props.imap.host,
        INTAKE_IMAP_PORT: String(props.imap.port),
        INTAKE_IMAP_SECURE: String(props.imap.secure),
        INTAKE_IMAP_USER: props.imap.user,
        INTAKE_IMAP_PROCESSED_MAILBOX: props.imap.processedMailbox,
        INTAKE_IMAP_SECRET_ARN: refs.imapSecretArn,
      },
      memorySize: 512,
      timeout: imapPickupTimeout,
      // One IMAP session at a time: polls must not overlap on the mailbox or its cursor.
      reservedConcurrency: 1,
    });
    // Mail goes through inbox/imap/ and the S3 event path like SES mail: ingest-email reads it as a stream
    // (memory bounded whatever the message's size), after the malware scan when that is on; the pickup only copies
    // bytes, sends nothing and parses nothing. It reads inbox/imap/ only to see whether a re-run stored a message.
    imapPickup.grantObjects(props.bucket, {
      read: [bucketPrefixes.inboxImap, bucketPrefixes.imapState],
      write: [bucketPrefixes.inboxImap, bucketPrefixes.imapState],
    });
    imapPickup.grantDataKeyViaS3(refs.dataKeyArn, { write: true });
    imapPickup.grantSecretRead(refs.imapSecretArn);
    // No retries: the next poll is minutes away and takes up where this one stopped.
    this.schedule('ImapPickupSchedule', 'IMAP pickup', props.imap.schedule, imapPickup, 0);
    this.imapPickup = imapPickup;
  }

  /**
   * Runs a function on an EventBridge Scheduler schedule. The scheduler invokes asynchronously: its own retries
   * and DLQ cover delivery, the function's async retries and on-failure destination cover failed runs; both end in
   * the Undelivered queue, which raises an alarm.
   */
  private schedule(id: string, description: string, expression: string, fn: IntakeFunction, retryAttempts: number) {
    const { undelivered } = this.props;
    new Schedule(this.stack, id, {
      description,
      schedule: ScheduleExpression.expression(expression, TimeZone.of(this.props.scheduleTimeZone)),
      target: new LambdaInvoke(fn, {
        input: scheduledEventInput(),
        // The same retries as the function's own (none for IMAP pickup: the next poll takes up where this stopped).
        retryAttempts,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: undelivered,
      }),
    });
    fn.configureAsyncInvoke({
      retryAttempts,
      maxEventAge: Duration.hours(1),
      onFailure: new LambdaSqsDestination(undelivered),
    });
    acknowledgeWildcardResources(
      this.stack,
      [`${fn.functionArn}:*`],
      'Granted by the Scheduler L2 target: invoke this one function and its versions/aliases.',
    );
  }
}

/**
 * The scheduler sends an EventBridge "Scheduled Event" with the scheduled (not the actual) time, so a retried run
 * evaluates as of the same instant and sends the same notices.
 */
function scheduledEventInput(): ScheduleTargetInput {
  return ScheduleTargetInput.fromObject({
    version: '0',
    id: ContextAttribute.executionId,
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: Aws.ACCOUNT_ID,
    region: Aws.REGION,
    time: ContextAttribute.scheduledTime,
    resources: [ContextAttribute.scheduleArn],
    detail: {},
  });
}
