/**
 * The code and its wiring, safe to destroy and redeploy: the four functions, the ingest queue and its DLQ, the
 * schedules, the HTTP API and the alarms. Data lives in the stateful stack and comes in through props.
 */
import { Aws, CfnOutput, Duration, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type CfnRole, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE_KEYS } from '../shared/adapters/aws/table.ts';
import { IntakeFunction } from './constructs/intake-function.ts';
import { acknowledgeManagedPolicies, acknowledgeWildcardResources } from './nag.ts';
import { bucketPrefixes, type StorageRefs } from './stateful-stack.ts';

/** Settings of the stateless stack: the stateful resources and the deployment settings. */
export interface StatelessStackProps extends StackProps {
  /** Bucket and table of the stateful stack. */
  readonly storage: StorageRefs;
  /** Sender of notices (an SES-verified identity: the address or its domain). */
  readonly mailFrom: string;
  /** The campaign round the functions serve. */
  readonly roundId: string;
  /** IANA time zone of the schedules. */
  readonly scheduleTimeZone: string;
  /** EventBridge Scheduler expression for the city notices. */
  readonly noticeSchedule: string;
  /** EventBridge Scheduler expression for the periodic re-evaluation. */
  readonly evaluateSchedule: string;
  /** Where alarms are sent; empty for nowhere (the alarms still show in the console). */
  readonly alarmEmail: string;
}

/** Parsing a message with PDFs and archives is the slow path; the queue timings derive from this. */
export const ingestTimeout = Duration.minutes(5);

/**
 * The table actions the DynamoDB record store uses (GetCommand, PutCommand, QueryCommand): no Scan, no deletes.
 * A test compares this list with the adapter's imports, so a new command cannot ship without its permission.
 */
export const recordStoreActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'];

/** Functions, ingest queue, schedules, HTTP API and alarms. */
export class StatelessStack extends Stack {
  /** The queue S3 feeds with `inbox/` object-created notifications. */
  readonly ingestQueue: Queue;
  /** Where ingest messages go after three failed receives. */
  readonly ingestDeadLetterQueue: Queue;
  /** The HTTP API serving the staff app. */
  readonly httpApi: HttpApi;
  /** The four functions, by handler folder. */
  readonly functions: Record<'ingest-email' | 'evaluate' | 'notify' | 'api', IntakeFunction>;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { storage } = props;
    const bucket = Bucket.fromBucketAttributes(this, 'Bucket', {
      bucketArn: storage.bucketArn,
      bucketName: storage.bucketName,
    });
    const environment = {
      TABLE_NAME: storage.tableName,
      BUCKET_NAME: storage.bucketName,
      MAIL_FROM: props.mailFrom,
      ROUND_ID: props.roundId,
    };

