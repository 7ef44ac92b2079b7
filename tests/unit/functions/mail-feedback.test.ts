import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailFeedbackHandler } from '../../../functions/mail-feedback/handler.ts';
import { startTestStack } from '../../integration/helpers.ts';

/** An SQS record carrying an SES event as EventBridge routes it from the configuration set. */
function sqsRecord(messageId: string, detail: Record<string, unknown>) {
  return {
    messageId,
    receiptHandle: 'r',
    body: JSON.stringify({ 'detail-type': 'Email Bounced', source: 'aws.ses', detail }),
    attributes: { ApproximateReceiveCount: '1' },
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:MailFeedback',
  };
}

describe('mail-feedback handler', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.dispose();
  });

  it('marks permanently bounced and complaining addresses failing, ignores transient bounces, reports bad records', async () => {
    // Prepare
    const handler = createMailFeedbackHandler(async () => stack.ctx);
    const event = {
      Records: [
        sqsRecord('1', {
          eventType: 'Bounce',
          bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'Taiyuan@Bureau.example.cn' }] },
        }),
        sqsRecord('2', {
          eventType: 'Bounce',
          bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'datong@bureau.example.cn' }] },
        }),
        sqsRecord('3', { eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'x@y.cn' }] } }),
        { ...sqsRecord('4', {}), body: 'not json' },
      ],
    };

    // Act
    const result = await handler(event);

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '4' }] });
    expect(await stack.ctx.records.addresses.get('taiyuan@bureau.example.cn')).toMatchObject({
      state: 'failing',
      lastType: 'bounce',
    });
    expect(await stack.ctx.records.addresses.get('datong@bureau.example.cn')).toBeNull();
    expect((await stack.ctx.records.addresses.get('x@y.cn'))?.lastType).toBe('complaint');
  });
});
