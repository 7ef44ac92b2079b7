/**
 * The code and its wiring, safe to destroy and redeploy: the functions, the queues and their DLQs, the schedules,
 * the event routes (SES feedback, malware alerts), the HTTP API with its JWT authorizer and the alarms. Data lives
 * in the stateful stack and comes in through props.
 */
import { Aws, CfnOutput, Duration, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ClientAttributes, OAuthScope, UserPool, UserPoolClientIdentityProvider } from 'aws-cdk-lib/aws-cognito';
import { EventField, type EventPattern, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { type CfnRole, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination as LambdaSqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, EventType } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination, SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FunctionName } from './bundling.ts';
import { IntakeFunction } from './constructs/intake-function.ts';
import { acknowledgeManagedPolicies, acknowledgeWildcardResources } from './nag.ts';
import { bucketPrefixes, type StatefulRefs, scannedPrefixes } from './stateful-stack.ts';

export { recordStoreActions } from './constructs/intake-function.ts';

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

/** Settings of the stateless stack: the stateful resources and the deployment settings. */
export interface StatelessStackProps extends StackProps {
  /** Bucket, key, table, user pool and mail resources of the stateful stack. */
  readonly refs: StatefulRefs;
  /** Sender of notices (an SES-verified identity: the address or its domain; or the SMTP account's address). */
  readonly mailFrom: string;
  /** The campaign round the functions serve. */
  readonly roundId: string;
  /** IANA time zone of the schedules. */
  readonly scheduleTimeZone: string;
  /** EventBridge Scheduler expression for the city notices. */
  readonly noticeSchedule: string;
  /** EventBridge Scheduler expression for the periodic re-evaluation. */
  readonly evaluateSchedule: string;
  /** Where alarms are sent (required to deploy: see config.ts). */
  readonly alarmEmail: string;
  /** SES receipt (S3 notifications only) or IMAP pickup (plus a pickup function on a schedule). */
  readonly receiving: 'ses' | 'imap';
  /** SES (grants, feedback queue) or SMTP (the settings secret, no SES anything). */
  readonly sending: 'ses' | 'smtp';
  /** Whether intake waits for GuardDuty's verdict before reading an object. */
  readonly malwareProtection: boolean;
  /** receiving=imap: the mailbox to poll. */
  readonly imap?: ImapPickupSettings;
  /** A custom domain the HTTP API is also served at; registered as a hosted-UI callback beside the API's own URL. */
  readonly apiDomainName?: string;
}

/** Parsing a message with PDFs and archives is the slow path; the queue timings derive from this. */
export const ingestTimeout = Duration.minutes(5);

/** A poll copies at most `INTAKE_IMAP_BATCH_SIZE` messages (10) into the inbox; the rest wait for the next one. */
export const imapPickupTimeout = Duration.minutes(10);

/**
 * The ocr function: at most 10 pages of a scan, 30 s a page, two workers, plus starting them; retries and a cold
 * start on top. Memory: two workers with the 44 MB model and pdf.js's page images take ~1.5 GB; at 3 GB Lambda gives
 * close to two vCPUs, one per worker.
 */
export const ocrSettings = { timeout: Duration.minutes(6), memorySize: 3008, reservedConcurrency: 2 } as const;

/** The mail-feedback function: a batch of ten SES events, each a few table writes. */
export const mailFeedbackTimeout = Duration.seconds(30);

/**
 * SES's account-level reputation: AWS reviews an account at a 5 % bounce or 0.1 % complaint rate and may pause its
 * sending at 10 % / 0.5 %; the alarms fire at the review level, before notices stop going out.
 */
export const sesReputationThresholds = { bounceRate: 0.05, complaintRate: 0.001 } as const;

/** With scanning on, S3 notifications wait this long in the queue, so most objects are tagged when ingest looks. */
export const scanGraceDelay = Duration.minutes(2);