    // --- receive -> intake: S3 inbox/ -> SQS -> ingest-email
    const ingestEmail = new IntakeFunction(this, 'IngestEmail', {
      handlerFolder: 'ingest-email',
      description: 'Intake of raw mail stored by the SES receipt rule under inbox/',
      environment,
      memorySize: 1024,
      timeout: ingestTimeout,
      parsesPdf: true,
    });
    this.ingestDeadLetterQueue = new Queue(this, 'IngestDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.ingestDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the ingest queue; the IngestDeadLetters alarm watches it.',
    });
    this.ingestQueue = new Queue(this, 'IngestQueue', {
      // SSE-SQS, not SSE-KMS with the AWS managed key: S3 cannot publish notifications to the latter.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS guidance for Lambda consumers: at least six times the function timeout, so retries do not overlap.
      visibilityTimeout: Duration.seconds(ingestTimeout.toSeconds() * 6),
      // A long weekend of failures must not expire mail.
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.ingestDeadLetterQueue, maxReceiveCount: 3 },
    });
    // Imported bucket: the notification (a custom resource) then belongs to this stack, which owns the queue.
    bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.ingestQueue), {
      prefix: bucketPrefixes.inbox,
    });
    ingestEmail.addEventSource(
      new SqsEventSource(this.ingestQueue, {
        // A batch is handled message after message: a few per invocation keep memory for PDFs bounded.
        batchSize: 5,
        reportBatchItemFailures: true,
        // Bounds the parallel writers during a deadline-day burst.
        maxConcurrency: 5,
      }),
    );
    // Intake reads what SES stored, checks and writes content-addressed documents, and may store raw messages.
    grantObjects(ingestEmail, bucket, {
      read: [bucketPrefixes.inbox, bucketPrefixes.documents],
      write: [bucketPrefixes.raw, bucketPrefixes.documents],
    });

    // --- evaluate and notify, on schedules
    const evaluate = new IntakeFunction(this, 'Evaluate', {
      handlerFolder: 'evaluate',
      description: 'Recomputes every base status of the round',
      environment,
      timeout: Duration.minutes(2),
    });
    const notify = new IntakeFunction(this, 'Notify', {
      handlerFolder: 'notify',
      description: 'Sends the per-city notices of missing, invalid or late items',
      environment,
      timeout: Duration.minutes(2),
    });
    const senderDomain = props.mailFrom.slice(props.mailFrom.lastIndexOf('@') + 1);
    notify.addToRolePolicy(
      new PolicyStatement({
        // SesMailer uses SendRawEmail; SendEmail is its plain-text sibling. Either identity may be the verified one.
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [props.mailFrom, senderDomain].map((identity) =>
          this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
        ),
        conditions: { StringEquals: { 'ses:FromAddress': props.mailFrom } },
      }),
    );
    const timeZone = TimeZone.of(props.scheduleTimeZone);
    new Schedule(this, 'NoticeSchedule', {
      description: 'City notices',
      schedule: ScheduleExpression.expression(props.noticeSchedule, timeZone),
      target: new LambdaInvoke(notify, { input: scheduledEventInput(), retryAttempts: 2 }),
    });
    new Schedule(this, 'EvaluateSchedule', {
      description: 'Re-evaluation without new mail, e.g. to mark what is still missing as late after the deadline',
      schedule: ScheduleExpression.expression(props.evaluateSchedule, timeZone),
      target: new LambdaInvoke(evaluate, { input: scheduledEventInput(), retryAttempts: 2 }),
    });

    // --- query: HTTP API
    const api = new IntakeFunction(this, 'Api', {
      handlerFolder: 'api',
      description: 'Staff HTTP API and status page',
      environment,
      memorySize: 1024,
      // API Gateway gives up after 30 s.
      timeout: Duration.seconds(29),
    });
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Evaluation intake: staff API',
      defaultIntegration: new HttpLambdaIntegration('Api', api),
      // Signed (SigV4) callers only until staff sign-in exists: the data names people and companies.
      defaultAuthorizer: new HttpIamAuthorizer(),
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', { retention: RetentionDays.SIX_MONTHS });
    const stage = new HttpStage(this, 'HttpApiStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: httpAccessLogFormat() },
    });

    this.functions = { 'ingest-email': ingestEmail, evaluate, notify, api };
    for (const fn of Object.values(this.functions)) grantRecordStore(fn, storage.tableArn);

    // --- alarms
    const alarmTopic = new Topic(this, 'Alarms', { enforceSSL: true });
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch publishes to an encrypted topic only with a customer managed KMS key whose policy admits ' +
        'cloudwatch.amazonaws.com; the topic carries alarm names only. Left to the hardening issue.',
    });
    if (props.alarmEmail) alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const alarms = [
      new Alarm(this, 'IngestDeadLetters', {
        alarmDescription: 'Mail that failed intake three times is parked in the ingest DLQ: inspect and redrive it.',
        metric: this.ingestDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'NotifyErrors', {
        alarmDescription: 'The notice run failed: city bureaus may not have been told what is missing.',
        metric: notify.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(new SnsAction(alarmTopic));

    acknowledgeWildcardResources(
      this,
      [evaluate, notify].map((fn) => `${fn.functionArn}:*`),
      'Granted by the Scheduler L2 target: invoke this one function and its versions/aliases.',
    );
    acknowledgeCdkNotificationHandler(this);

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    new CfnOutput(this, 'IngestDeadLetterQueueUrl', { value: this.ingestDeadLetterQueue.queueUrl });
  }
}

/** Grants the record store's actions on the table and on each of its indexes by name (no `index/*`). */
function grantRecordStore(fn: IFunction, tableArn: string): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: recordStoreActions,
      resources: [tableArn, ...TABLE_KEYS.indexes.map((index) => `${tableArn}/index/${index.name}`)],
    }),
  );
}

/**
 * Grants GetObject/PutObject under the given prefixes, and ListBucket so a missing key reads as 404 (not 403) to
 * the adapter's `exists`. Object ARNs under a prefix cannot be spelled without a wildcard: those are acknowledged.
 */
function grantObjects(fn: IntakeFunction, bucket: IBucket, access: { read: string[]; write: string[] }): void {
  const readArns = access.read.map((prefix) => bucket.arnForObjects(`${prefix}*`));
  const writeArns = access.write.map((prefix) => bucket.arnForObjects(`${prefix}*`));
  fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: readArns }));
  // AbortMultipartUpload: the adapter streams large bodies as multipart uploads and cleans up after a failure.
  fn.addToRolePolicy(
    new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: writeArns }),
  );
  acknowledgeWildcardResources(
    fn.role as Role,
    [...new Set([...readArns, ...writeArns])],
    'Objects under one key prefix; their keys (SES message ids, content hashes) are not known at deploy time.',
  );
}

/** The L2 S3-notification handler (a CDK singleton) uses AWSLambdaBasicExecutionRole; we cannot change it. */
function acknowledgeCdkNotificationHandler(stack: Stack): void {
  const handler = stack.node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'));
  const role = handler?.node.tryFindChild('Role')?.node.defaultChild as CfnRole | undefined;
  if (role) acknowledgeManagedPolicies(role, 'CDK-internal handler that writes the bucket notification configuration.');
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

/** One JSON line per request, with HTTP API (not REST API) context variables. */
function httpAccessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      time: '$context.requestTime',
      ip: '$context.identity.sourceIp',
      caller: '$context.identity.userArn',
      method: '$context.httpMethod',
      path: '$context.path',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLength: '$context.responseLength',
      latencyMs: '$context.responseLatency',
      integrationError: '$context.integrationErrorMessage',
    }),
  );
}
