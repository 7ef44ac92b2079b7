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
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
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
import { IntakeFunction } from './constructs/intake-function.ts';
import { bucketPrefixes } from './stateful-stack.ts';

/** Settings of the stateless stack: the stateful resources and the deployment settings. */
export interface StatelessStackProps extends StackProps {
  /** The bucket of the stateful stack. */
  readonly bucket: IBucket;
  /** The table of the stateful stack. */
  readonly table: ITable;
  /** Sender of notices (an SES-verified identity). */
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
const ingestTimeout = Duration.minutes(5);

/**
 * Which bucket prefixes each function may read and write; nothing else touches the bucket. Intake reads the mail
 * SES stored, checks and writes content-addressed documents, and may store raw messages it received otherwise.
 */
const bucketAccess = {
  ingestEmail: {
    read: [bucketPrefixes.inbox, bucketPrefixes.documents],
    write: [bucketPrefixes.raw, bucketPrefixes.documents],
  },
} satisfies Record<string, { read: string[]; write: string[] }>;

/** Functions, ingest queue, schedules, HTTP API and alarms. */
export class StatelessStack extends Stack {
  /** The queue S3 feeds with `inbox/` object-created notifications. */
  readonly ingestQueue: Queue;
  /** Where ingest messages go after three failed receives. */
  readonly ingestDeadLetterQueue: Queue;
  /** The HTTP API serving the staff app. */
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);

    const environment = {
      TABLE_NAME: props.table.tableName,
      BUCKET_NAME: props.bucket.bucketName,
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
      reason: 'This is the dead-letter queue of the ingest queue; it is watched by an alarm instead.',
    });
    this.ingestQueue = new Queue(this, 'IngestQueue', {
      // SSE-SQS, not SSE-KMS with the AWS managed key: S3 cannot publish notifications to the latter.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS guidance for Lambda consumers: at least six times the function timeout, so retries do not overlap.
      visibilityTimeout: Duration.seconds(ingestTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.ingestDeadLetterQueue, maxReceiveCount: 3 },
    });
    // The bucket is re-imported here so the notification (a custom resource) belongs to this stack; attaching it
    // to the stateful stack's bucket would make the stateful stack depend on this one, a cycle.
    const inbox = Bucket.fromBucketAttributes(this, 'Inbox', {
      bucketArn: props.bucket.bucketArn,
      bucketName: props.bucket.bucketName,
    });
    inbox.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.ingestQueue), {
      prefix: bucketPrefixes.inbox,
    });
    ingestEmail.addEventSource(
      new SqsEventSource(this.ingestQueue, {
        // Messages are handled one after another in a batch: a few per invocation keeps memory for PDFs bounded.
        batchSize: 5,
        reportBatchItemFailures: true,
        // Bounds the parallel writers to the table during a deadline-day burst.
        maxConcurrency: 5,
      }),
    );
    grantBucketAccess(ingestEmail, props.bucket, bucketAccess.ingestEmail);
    props.table.grantReadWriteData(ingestEmail);

    // --- evaluate and notify, on schedules
    const evaluate = new IntakeFunction(this, 'Evaluate', {
      handlerFolder: 'evaluate',
      description: 'Recomputes every base status of the round',
      environment,
      timeout: Duration.minutes(2),
    });
    props.table.grantReadWriteData(evaluate);

    const notify = new IntakeFunction(this, 'Notify', {
      handlerFolder: 'notify',
      description: 'Sends the per-city notices of missing, invalid or late items',
      environment,
      timeout: Duration.minutes(2),
    });
    props.table.grantReadWriteData(notify);
    notify.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        // Identity ARNs: the sender's, plus (in the SES sandbox) each verified recipient's; the condition pins From.
        resources: [this.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
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
      description:
        'Re-evaluation without new mail, e.g. to mark what is still missing as late once the deadline passes',
      schedule: ScheduleExpression.expression(props.evaluateSchedule, timeZone),
      target: new LambdaInvoke(evaluate, { input: scheduledEventInput(), retryAttempts: 2 }),
    });

    // --- query: HTTP API
    const api = new IntakeFunction(this, 'Api', {
      handlerFolder: 'api',
      description: 'Staff HTTP API and dashboard',
      environment,
      memorySize: 1024,
      // API Gateway gives up after 30 s.
      timeout: Duration.seconds(29),
    });
    props.table.grantReadWriteData(api);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Evaluation intake: staff API',
      defaultIntegration: new HttpLambdaIntegration('Api', api),
      // Signed (SigV4) callers only until the staff sign-in exists; the data names people and companies.
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

    // --- alarms
    const alarmTopic = new Topic(this, 'Alarms', { enforceSSL: true });
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch can publish to an encrypted topic only with a customer managed KMS key whose policy admits ' +
        'cloudwatch.amazonaws.com; the topic carries alarm names only. Scheduled with the hardening issue.',
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

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    new CfnOutput(this, 'IngestDeadLetterQueueUrl', { value: this.ingestDeadLetterQueue.queueUrl });
  }
}

/** Grants exactly GetObject/PutObject under the given prefixes, plus ListBucket so a missing key reads as 404. */
function grantBucketAccess(grantee: IGrantable, bucket: IBucket, access: { read: string[]; write: string[] }): void {
  const statements: PolicyStatement[] = [];
  if (access.read.length > 0) {
    statements.push(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: access.read.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
  }
  if (access.write.length > 0) {
    statements.push(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: access.write.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
  }
  for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
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

/** One JSON line per request with HTTP API (not REST API) context variables. */
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