/** The detail-types SES publishes for the feedback events the configuration set sends. */
export const mailFeedbackDetailTypes = [
  'Email Bounced',
  'Email Complaint Received',
  'Email Rejected',
  'Email Delivery Delayed',
  'Email Rendering Failed',
];

/** Functions, queues, schedules, event routes, HTTP API and alarms. */
export class StatelessStack extends Stack {
  /** The queue S3 feeds with `inbox/` object-created notifications. */
  readonly ingestQueue: Queue;
  /** Where ingest messages go after three failed receives. */
  readonly ingestDeadLetterQueue: Queue;
  /** Runs and events that could not be delivered or failed after their retries (schedules, event routes). */
  readonly undeliveredQueue: Queue;
  /** OCR requests whose invocations failed after Lambda's retries (or were too old to run). */
  readonly ocrDeadLetterQueue: Queue;
  /** sending=ses: bounces, complaints, rejects and delays, consumed by the mail-feedback function. */
  readonly mailFeedbackQueue?: Queue;
  /** sending=ses: where mail-feedback events go after five failed receives (the MailFeedbackDeadLetters alarm). */
  readonly mailFeedbackDeadLetterQueue?: Queue;
  /** The HTTP API serving the staff app. */
  readonly httpApi: HttpApi;
  /** The project's functions, by handler folder (imap-pickup only with receiving=imap). */
  readonly functions: Partial<Record<FunctionName, IntakeFunction>>;
  /** The alarm topic. */
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { refs } = props;
    const bucket = Bucket.fromBucketAttributes(this, 'Bucket', {
      bucketArn: refs.bucketArn,
      bucketName: refs.bucketName,
    });
    const environment = {
      TABLE_NAME: refs.tableName,
      BUCKET_NAME: refs.bucketName,
      MAIL_FROM: props.mailFrom,
      ROUND_ID: props.roundId,
    };
    // Intake acknowledges submissions and notify sends notices: every function that runs either sends mail.
    const senderEnvironment = {
      ...environment,
      INTAKE_MAILER: props.sending,
      ...(refs.smtpSecretArn ? { INTAKE_SMTP_SECRET_ARN: refs.smtpSecretArn } : {}),
      ...(refs.configurationSetName ? { SES_CONFIGURATION_SET: refs.configurationSetName } : {}),
    };

    this.undeliveredQueue = this.deadLetterQueue(
      'UndeliveredQueue',
      'Holds scheduled runs and routed events that failed after their retries; the Undelivered alarm watches it.',
    );

