/**
 * Delivering a notice once (use-cases/notice-delivery.ts) on the in-memory records: the claim that makes it go once,
 * the record kept of it, a failed transport left for a later retry, an older digest superseded. The use case names
 * what it reads (notice claims and notices, the clock, the mailer, the sender address), so that is all it is given.
 */
import { describe, expect, it } from 'vitest';
import { memoryRecords } from '../../../shared/adapters/memory/records/index.ts';
import { noticeScheduleOf } from '../../../shared/domain/notice-schedule.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { fixedClock } from '../../../shared/use-cases/context.ts';
import { type DeliveryRequest, deliverOnce, messageIdFor } from '../../../shared/use-cases/notice-delivery.ts';
import { RecordingMailer } from '../../fixtures/notices.ts';

const schedule = noticeScheduleOf(loadRound('2023'));
const AT = new Date('2023-11-08T01:00:00Z');
const FROM = 'intake@example.gov.cn';

function context(now = AT) {
  return { records: memoryRecords(), clock: fixedClock(now), mailer: new RecordingMailer(), mailFrom: FROM };
}

function request(key: string, asOf = AT): DeliveryRequest {
  return {
    key,
    kind: 'digest',
    city: 'datong',
    submissionId: null,
    trigger: 'schedule',
    slot: null,
    contentSha256: key,
    asOf,
    to: ['bureau@datong.gov.cn'],
    subject: '材料报送情况',
    text: '正文',
    findings: [],
    compose: async () => ({ from: FROM, to: ['bureau@datong.gov.cn'], subject: '材料报送情况', text: '正文' }),
  };
}

describe('deliverOnce on the in-memory records', () => {
  it('sends a notice once, records it, and refuses to send it again', async () => {
    // Prepare
    const ctx = context();

    // Act
    const first = await deliverOnce(ctx, request('digest:datong:1'), schedule);
    const again = await deliverOnce(ctx, request('digest:datong:1'), schedule);

    // Assess
    expect(first).toMatchObject({ status: 'sent', recorded: true, claim: { state: 'sent', attempts: 1 } });
    expect(again.status).toBe('already-sent');
    expect(ctx.mailer.sent).toHaveLength(1);
    expect(ctx.mailer.sent[0]?.headers?.['Message-ID']).toBe(messageIdFor('digest:datong:1', FROM));
    expect((await ctx.records.notices.list('datong')).map((n) => n.sentAt)).toEqual([AT.toISOString()]);
    expect(await ctx.records.noticeClaims.listUnsettled()).toEqual([]);
  });

  it('leaves a notice the transport refused as failed, waiting for its retry time', async () => {
    // Prepare
    const ctx = context();
    ctx.mailer.failWith = new Error('454 throttled');

    // Act
    const failed = await deliverOnce(ctx, request('digest:datong:2'), schedule);
    ctx.mailer.failWith = null;
    const tooSoon = await deliverOnce(ctx, request('digest:datong:2'), schedule);

    // Assess
    expect(failed).toMatchObject({ status: 'failed', error: '454 throttled', claim: { state: 'failed', attempts: 1 } });
    expect(failed.claim?.nextAttemptAt).not.toBeNull();
    expect(tooSoon.status).toBe('backoff');
    expect(ctx.mailer.sent).toEqual([]);
    expect((await ctx.records.noticeClaims.listUnsettled()).map((c) => c.key)).toEqual(['digest:datong:2']);
    expect((await ctx.records.notices.list('datong')).map((n) => n.error)).toEqual(['454 throttled']);
  });

  it('supersedes an older digest to the same city that never went out once a newer one is sent', async () => {
    // Prepare
    const ctx = context();
    ctx.mailer.failWith = new Error('connection reset');
    await deliverOnce(ctx, request('digest:datong:old', new Date('2023-11-07T01:00:00Z')), schedule);
    ctx.mailer.failWith = null;

    // Act
    const newer = await deliverOnce(ctx, request('digest:datong:new'), schedule);

    // Assess
    expect(newer.status).toBe('sent');
    expect((await ctx.records.noticeClaims.get('digest:datong:old'))?.state).toBe('superseded');
    expect(await ctx.records.noticeClaims.listUnsettled()).toEqual([]);
  });
});
