/**
 * The queues of the stateless stack's parts: dead-letter queues, and an EventBridge route into a queue of its own.
 * Like the parts, they are made in the scope given (the stack), so their logical ids are the stack's own.
 */
import { Duration, type Stack, Validations } from 'aws-cdk-lib';
import { type EventPattern, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';

/** An SSE-SQS queue with TLS only, kept 14 days, that is itself a dead-letter queue (so has none). */
export function deadLetterQueue(stack: Stack, id: string, reason: string): Queue {
  const queue = new Queue(stack, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
  return queue;
}

/**
 * An EventBridge rule on the default bus into a new queue (with its own DLQ) for a Lambda consumer, events that
 * miss it to `undelivered`.
 */
export function routedQueue(
  stack: Stack,
  id: string,
  pattern: EventPattern,
  visibilityTimeout: Duration,
  undelivered: Queue,
): { queue: Queue; deadLetterQueue: Queue } {
  const dlq = deadLetterQueue(
    stack,
    `${id}DeadLetterQueue`,
    `This is the dead-letter queue of the ${id} queue; the ${id}DeadLetters alarm watches it.`,
  );
  const queue = new Queue(stack, `${id}Queue`, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout,
    retentionPeriod: Duration.days(14),
    deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
  });
  new Rule(stack, `${id}Rule`, {
    description: `Routes ${id} events to their queue`,
    eventPattern: pattern,
    targets: [new SqsQueue(queue, { deadLetterQueue: undelivered, retryAttempts: 8 })],
  });
  return { queue, deadLetterQueue: dlq };
}