    // --- receive -> intake: S3 inbox/ -> SQS -> ingest-email
    const ingestEmail = new IntakeFunction(this, 'IngestEmail', {
      handlerFolder: 'ingest-email',
      description: 'Intake of raw mail stored under inbox/ (SES receipt rule, staff drops)',
      environment: {
        ...senderEnvironment,
        // Scans go to the ocr function: this one stays lean and quick.
        INTAKE_OCR: 'deferred',
        ...(props.malwareProtection ? { MALWARE_SCAN: 'required' } : {}),
      },
      memorySize: 1024,
      timeout: ingestTimeout,
    });
    this.ingestDeadLetterQueue = this.deadLetterQueue(
      'IngestDeadLetterQueue',
      'This is the dead-letter queue of the ingest queue; the IngestDeadLetters alarm watches it.',
    );
    this.ingestQueue = new Queue(this, 'IngestQueue', {
      // SSE-SQS, not SSE-KMS with the AWS managed key: S3 cannot publish notifications to the latter.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS guidance for Lambda consumers: at least six times the function timeout, so retries do not overlap.
      visibilityTimeout: Duration.seconds(ingestTimeout.toSeconds() * 6),
      // GuardDuty usually tags an object within a minute or two: reading after that avoids a 30-minute retry.
      ...(props.malwareProtection ? { deliveryDelay: scanGraceDelay } : {}),
      // A long weekend of failures must not expire mail.
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.ingestDeadLetterQueue, maxReceiveCount: 3 },
    });
    // Imported bucket: the notification (a custom resource) then belongs to this stack, which owns the queue. It
    // keeps the bucket's EventBridge setting, which GuardDuty's scan relies on.
    bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.ingestQueue), {
      prefix: bucketPrefixes.inbox,
    });
    // Staff reprocess requests of the API take the same path: the queue's retries and DLQ, the scan gate.
    bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.ingestQueue), {
      prefix: bucketPrefixes.reprocessRequests,
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
    // Intake reads what SES (or a channel of ours) stored under inbox/, where the message stays (it is the raw copy:
    // nothing goes to raw/, which only local intake of in-memory messages uses), and writes content-addressed
    // documents and OCR requests.
    ingestEmail.grantObjects(bucket, {
      read: [bucketPrefixes.inbox, bucketPrefixes.documents, bucketPrefixes.reprocessRequests],
      write: [bucketPrefixes.documents, bucketPrefixes.ocrRequests],
      ...(props.malwareProtection ? { readTags: [bucketPrefixes.inbox] } : {}),
    });
    ingestEmail.grantDataKeyViaS3(refs.dataKeyArn, { write: true });

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
      environment: senderEnvironment,
      timeout: Duration.minutes(2),
      // One notice run at a time: a retried run must not race the first into sending a notice twice.
      reservedConcurrency: 1,
    });
    const timeZone = TimeZone.of(props.scheduleTimeZone);
    this.schedule('NoticeSchedule', 'City notices', props.noticeSchedule, timeZone, notify, 2);
    this.schedule(
      'EvaluateSchedule',
      'Re-evaluation without new mail, e.g. to mark what is still missing as late after the deadline',
      props.evaluateSchedule,
      timeZone,
      evaluate,
      2,
    );

    // --- IMAP pickup, where SES does not receive
    let imapPickup: IntakeFunction | undefined;
    if (props.receiving === 'imap') {
      if (!props.imap || !refs.imapSecretArn) throw new Error('receiving=imap needs the IMAP settings and secret');
      imapPickup = new IntakeFunction(this, 'ImapPickup', {
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
      imapPickup.grantObjects(bucket, {
        read: [bucketPrefixes.inboxImap, bucketPrefixes.imapState],
        write: [bucketPrefixes.inboxImap, bucketPrefixes.imapState],
      });
      imapPickup.grantDataKeyViaS3(refs.dataKeyArn, { write: true });
      imapPickup.grantSecretRead(refs.imapSecretArn);
      // No retries: the next poll is minutes away and takes up where this one stopped.
      this.schedule('ImapPickupSchedule', 'IMAP pickup', props.imap.schedule, timeZone, imapPickup, 0);
    }

    // --- OCR of scans: asynchronous, off the ingest path, its own memory, time and concurrency cap
    const ocr = new IntakeFunction(this, 'Ocr', {
      handlerFolder: 'ocr',
      description: 'OCR of scanned self-assessments and report forms that intake left pending (tesseract.js)',
      environment: { ...environment, INTAKE_OCR: 'inline' },
      memorySize: ocrSettings.memorySize,
      timeout: ocrSettings.timeout,
      // Bounds the memory and the parallel writers when a deadline-day burst of scans arrives; the rest wait in
      // Lambda's event queue (up to maxEventAge).
      reservedConcurrency: ocrSettings.reservedConcurrency,
      // Its asset carries @napi-rs/canvas's native binary as npm installed it on the (x86_64) build machine.
      architecture: Architecture.X86_64,
    });
    this.ocrDeadLetterQueue = this.deadLetterQueue(
      'OcrDeadLetterQueue',
      'This is the dead-letter queue (on-failure destination) of the ocr function; the OcrDeadLetters alarm watches it.',
    );
    ocr.configureAsyncInvoke({
      // A request met before intake recorded its document is retried (a minute, then two, later).
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new LambdaSqsDestination(this.ocrDeadLetterQueue),
    });
    bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(ocr), {
      prefix: bucketPrefixes.ocrRequests,
    });
    ocr.grantObjects(bucket, {
      read: [bucketPrefixes.ocrRequests, bucketPrefixes.documents],
      write: [bucketPrefixes.documents],
    });
    ocr.grantDataKeyViaS3(refs.dataKeyArn, { write: true });

    // --- query: HTTP API with a Cognito JWT authorizer
    const api = new IntakeFunction(this, 'Api', {
      handlerFolder: 'api',
      description: 'Staff HTTP API, status page and upload route',
      environment: {
        ...senderEnvironment,
        INTAKE_SESSION_SECRET_ARN: refs.sessionSecretArn,
        INTAKE_UPLOAD_LINK_SECRET_ARN: refs.uploadLinkSecretArn,
        // Completed portal sessions are stored under inbox/upload/ and ingested by the S3 event path (and scan).
        UPLOAD_INGEST: 'queued',
        // Staff reprocess is handed to ingest-email (reprocess/requests/): this function never reads inbox/.
        INTAKE_REPROCESS: 'queued',
        // A session's files are composed only once GuardDuty tagged each clean (completion asks the caller to wait).
        ...(props.malwareProtection ? { MALWARE_SCAN: 'required' } : {}),
      },
      memorySize: 1024,
      // API Gateway gives up after 30 s.
      timeout: Duration.seconds(29),
    });
    // The API runs no intake: uploads go under inbox/upload/ and staff reprocess under reprocess/requests/, both
    // for ingest-email behind the scan gate. The portal's presigned POSTs are signed with this role (so PutObject on
    // uploads/), with session records and heads there; documents/ is read for downloads.
    api.grantObjects(bucket, {
      read: [bucketPrefixes.documents, bucketPrefixes.uploads],
      write: [bucketPrefixes.uploads, bucketPrefixes.inboxUpload, bucketPrefixes.reprocessRequests],
      // The verdicts on the portal's files, read before a session is composed; never inbox/ (ingest's gate).
      ...(props.malwareProtection ? { readTags: [bucketPrefixes.uploads] } : {}),
    });
    api.grantDataKeyViaS3(refs.dataKeyArn, { write: true });
    api.grantSecretRead(refs.sessionSecretArn);
    api.grantSecretRead(refs.uploadLinkSecretArn);
    this.httpApi = this.staffApi(api, refs);
    // Acknowledgements (ingest) and digests (notify) offer each base its own upload link on the portal's public
    // origin, signed with the upload-link key the API checks it with (never the session key).
    const publicUrl = props.apiDomainName ? `https://${props.apiDomainName}` : this.httpApi.apiEndpoint;
    for (const sender of [ingestEmail, notify]) {
      sender.addEnvironment('INTAKE_PUBLIC_URL', publicUrl);
      sender.addEnvironment('INTAKE_UPLOAD_LINK_SECRET_ARN', refs.uploadLinkSecretArn);
      sender.grantSecretRead(refs.uploadLinkSecretArn);
    }
    // A Lambda response cannot exceed ~6 MB: downloads answer with a presigned GET of documents/ (read above).
    api.addEnvironment('INTAKE_FILE_DOWNLOADS', 'redirect');
    if (refs.userPoolDomainUrl) this.hostedUiSignIn(api, this.httpApi, refs, refs.userPoolDomainUrl, props);

    this.functions = {
      'ingest-email': ingestEmail,
      evaluate,
      notify,
      api,
      ocr,
      ...(imapPickup ? { 'imap-pickup': imapPickup } : {}),
    };
    // The IMAP pickup only copies mail into inbox/imap/: it has no business in the table.
    for (const fn of [ingestEmail, evaluate, notify, api, ocr]) fn.grantRecordStore(refs.tableArn);
    for (const fn of [ingestEmail, notify, api]) {
      this.grantMailSending(fn, props, refs);
    }

    // --- event routes: SES feedback, malware alerts
    if (props.sending === 'ses' && refs.configurationSetName) {
      const routed = this.routedQueue(
        'MailFeedback',
        {
          source: ['aws.ses'],
          detailType: mailFeedbackDetailTypes,
          detail: { mail: { tags: { 'ses:configuration-set': [refs.configurationSetName] } } },
        },
        // AWS guidance for Lambda consumers: at least six times the function timeout, so retries do not overlap.
        Duration.seconds(mailFeedbackTimeout.toSeconds() * 6),
      );
      this.mailFeedbackQueue = routed.queue;
      this.mailFeedbackDeadLetterQueue = routed.deadLetterQueue;
      // Bounces and complaints mark an address as failing, so notices stop going to it until staff clear it.
      const mailFeedback = new IntakeFunction(this, 'MailFeedbackHandler', {
        handlerFolder: 'mail-feedback',
        description: 'Marks addresses that bounced or complained',
        environment,
        timeout: mailFeedbackTimeout,
      });
      mailFeedback.addEventSource(
        new SqsEventSource(this.mailFeedbackQueue, { batchSize: 10, reportBatchItemFailures: true }),
      );
      mailFeedback.grantRecordStore(refs.tableArn);
      this.functions['mail-feedback'] = mailFeedback;
    }
    // --- alarms
    this.alarmTopic = this.encryptedAlarmTopic();
    this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    if (props.malwareProtection && refs.malwareProtectionPlanArn) this.scanAlerts(refs.malwareProtectionPlanArn);
    this.alarm(
      'IngestDeadLetters',
      'Mail that failed intake three times is parked in the ingest DLQ: inspect and redrive it.',
      this.visibleMessages(this.ingestDeadLetterQueue),
    );
    this.alarm(
      'IngestBacklog',
      'Mail has waited over an hour for intake (throttling, an outage, or scans that do not finish).',
      this.ingestQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      60 * 60,
    );
    this.alarm(
      'OcrDeadLetters',
      'A scan could not be recognised after the ocr function retried: it keeps its pending finding; redrive or review.',
      this.visibleMessages(this.ocrDeadLetterQueue),
    );
    this.alarm(
      'Undelivered',
      'A scheduled run (notices, evaluation, IMAP pickup) or a routed event failed after its retries.',
      this.visibleMessages(this.undeliveredQueue),
    );
    if (this.mailFeedbackDeadLetterQueue) {
      this.alarm(
        'MailFeedbackDeadLetters',
        'SES feedback (a bounce, complaint, reject or delay of a notice) could not be recorded after five tries: the ' +
          'address was not marked; inspect the MailFeedback DLQ and redrive it.',
        this.visibleMessages(this.mailFeedbackDeadLetterQueue),
      );
    }
    if (props.sending === 'ses') this.sesReputationAlarms();
    for (const [name, fn] of Object.entries(this.functions)) {
      this.alarm(
        `${fn.node.id}Errors`,
        `The ${name} function failed (see its log group).`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      );
      // ocr and imap-pickup are throttled by design (reserved concurrency; the extra runs wait in Lambda's event
      // queue); anywhere else a throttle is a request turned away or a batch delayed for want of concurrency.
      if (name === 'ocr' || name === 'imap-pickup') continue;
      this.alarm(
        `${fn.node.id}Throttles`,
        `The ${name} function was throttled (the account's or its reserved concurrency ran out).`,
        fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      );
    }
    this.alarm(
      'ApiServerErrors',
      'The HTTP API answered 5xx (the app failed, timed out after 29 s, or could not be invoked): see its access log.',
      this.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
    );

    acknowledgeCdkNotificationHandler(this);
    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint });
    new CfnOutput(this, 'IngestDeadLetterQueueUrl', { value: this.ingestDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'UndeliveredQueueUrl', { value: this.undeliveredQueue.queueUrl });
    new CfnOutput(this, 'OcrDeadLetterQueueUrl', { value: this.ocrDeadLetterQueue.queueUrl });
  }

  /** An SSE-SQS queue with TLS only, kept 14 days, that is itself a dead-letter queue (so has none). */
  private deadLetterQueue(id: string, reason: string): Queue {
    const queue = new Queue(this, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
    return queue;
  }

  /**
   * An EventBridge rule on the default bus into a new queue (with its own DLQ) for a Lambda consumer, events that
   * miss it to Undelivered.
   */
  private routedQueue(
    id: string,
    pattern: EventPattern,
    visibilityTimeout: Duration,
  ): { queue: Queue; deadLetterQueue: Queue } {
    const deadLetterQueue = this.deadLetterQueue(
      `${id}DeadLetterQueue`,
      `This is the dead-letter queue of the ${id} queue; the ${id}DeadLetters alarm watches it.`,
    );
    const queue = new Queue(this, `${id}Queue`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout,
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 },
    });
    new Rule(this, `${id}Rule`, {
      description: `Routes ${id} events to their queue`,
      eventPattern: pattern,
      targets: [new SqsQueue(queue, { deadLetterQueue: this.undeliveredQueue, retryAttempts: 8 })],
    });
    return { queue, deadLetterQueue };
  }

  /**
   * GuardDuty's threats and failed scans of this plan's prefixes, sent straight to the alarm topic as one line each
   * (bucket, key, verdict). There is nothing for code to do with them: ingest has quarantined the message unopened
   * (or retries it until its DLQ alarm fires) and the portal has refused the session, so a queue would only hold the
   * events for no one (as the ScanAlert queue did); the mail to the operators is the point.
   */
  private scanAlerts(planArn: string): void {
    const detail = (path: string) => EventField.fromPath(`$.detail.${path}`);
    const rule = new Rule(this, 'ScanAlertRule', {
      description: 'Sends GuardDuty threats and failed scans of the intake bucket to the alarm topic',
      eventPattern: {
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Malware Protection Object Scan Result'],
        resources: [planArn],
        detail: {
          s3ObjectDetails: { objectKey: scannedPrefixes.map((prefix) => ({ prefix })) },
          scanResultDetails: { scanResultStatus: ['THREATS_FOUND', 'ACCESS_DENIED', 'FAILED'] },
        },
      },
      targets: [
        new SnsTopic(this.alarmTopic, {
          message: RuleTargetInput.fromText(
            `MalwareFound: GuardDuty ${detail('scanResultDetails.scanResultStatus')} for ` +
              `s3://${detail('s3ObjectDetails.bucketName')}/${detail('s3ObjectDetails.objectKey')} ` +
              `(${EventField.time}). The object was not read (inbox/: quarantined unopened; uploads/: the portal ` +
              'refused its session). See docs/DEPLOY.md, Malware scanning.',
          ),
          // Publishing to the encrypted topic needs its key: a role for this rule, not a key policy for a service.
          authorizeUsingRole: true,
          deadLetterQueue: this.undeliveredQueue,
          retryAttempts: 8,
        }),
      ],
    });
    Validations.of(rule).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Granted by Topic.grantPublish to the rule’s role: data keys of the alarm topic’s own key (one key ARN), ' +
        'as SNS needs to publish to an encrypted topic.',
    });
  }

  /** SES's reputation of the account, at the levels where AWS starts a review (see sesReputationThresholds). */
  private sesReputationAlarms(): void {
    const reputation = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    this.alarm(
      'SesBounceRate',
      'The account’s SES bounce rate reached 5 %, where AWS reviews it (sending may be paused at 10 %): check the ' +
        'addresses that bounced (marked by mail-feedback) and the notices’ recipients.',
      reputation('Reputation.BounceRate'),
      sesReputationThresholds.bounceRate,
    );
    this.alarm(
      'SesComplaintRate',
      'The account’s SES complaint rate reached 0.1 %, where AWS reviews it (sending may be paused at 0.5 %).',
      reputation('Reputation.ComplaintRate'),
      sesReputationThresholds.complaintRate,
    );
  }

  /**
   * Runs a function on an EventBridge Scheduler schedule. The scheduler invokes asynchronously: its own retries
   * and DLQ cover delivery, the function's async retries and on-failure destination cover failed runs; both end in
   * the Undelivered queue, which raises an alarm.
   */
  private schedule(
    id: string,
    description: string,
    expression: string,
    timeZone: TimeZone,
    fn: IntakeFunction,
    retryAttempts: number,
  ): void {
    new Schedule(this, id, {
      description,
      schedule: ScheduleExpression.expression(expression, timeZone),
      target: new LambdaInvoke(fn, {
        input: scheduledEventInput(),
        // The same retries as the function's own (none for IMAP pickup: the next poll takes up where this stopped).
        retryAttempts,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.undeliveredQueue,
      }),
    });
    fn.configureAsyncInvoke({
      retryAttempts,
      maxEventAge: Duration.hours(1),
      onFailure: new LambdaSqsDestination(this.undeliveredQueue),
    });
    acknowledgeWildcardResources(
      this,
      [`${fn.functionArn}:*`],
      'Granted by the Scheduler L2 target: invoke this one function and its versions/aliases.',
    );
  }

  /**
   * Lets a function send as the sender only: over SES through the sender's identity (address or domain) and the
   * configuration set, or over SMTP with the settings secret (and nothing of SES).
   */
  private grantMailSending(fn: IntakeFunction, props: StatelessStackProps, refs: StatefulRefs): void {
    if (props.sending === 'smtp') {
      if (!refs.smtpSecretArn) throw new Error('sending=smtp needs the SMTP secret');
      fn.grantSecretRead(refs.smtpSecretArn);
      return;
    }
    const { mailFrom } = props;
    const { configurationSetName } = refs;
    const senderDomain = mailFrom.slice(mailFrom.lastIndexOf('@') + 1);
    fn.addToRolePolicy(
      new PolicyStatement({
        // SesMailer uses SendRawEmail; SendEmail is its plain-text sibling. Either identity may be the verified one.
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [
          ...[mailFrom, senderDomain].map((identity) =>
            this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
          ),
          ...(configurationSetName
            ? [this.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSetName })]
            : []),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': mailFrom } },
      }),
    );
  }

  /**
   * The HTTP API. The JSON API under /api takes a Cognito JWT, checked here at the gateway (its claims reach the
   * app in the event), except its public routes (OpenAPI document, upload portal). Pages, the hosted-UI sign-in
   * (/auth/*), city links (/l/{token}) and the health probe go to the app, which admits only its own signed session
   * (see shared/http/auth.ts). Throttled, with JSON access logs.
   */
  private staffApi(api: IntakeFunction, refs: StatefulRefs): HttpApi {
    const authorizer = new HttpJwtAuthorizer('StaffJwt', cognitoIssuer(refs), {
      jwtAudience: [refs.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
    const integration = new HttpLambdaIntegration('Api', api);
    const httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Evaluation intake: staff API',
      defaultIntegration: integration,
      createDefaultStage: false,
    });
    for (const path of ['/api', '/api/{proxy+}']) {
      httpApi.addRoutes({ path, methods: [HttpMethod.ANY], integration, authorizer });
    }
    // The app's public routes under /api would otherwise fall under /api/{proxy+}; the gateway takes the most
    // specific route, so these reach the app without a JWT.
    for (const [path, methods, reason] of publicApiRoutes) {
      for (const route of httpApi.addRoutes({ path, methods, integration })) {
        Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      }
    }
    const defaultRoute = httpApi.node.tryFindChild('DefaultRoute');
    if (defaultRoute) {
      Validations.of(defaultRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The pages, hosted-UI sign-in, per-city links and health probe are authorized by the app itself (signed ' +
          'session cookie, signed link), which a gateway JWT cannot carry; every JSON route under /api but the ' +
          'public ones (OpenAPI document, upload portal) has the JWT authorizer.',
      });
    }
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', { retention: RetentionDays.SIX_MONTHS });
    new HttpStage(this, 'HttpApiStage', {
      httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: httpAccessLogFormat() },
    });
    return httpApi;
  }

  /**
   * Staff sign-in to the pages through the hosted UI: a public app client (authorization code with PKCE) whose
   * callback is this API's URL (known only here, so the client lives here, on the imported pool) and the settings
   * the app reads (shared/http/oidc.ts).
   */
  private hostedUiSignIn(
    api: IntakeFunction,
    httpApi: HttpApi,
    refs: StatefulRefs,
    domainUrl: string,
    props: StatelessStackProps,
  ): void {
    const origins = [httpApi.apiEndpoint, ...(props.apiDomainName ? [`https://${props.apiDomainName}`] : [])];
    const client = UserPool.fromUserPoolId(this, 'StaffUsers', refs.userPoolId).addClient('WebSignIn', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: origins.map((origin) => `${origin}/auth/callback`),
        logoutUrls: origins.map((origin) => `${origin}/login`),
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      // Never custom:city: a bureau must not move itself to another city.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
      // The app turns the ID token into its own session at once; it keeps no Cognito token.
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    api.addEnvironment('COGNITO_DOMAIN', domainUrl);
    api.addEnvironment('COGNITO_CLIENT_ID', client.userPoolClientId);
    api.addEnvironment('COGNITO_ISSUER', cognitoIssuer(refs));
  }

  /** The alarm topic, encrypted with its own key that CloudWatch may use (it carries alarm names, not data). */
  private encryptedAlarmTopic(): Topic {
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Evaluation intake: alarm notifications',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        // Alarms of this account only (the confused-deputy guard AWS recommends for service principals).
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    return new Topic(this, 'Alarms', { enforceSSL: true, masterKey: key });
  }

  /** An alarm at `threshold` or above on one datapoint, sent to the alarm topic; missing data is not a breach. */
  private alarm(id: string, description: string, metric: IMetric, threshold = 1): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    return alarm;
  }

  private visibleMessages(queue: Queue): IMetric {
    return queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });
  }
}

