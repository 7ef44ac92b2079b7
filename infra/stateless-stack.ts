/**
 * The code and its wiring, safe to destroy and redeploy: the functions, the queues and their DLQs, the schedules,
 * the event routes (SES feedback, malware alerts), the HTTP API with its JWT authorizer and the alarms. Data lives
 * in the stateful stack and comes in through props.
 *
 * The stack is put together from parts by what they do (infra/constructs/): the ingest pipeline, scan recognition,
 * the scheduled jobs, the staff API, SES feedback and the alarms. Each part makes its resources in the stack's own
 * scope rather than under a construct of its own, so that the logical ids stay those of the stack as deployed
 * before the parts existed (a construct in between would rename, and so replace, every resource). The parts are
 * made in the order the resources were always made, and the grants that span parts (record store, mail sending,
 * the upload-link key) are given here, so every role's policy and the bucket's notifications read as before.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { type CfnRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FunctionName } from './bundling.ts';
import { Alarms } from './constructs/alarms.ts';
import { IngestPipeline } from './constructs/ingest-pipeline.ts';
import type { IntakeFunction } from './constructs/intake-function.ts';
import { MailFeedback } from './constructs/mail-feedback.ts';
import { PackageBuilds } from './constructs/package-builds.ts';
import { deadLetterQueue } from './constructs/queues.ts';
import { ScanRecognition } from './constructs/scan-recognition.ts';
import { type ImapPickupSettings, ScheduledJobs } from './constructs/scheduled-jobs.ts';
import { StaffApi } from './constructs/staff-api.ts';
import { acknowledgeManagedPolicies } from './nag.ts';
import type { StatefulRefs } from './stateful-stack.ts';

export { sesReputationThresholds } from './constructs/alarms.ts';
export { ingestTimeout, scanGraceDelay } from './constructs/ingest-pipeline.ts';
export { recordStoreActions } from './constructs/intake-function.ts';
export { mailFeedbackDetailTypes, mailFeedbackTimeout } from './constructs/mail-feedback.ts';
export { bundleBuildSettings } from './constructs/package-builds.ts';
export { ocrSettings } from './constructs/scan-recognition.ts';
export { type ImapPickupSettings, imapPickupTimeout } from './constructs/scheduled-jobs.ts';

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
  /** Package requests whose bundle-build invocations failed after Lambda's retries. */
  readonly bundleBuildDeadLetterQueue: Queue;
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
    if (props.receiving === 'imap' && (!props.imap || !refs.imapSecretArn)) {
      throw new Error('receiving=imap needs the IMAP settings and secret');
    }
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
    this.undeliveredQueue = deadLetterQueue(
      this,
      'UndeliveredQueue',
      'Holds scheduled runs and routed events that failed after their retries; the Undelivered alarm watches it.',
    );

    const { malwareProtection } = props;
    const ingest = new IngestPipeline(this, { bucket, refs, senderEnvironment, malwareProtection });
    this.ingestQueue = ingest.queue;
    this.ingestDeadLetterQueue = ingest.deadLetterQueue;
    const jobs = new ScheduledJobs(this, {
      bucket,
      refs,
      environment,
      senderEnvironment,
      scheduleTimeZone: props.scheduleTimeZone,
      noticeSchedule: props.noticeSchedule,
      evaluateSchedule: props.evaluateSchedule,
      ...(props.receiving === 'imap' && props.imap ? { imap: props.imap } : {}),
      undelivered: this.undeliveredQueue,
    });
    const scans = new ScanRecognition(this, { bucket, refs, environment });
    this.ocrDeadLetterQueue = scans.deadLetterQueue;
    const staff = new StaffApi(this, {
      bucket,
      refs,
      senderEnvironment,
      malwareProtection,
      ...(props.apiDomainName ? { apiDomainName: props.apiDomainName } : {}),
    });
    this.httpApi = staff.httpApi;
    const packages = new PackageBuilds(this, { bucket, refs, environment });
    this.bundleBuildDeadLetterQueue = packages.deadLetterQueue;

    const { ingestEmail } = ingest;
    const { evaluate, notify, imapPickup } = jobs;
    const { ocr } = scans;
    const { api } = staff;
    // Acknowledgements (ingest) and digests (notify) offer each base its own upload link on the portal's public
    // origin, signed with the upload-link key the API checks it with (never the session key).
    for (const sender of [ingestEmail, notify]) {
      sender.addEnvironment('INTAKE_PUBLIC_URL', staff.publicUrl);
      sender.addEnvironment('INTAKE_UPLOAD_LINK_SECRET_ARN', refs.uploadLinkSecretArn);
      sender.grantSecretRead(refs.uploadLinkSecretArn);
    }
    staff.finish();

    this.functions = {
      'ingest-email': ingestEmail,
      evaluate,
      notify,
      api,
      ocr,
      'bundle-build': packages.builder,
      ...(imapPickup ? { 'imap-pickup': imapPickup } : {}),
    };
    // The IMAP pickup only copies mail into inbox/imap/: it has no business in the table.
    for (const fn of [ingestEmail, evaluate, notify, api, ocr, packages.builder]) fn.grantRecordStore(refs.tableArn);
    for (const fn of [ingestEmail, notify, api]) {
      this.grantMailSending(fn, props, refs);
    }

    if (props.sending === 'ses' && refs.configurationSetName) {
      const feedback = new MailFeedback(this, {
        configurationSetName: refs.configurationSetName,
        tableArn: refs.tableArn,
        environment,
        undelivered: this.undeliveredQueue,
      });
      this.mailFeedbackQueue = feedback.queue;
      this.mailFeedbackDeadLetterQueue = feedback.deadLetterQueue;
      this.functions['mail-feedback'] = feedback.handler;
    }
    this.alarmTopic = new Alarms(this, {
      alarmEmail: props.alarmEmail,
      ...(malwareProtection && refs.malwareProtectionPlanArn
        ? { malwareProtectionPlanArn: refs.malwareProtectionPlanArn }
        : {}),
      sesReputation: props.sending === 'ses',
      ingestQueue: this.ingestQueue,
      ingestDeadLetterQueue: this.ingestDeadLetterQueue,
      ocrDeadLetterQueue: this.ocrDeadLetterQueue,
      bundleBuildDeadLetterQueue: this.bundleBuildDeadLetterQueue,
      undelivered: this.undeliveredQueue,
      ...(this.mailFeedbackDeadLetterQueue ? { mailFeedbackDeadLetterQueue: this.mailFeedbackDeadLetterQueue } : {}),
      functions: this.functions,
      httpApi: this.httpApi,
    }).topic;

    acknowledgeCdkNotificationHandler(this);
    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint });
    new CfnOutput(this, 'IngestDeadLetterQueueUrl', { value: this.ingestDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'UndeliveredQueueUrl', { value: this.undeliveredQueue.queueUrl });
    new CfnOutput(this, 'OcrDeadLetterQueueUrl', { value: this.ocrDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'BundleBuildDeadLetterQueueUrl', { value: this.bundleBuildDeadLetterQueue.queueUrl });
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
}

/** The L2 S3-notification handler (a CDK singleton) uses AWSLambdaBasicExecutionRole; we cannot change it. */
function acknowledgeCdkNotificationHandler(stack: Stack): void {
  const handler = stack.node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'));
  const role = handler?.node.tryFindChild('Role')?.node.defaultChild as CfnRole | undefined;
  if (role) acknowledgeManagedPolicies(role, 'CDK-internal handler that writes the bucket notification configuration.');
}
