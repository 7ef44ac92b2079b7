/**
 * What tells the operators: the alarm topic (encrypted with its own key, mailed to the alarm address), GuardDuty's
 * threats straight to it, and the alarms on the queues, the functions, the API and SES's reputation. Made in the
 * stack's own scope (see stateless-stack.ts), so the logical ids are the stack's.
 */
import { Duration, type Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { FunctionName } from '../bundling.ts';
import { scannedPrefixes } from '../stateful-stack.ts';
import type { IntakeFunction } from './intake-function.ts';

/**
 * SES's account-level reputation: AWS reviews an account at a 5 % bounce or 0.1 % complaint rate and may pause its
 * sending at 10 % / 0.5 %; the alarms fire at the review level, before notices stop going out.
 */
export const sesReputationThresholds = { bounceRate: 0.05, complaintRate: 0.001 } as const;

/** What is watched. */
export interface AlarmsProps {
  /** Where alarms are sent. */
  readonly alarmEmail: string;
  /** GuardDuty's plan, when intake waits for its verdicts: its threats are mailed too. */
  readonly malwareProtectionPlanArn?: string;
  /** sending=ses: the account's SES reputation is watched. */
  readonly sesReputation: boolean;
  readonly ingestQueue: Queue;
  readonly ingestDeadLetterQueue: Queue;
  readonly ocrDeadLetterQueue: Queue;
  /** Package requests whose bundle-build invocations failed after their retries. */
  readonly bundleBuildDeadLetterQueue?: Queue;
  readonly undelivered: Queue;
  readonly mailFeedbackDeadLetterQueue?: Queue;
  readonly functions: Partial<Record<FunctionName, IntakeFunction>>;
  readonly httpApi: HttpApi;
}

/** The alarm topic and every alarm on it. */
export class Alarms {
  readonly topic: Topic;

  constructor(
    private readonly stack: Stack,
    props: AlarmsProps,
  ) {
    this.topic = this.encryptedTopic();
    this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    if (props.malwareProtectionPlanArn) this.scanAlerts(props.malwareProtectionPlanArn, props.undelivered);
    this.alarm(
      'IngestDeadLetters',
      'Mail that failed intake three times is parked in the ingest DLQ: inspect and redrive it.',
      visibleMessages(props.ingestDeadLetterQueue),
    );
    this.alarm(
      'IngestBacklog',
      'Mail has waited over an hour for intake (throttling, an outage, or scans that do not finish).',
      props.ingestQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      60 * 60,
    );
    this.alarm(
      'OcrDeadLetters',
      'A scan could not be recognised after the ocr function retried: it keeps its pending finding; redrive or review.',
      visibleMessages(props.ocrDeadLetterQueue),
    );
    if (props.bundleBuildDeadLetterQueue) {
      this.alarm(
        'BundleBuildDeadLetters',
        'A file package request could not be built or recorded after the bundle-build function retried: its page ' +
          'shows it failed after an hour; see the function log and the BundleBuild DLQ.',
        visibleMessages(props.bundleBuildDeadLetterQueue),
      );
    }
    this.alarm(
      'Undelivered',
      'A scheduled run (notices, evaluation, IMAP pickup) or a routed event failed after its retries.',
      visibleMessages(props.undelivered),
    );
    if (props.mailFeedbackDeadLetterQueue) {
      this.alarm(
        'MailFeedbackDeadLetters',
        'SES feedback (a bounce, complaint, reject or delay of a notice) could not be recorded after five tries: the ' +
          'address was not marked; inspect the MailFeedback DLQ and redrive it.',
        visibleMessages(props.mailFeedbackDeadLetterQueue),
      );
    }
    if (props.sesReputation) this.sesReputationAlarms();
    for (const [name, fn] of Object.entries(props.functions)) {
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
      props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
  }

  /**
   * GuardDuty's threats and failed scans of this plan's prefixes, sent straight to the alarm topic as one line each
   * (bucket, key, verdict). There is nothing for code to do with them: ingest has quarantined the message unopened
   * (or retries it until its DLQ alarm fires) and the portal has refused the session, so a queue would only hold the
   * events for no one (as the ScanAlert queue did); the mail to the operators is the point.
   */
  private scanAlerts(planArn: string, undelivered: Queue): void {
    const detail = (path: string) => EventField.fromPath(`$.detail.${path}`);
    const rule = new Rule(this.stack, 'ScanAlertRule', {
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
        new SnsTopic(this.topic, {
          message: RuleTargetInput.fromText(
            `MalwareFound: GuardDuty ${detail('scanResultDetails.scanResultStatus')} for ` +
              `s3://${detail('s3ObjectDetails.bucketName')}/${detail('s3ObjectDetails.objectKey')} ` +
              `(${EventField.time}). The object was not read (inbox/: quarantined unopened; uploads/: the portal ` +
              'refused its session). See docs/DEPLOY.md, Malware scanning.',
          ),
          // Publishing to the encrypted topic needs its key: a role for this rule, not a key policy for a service.
          authorizeUsingRole: true,
          deadLetterQueue: undelivered,
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

  /** The alarm topic, encrypted with its own key that CloudWatch may use (it carries alarm names, not data). */
  private encryptedTopic(): Topic {
    const key = new Key(this.stack, 'AlarmTopicKey', {
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
        conditions: { StringEquals: { 'aws:SourceAccount': this.stack.account } },
      }),
    );
    return new Topic(this.stack, 'Alarms', { enforceSSL: true, masterKey: key });
  }

  /** An alarm at `threshold` or above on one datapoint, sent to the alarm topic; missing data is not a breach. */
  private alarm(id: string, description: string, metric: IMetric, threshold = 1): Alarm {
    const alarm = new Alarm(this.stack, id, {
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }
}

function visibleMessages(queue: Queue): IMetric {
  return queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });
}