/** Routes under /api that the app serves without sign-in, so without the gateway's JWT authorizer. */
const publicApiRoutes: [path: string, methods: HttpMethod[], reason: string][] = [
  [
    '/api/openapi.json',
    [HttpMethod.GET],
    'The OpenAPI document describes the API to its clients before they sign in; it holds no data.',
  ],
  [
    '/api/uploads',
    [HttpMethod.ANY],
    'The upload portal is for bases, which have no accounts (like the mailbox); what arrives is recorded as a ' +
      'submission and checked like mail. The app answers only POST here.',
  ],
  [
    '/api/uploads/{proxy+}',
    [HttpMethod.ANY],
    'Upload sessions of the portal, open to bases like /api/uploads; each session is authorized by the app with ' +
      'its own signed token.',
  ],
];

/** The issuer of the pool's tokens, from the partition's URL suffix so that it is right in the China regions too. */
function cognitoIssuer(refs: StatefulRefs): string {
  return `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${refs.userPoolId}`;
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

/** One JSON line per request, with HTTP API context variables; the caller is the token's subject, not a name. */
function httpAccessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      time: '$context.requestTime',
      ip: '$context.identity.sourceIp',
      caller: '$context.authorizer.claims.sub',
      method: '$context.httpMethod',
      path: '$context.path',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLength: '$context.responseLength',
      latencyMs: '$context.responseLatency',
      authorizerError: '$context.authorizer.error',
      integrationError: '$context.integrationErrorMessage',
    }),
  );
}
