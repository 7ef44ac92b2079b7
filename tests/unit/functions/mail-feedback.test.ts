import { describe, expect, it } from 'vitest';
import { createMailFeedbackHandler } from '../../../functions/mail-feedback/handler.ts';
import { memoryRecords } from '../../../shared/adapters/memory/records/index.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import type { BlobStore } from '../../../shared/ports/index.ts';
import { type AppContext, DEFAULT_LIMITS, systemClock } from '../../../shared/use-cases/context.ts';

/** What the handler needs: records (in memory); it stores no object and sends no mail. */
function context(): AppContext {
  return {
    round: loadRound('2023'),
    blobs: {} as BlobStore,
    records: memoryRecords(),
    mailer: {
      send: async () => {
        throw new Error('mail-feedback sends no mail');
      },
    },
    clock: systemClock,
    mailFrom: 'intake@example.cn',
    limits: DEFAULT_LIMITS,
  };
}

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
  it('marks permanently bounced and complaining addresses failing, ignores transient bounces, reports bad records', async () => {
    // Prepare
    const ctx = context();
    const handler = createMailFeedbackHandler(async () => ctx);
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
    expect(await ctx.records.addresses.get('taiyuan@bureau.example.cn')).toMatchObject({
      state: 'failing',
      lastType: 'bounce',
    });
    expect(await ctx.records.addresses.get('datong@bureau.example.cn')).toBeNull();
    expect((await ctx.records.addresses.get('x@y.cn'))?.lastType).toBe('complaint');
  });
});
