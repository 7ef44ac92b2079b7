import { describe, expect, it } from 'vitest';
import type { NoticeClaim } from '../../../shared/domain/notice-claims.ts';
import { sesFeedbackSchema } from '../../../shared/use-cases/mail-feedback.ts';
import { blockedBy, messageIdFor } from '../../../shared/use-cases/notice-delivery.ts';

const NOW = new Date('2023-11-03T01:00:00Z');
const EARLIER = '2023-11-03T00:30:00.000Z';
const LATER = '2023-11-03T01:30:00.000Z';

function claim(over: Partial<NoticeClaim>): NoticeClaim {
  return {
    key: 'digest:taiyuan:2023-11-03:before-7',
    kind: 'digest',
    city: 'taiyuan',
    submissionId: null,
    trigger: 'schedule',
    slot: '2023-11-03:before-7',
    contentSha256: 'h',
    asOf: EARLIER,
    to: ['taiyuan@bureau.example.cn'],
    subject: 's',
    text: 't',
    state: 'claimed',
    version: 1,
    attempts: 0,
    claimedAt: EARLIER,
    leaseUntil: null,
    nextAttemptAt: null,
    sentAt: null,
    transportId: null,
    error: null,
    reason: null,
    findings: [],
    updatedAt: EARLIER,
    ...over,
  };
}

describe('blockedBy', () => {
  it.each([
    ['no claim yet', null, null],
    ['sent', claim({ state: 'sent' }), 'already-sent'],
    ['superseded by a newer digest', claim({ state: 'superseded' }), 'already-sent'],
    ['an acknowledgement decided against', claim({ state: 'skipped' }), 'already-sent'],
    ['the transport was called, outcome unknown', claim({ state: 'sending', leaseUntil: EARLIER }), 'outcome-unknown'],
    ['claimed by a run still within its lease', claim({ state: 'claimed', leaseUntil: LATER }), 'in-progress'],
    ['claimed by a run that crashed (lease over)', claim({ state: 'claimed', leaseUntil: EARLIER }), null],
    ['failed, next attempt later', claim({ state: 'failed', nextAttemptAt: LATER }), 'backoff'],
    ['failed, next attempt due', claim({ state: 'failed', nextAttemptAt: EARLIER }), null],
    ['failed, attempts used up', claim({ state: 'failed', nextAttemptAt: null }), 'gave-up'],
  ])('%s -> %s', (_name, stored, expected) => {
    // Act
    const result = blockedBy(stored, NOW);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('messageIdFor', () => {
  it('gives every attempt of a notice the same Message-ID, and different notices different ones', () => {
    // Act
    const first = messageIdFor('digest:taiyuan:2023-11-03:before-7', 'notices@example.gov.cn');
    const again = messageIdFor('digest:taiyuan:2023-11-03:before-7', '"通知" <notices@example.gov.cn>');
    const other = messageIdFor('digest:taiyuan:2023-11-07:before-3', 'notices@example.gov.cn');

    // Assess
    expect(first).toMatch(/^<notice-[0-9a-f]{32}@example\.gov\.cn>$/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });
});

describe('sesFeedbackSchema', () => {
  it('turns permanent bounces and complaints into feedback, and ignores transient bounces', () => {
    // Prepare
    const permanent = {
      notificationType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'NoEmail',
        bouncedRecipients: [{ emailAddress: 'Old@Bureau.example.cn', status: '5.1.1' }],
        timestamp: '2023-11-03T01:05:00.000Z',
      },
      mail: { messageId: 'x' },
    };
    const transient = { notificationType: 'Bounce', bounce: { bounceType: 'Transient', bouncedRecipients: [] } };
    const complaint = {
      notificationType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'a@b.cn' }], complaintFeedbackType: 'abuse' },
    };

    // Act / Assess
    expect(sesFeedbackSchema.parse(permanent)).toEqual({
      type: 'bounce',
      addresses: ['Old@Bureau.example.cn'],
      at: new Date('2023-11-03T01:05:00.000Z'),
      detail: 'SES Permanent bounce',
    });
    expect(sesFeedbackSchema.parse(transient)).toBeNull();
    expect(sesFeedbackSchema.parse(complaint)).toMatchObject({ type: 'complaint', addresses: ['a@b.cn'] });
    expect(sesFeedbackSchema.parse({ notificationType: 'Delivery' })).toBeNull();
  });
});
