/**
 * SES feedback (sending=ses): the configuration set's bounces, complaints, rejects and delays, routed by
 * EventBridge into a queue (with its DLQ) for the mail-feedback function, which marks the addresses so notices stop
 * going to them until staff clear them. Made in the stack's own scope (see stateless-stack.ts), so the logical ids
 * are the stack's.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { IntakeFunction } from './intake-function.ts';
import { routedQueue } from './queues.ts';

/** The mail-feedback function: a batch of ten SES events, each a few table writes. */
export const mailFeedbackTimeout = Duration.seconds(30);

/** The detail-types SES publishes for the feedback events the configuration set sends. */
export const mailFeedbackDetailTypes = [
  'Email Bounced',
  'Email Complaint Received',
  'Email Rejected',
  'Email Delivery Delayed',
  'Email Rendering Failed',
];

/** The route, its queues and the function. */
export class MailFeedback {
  readonly queue: Queue;
  /** Where mail-feedback events go after five failed receives (the MailFeedbackDeadLetters alarm). */
  readonly deadLetterQueue: Queue;
  readonly handler: IntakeFunction;

  constructor(
    stack: Stack,
    props: {
      configurationSetName: string;
      tableArn: string;
      environment: Record<string, string>;
      undelivered: Queue;
    },
  ) {
    const routed = routedQueue(
      stack,
      'MailFeedback',
      {
        source: ['aws.ses'],
        detailType: mailFeedbackDetailTypes,
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSetName] } } },
      },
      // AWS guidance for Lambda consumers: at least six times the function timeout, so retries do not overlap.
      Duration.seconds(mailFeedbackTimeout.toSeconds() * 6),
      props.undelivered,
    );
    this.queue = routed.queue;
    this.deadLetterQueue = routed.deadLetterQueue;
    // Bounces and complaints mark an address as failing, so notices stop going to it until staff clear it.
    this.handler = new IntakeFunction(stack, 'MailFeedbackHandler', {
      handlerFolder: 'mail-feedback',
      description: 'Marks addresses that bounced or complained',
      environment: props.environment,
      timeout: mailFeedbackTimeout,
    });
    this.handler.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }));
    this.handler.grantRecordStore(props.tableArn);
  }
}
