/**
 * City digests on the embedded stack: sent when due and once, not when nothing changed, exactly once across a crash
 * between send and record, retried with backoff after a transport failure, and never to a failing address.
 * Each test works on its own city, so they share one stack.
 */
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMime } from '../../shared/adapters/mail-message.ts';
import type { CityId, Round } from '../../shared/domain/catalogue.ts';
import type { NoticeClaim } from '../../shared/domain/notice-claims.ts';
import type { NoticeClaimRecords } from '../../shared/ports/index.ts';
import { type AppContext, fixedClock } from '../../shared/use-cases/context.ts';
import { clearMailFeedback, recordMailFeedback } from '../../shared/use-cases/mail-feedback.ts';
import { sendCityNotices } from '../../shared/use-cases/notify.ts';
import { RecordingMailer } from '../fixtures/notices.ts';
import { document, formValues, submission } from '../fixtures/records.ts';
import { startTestStack } from './helpers.ts';

/** 09:00 Beijing on a November 2023 day, plus `minutes`. */
function at(day: number, minutes = 0): Date {
  return new Date(new Date(`2023-11-${String(day).padStart(2, '0')}T09:00:00+08:00`).getTime() + minutes * 60_000);
}

describe('city digests', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.dispose();
  });

  /** A context at `now` with a recording mailer (and optionally another store or round). */
  function contextAt(now: Date, over: Partial<AppContext> = {}): AppContext & { mailer: RecordingMailer } {
    return { ...stack.ctx, clock: fixedClock(now), mailer: new RecordingMailer(), ...over } as AppContext & {
      mailer: RecordingMailer;
    };
  }

  /** Records a submission of a base with a report form claiming bandwidth (item 3) and a self-assessment. */
  async function seedBase(baseId: string, receivedAt: Date, extra: { evidence?: string } = {}): Promise<void> {
    const sub = submission(`s-${baseId}-${receivedAt.getTime()}`, baseId, receivedAt.toISOString());
    const docs = extra.evidence
      ? [document(sub, `${extra.evidence}.pdf`, 'evidence', { indicator: extra.evidence })]
      : [
          document(sub, `${baseId}报告表.xlsx`, 'report-form', {
            formValues: formValues(stack.ctx.round, { 3: [1000] }),
          }),
          document(sub, `${baseId}自评报告.pdf`, 'self-assessment'),
        ];
    sub.documentIds = docs.map((d) => d.id);
    await stack.ctx.records.submissions.save(sub);
    for (const doc of docs) await stack.ctx.records.documents.save(doc);
  }

  it('sends the digest due on a reminder day with HTML, the .xlsx and loop-safe headers, then nothing while nothing changes', async () => {
    // Prepare
    await seedBase('p02', at(1));
    const day3 = contextAt(at(3));

    // Act
    const [first] = await sendCityNotices(day3, { asOf: at(3), city: 'taiyuan' });
    const [again] = await sendCityNotices(contextAt(at(3, 5)), { asOf: at(3, 5), city: 'taiyuan' });
    const nextDay = contextAt(at(4));
    const [quiet] = await sendCityNotices(nextDay, { asOf: at(4), city: 'taiyuan' });

    // Assess
    expect(first).toMatchObject({
      city: 'taiyuan',
      due: true,
      trigger: 'schedule',
      slot: '2023-11-03:before-7',
      sent: true,
    });
    expect(first?.text).toContain('提醒：电子材料报送截止时间为2023年11月10日24时（北京时间），距截止还有7天。');
    expect(day3.mailer.sent).toHaveLength(1);
    const mail = day3.mailer.sent[0]!;
    expect(mail.to).toEqual(['taiyuan@bureau.example.cn']);
    expect(mail.headers).toMatchObject({ 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' });
    expect(mail.html).toContain('<h3>一、邮拓直播电商基地</h3>');
    expect(mail.attachments?.[0]?.filename).toBe('太原市参评基地电子材料报送情况_20231103.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(mail.attachments![0]!.content as unknown as ArrayBuffer);
    expect(workbook.getWorksheet('报送情况')?.rowCount).toBe(2 + first!.bases.length);
    const parsed = await simpleParser(await composeMime(mail));
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.messageId).toBe(mail.headers?.['Message-ID']);

    expect(again).toMatchObject({ sent: false, skipped: 'unchanged' });
    expect(quiet).toMatchObject({ due: false, sent: false, skipped: 'unchanged' });
    expect(nextDay.mailer.sent).toHaveLength(0);
    const claims = await stack.ctx.records.noticeClaims.listDigests('taiyuan');
    expect(claims.map((c) => [c.state, c.slot, c.attempts])).toEqual([['sent', '2023-11-03:before-7', 1]]);
    expect(await stack.ctx.records.notices.list('taiyuan')).toHaveLength(1);
  });

  it('sends a change digest when a base sends more, at most one a day', async () => {
    // Prepare
    await seedBase('p04', at(1));
    const [reminder] = await sendCityNotices(contextAt(at(3)), { asOf: at(3), city: 'changzhi' });
    await seedBase('p04', at(4, 60), { evidence: 'bandwidth' });
    await seedBase('p10', at(4, 90));
    const afterFirst = contextAt(at(4, 75));
    const afterSecond = contextAt(at(4, 120));

    // Act
    const [first] = await sendCityNotices(afterFirst, { asOf: at(4, 75), city: 'changzhi' });
    const [second] = await sendCityNotices(afterSecond, { asOf: at(4, 120), city: 'changzhi' });
    const [nextDay] = await sendCityNotices(contextAt(at(5)), { asOf: at(5), city: 'changzhi' });

    // Assess
    expect(reminder).toMatchObject({ trigger: 'schedule', sent: true });
    expect(first).toMatchObject({ trigger: 'change', sent: true });
    expect(first?.text).not.toContain('缺少证明材料：网络带宽');
    expect(second).toMatchObject({ due: false, sent: false, skipped: 'not-due' });
    expect(afterSecond.mailer.sent).toHaveLength(0);
    expect(nextDay).toMatchObject({ trigger: 'change', sent: true });
    expect(nextDay?.text).toContain('易淘电商信息产业园（省级直播电商基地');
  });

  it('does not send twice after a crash between the send and its record', async () => {
    // Prepare: a store that fails to record the outcome of a send (the process dies at that point).
    await seedBase('p14', at(1));
    const noticeClaims: NoticeClaimRecords = Object.create(stack.ctx.records.noticeClaims, {
      put: {
        value: async (claim: NoticeClaim, expected: number | null) => {
          if (claim.state === 'sent') throw new Error('connection reset');
          return stack.ctx.records.noticeClaims.put(claim, expected);
        },
      },
    });
    const crashed = contextAt(at(3), { records: { ...stack.ctx.records, noticeClaims } });

    // Act
    const [first] = await sendCityNotices(crashed, { asOf: at(3), city: 'datong' });
    const laterRuns = [at(3, 1), at(3, 60 * 6), at(6)].map((now) => contextAt(now));
    const retries = [];
    for (const ctx of laterRuns)
      retries.push((await sendCityNotices(ctx, { asOf: ctx.clock.now(), city: 'datong' }))[0]);

    // Assess
    expect(crashed.mailer.sent).toHaveLength(1);
    expect(first).toMatchObject({ sent: true, error: expect.stringContaining('recording failed') });
    expect(laterRuns.map((ctx) => ctx.mailer.sent.length)).toEqual([0, 0, 0]);
    // The slot counts as handled: the mail may well be out, so it is listed rather than sent again.
    expect(retries.map((r) => r?.sent)).toEqual([false, false, false]);
    const open = (await stack.ctx.records.noticeClaims.listUnsettled()).filter((c) => c.city === 'datong');
    expect(open.map((c) => [c.state, c.key])).toEqual([['sending', 'digest:datong:2023-11-03:before-7']]);
    expect(retries[2]?.failures.map((f) => f.state)).toEqual(['sending']);
  });

  it('supersedes an unknown outcome once the next reminder goes out', async () => {
    // Prepare: the claim left `sending` by the previous test's crash (datong, 3 November).
    const day7 = contextAt(at(7));

    // Act
    const [next] = await sendCityNotices(day7, { asOf: at(7), city: 'datong' });

    // Assess
    expect(next).toMatchObject({ slot: '2023-11-07:before-3', sent: true, failures: [] });
    expect(day7.mailer.sent).toHaveLength(1);
    const open = (await stack.ctx.records.noticeClaims.listUnsettled()).filter((c) => c.city === 'datong');
    expect(open).toEqual([]);
    const old = await stack.ctx.records.noticeClaims.get('digest:datong:2023-11-03:before-7');
    expect(old).toMatchObject({ state: 'superseded', reason: 'superseded by digest:datong:2023-11-07:before-3' });
  });

  it('claims again a notice whose run died before sending, once the lease is over', async () => {
    // Prepare: a claim taken at 09:00 by a run that never sent (lease 15 minutes).
    await seedBase('p09', at(1));
    await stack.ctx.records.noticeClaims.put(
      {
        key: 'digest:shuozhou:2023-11-03:before-7',
        kind: 'digest',
        city: 'shuozhou',
        submissionId: null,
        trigger: 'schedule',
        slot: '2023-11-03:before-7',
        contentSha256: 'x',
        asOf: at(3).toISOString(),
        to: ['shuozhou@bureau.example.cn'],
        subject: 's',
        text: 't',
        state: 'claimed',
        version: 1,
        attempts: 0,
        claimedAt: at(3).toISOString(),
        leaseUntil: at(3, 15).toISOString(),
        nextAttemptAt: null,
        sentAt: null,
        transportId: null,
        error: null,
        reason: null,
        findings: [],
        updatedAt: at(3).toISOString(),
      },
      null,
    );
    const withinLease = contextAt(at(3, 10));
    const afterLease = contextAt(at(3, 20));

    // Act
    const [held] = await sendCityNotices(withinLease, { asOf: at(3), city: 'shuozhou' });
    const [retried] = await sendCityNotices(afterLease, { asOf: at(3), city: 'shuozhou' });

    // Assess
    expect(held).toMatchObject({ sent: false, skipped: 'in-progress' });
    expect(withinLease.mailer.sent).toHaveLength(0);
    expect(retried).toMatchObject({ sent: true, attempts: 1 });
    expect(afterLease.mailer.sent).toHaveLength(1);
  });

  it('records a transport failure, waits out the backoff and retries', async () => {
    // Prepare
    await seedBase('p24', at(1));
    const failing = contextAt(at(3));
    failing.mailer.failWith = new Error('451 try again later');
    const tooSoon = contextAt(at(3, 10));
    const due = contextAt(at(3, 16));

    // Act
    const [failed] = await sendCityNotices(failing, { asOf: at(3), city: 'xinzhou' });
    const listed = (await stack.ctx.records.noticeClaims.listUnsettled()).filter((c) => c.city === 'xinzhou');
    const [waiting] = await sendCityNotices(tooSoon, { asOf: at(3, 10), city: 'xinzhou' });
    const [retried] = await sendCityNotices(due, { asOf: at(3, 16), city: 'xinzhou' });

    // Assess
    expect(failed).toMatchObject({
      sent: false,
      error: '451 try again later',
      attempts: 1,
      nextAttemptAt: at(3, 15).toISOString(),
    });
    expect(failed?.findings.map((f) => f.code)).toContain('notice.send-failed');
    expect(failed?.failures).toEqual([expect.objectContaining({ state: 'failed', attempts: 1 })]);
    expect(listed.map((c) => [c.state, c.attempts, c.error])).toEqual([['failed', 1, '451 try again later']]);
    expect(waiting).toMatchObject({ sent: false, skipped: 'backoff' });
    expect(tooSoon.mailer.sent).toHaveLength(0);
    expect(retried).toMatchObject({ sent: true, attempts: 2 });
    expect((await stack.ctx.records.noticeClaims.listUnsettled()).filter((c) => c.city === 'xinzhou')).toEqual([]);
    const history = await stack.ctx.records.notices.list('xinzhou');
    expect(history.map((n) => [n.error, n.sentAt !== null])).toEqual(
      expect.arrayContaining([
        ['451 try again later', false],
        [null, true],
      ]),
    );
  });

  it('skips an address that bounced, with a finding, until staff clear it', async () => {
    // Prepare: 晋中 with two addresses, one of which bounced.
    const round: Round = {
      ...stack.ctx.round,
      cities: stack.ctx.round.cities.map((c) =>
        c.id === ('jinzhong' as CityId) ? { ...c, notifyTo: ['old@jz.example.cn', 'new@jz.example.cn'] } : c,
      ),
    };
    await seedBase('p07', at(1));
    await recordMailFeedback(contextAt(at(2)), { type: 'bounce', addresses: ['OLD@jz.example.cn'] });
    const bounced = contextAt(at(3), { round });

    // Act
    const [partial] = await sendCityNotices(bounced, { asOf: at(3), city: 'jinzhong' });
    await clearMailFeedback(contextAt(at(3, 30)), {
      address: 'old@jz.example.cn',
      actor: 'qiao',
      reason: '已核实邮箱可用',
    });
    const cleared = contextAt(at(3, 40), { round });
    const [forced] = await sendCityNotices(cleared, { asOf: at(3, 40), city: 'jinzhong', force: true });

    // Assess
    expect(partial).toMatchObject({ sent: true, to: ['new@jz.example.cn'], failingAddresses: ['old@jz.example.cn'] });
    expect(partial?.findings.map((f) => f.code)).toEqual(['notice.address-failing']);
    expect(bounced.mailer.sent[0]?.to).toEqual(['new@jz.example.cn']);
    expect(forced).toMatchObject({ trigger: 'force', sent: true, to: ['old@jz.example.cn', 'new@jz.example.cn'] });
    expect(cleared.mailer.sent[0]?.to).toEqual(['old@jz.example.cn', 'new@jz.example.cn']);
    expect((await stack.ctx.records.audit.list(null)).map((e) => e.action)).toContain('clear-address');
  });

  it('previews without sending, and staff can send one city now', async () => {
    // Prepare
    await seedBase('p18', at(1));
    const preview = contextAt(at(4));
    const now = contextAt(at(4, 1));

    // Act
    const dry = await sendCityNotices(preview, { asOf: at(4), city: 'lvliang', dryRun: true });
    const due = await sendCityNotices(preview, { asOf: at(4), city: 'lvliang' });
    const forced = await sendCityNotices(now, { asOf: at(4, 1), city: 'lvliang', force: true });

    // Assess
    expect(dry).toEqual([
      // 3 November's reminder was missed (no run that day): it is still due on the 4th.
      expect.objectContaining({ city: 'lvliang', due: true, trigger: 'schedule', sent: false, skipped: 'dry-run' }),
    ]);
    expect(dry[0]?.slot).toBe('2023-11-03:before-7');
    expect(dry[0]?.bases.map((b) => b.baseId)).toEqual(['p18']);
    expect(preview.mailer.sent).toHaveLength(1); // by the second call
    expect(due[0]).toMatchObject({ sent: true, trigger: 'schedule' });
    expect(forced[0]).toMatchObject({ sent: true, trigger: 'force' });
    expect(now.mailer.sent).toHaveLength(1);
  });

  it('sends no reminder by itself once the expert review has started; staff can still send one by hand', async () => {
    // Prepare: 阳泉's only base sent a form on 1 November and still lacks evidence; the review starts on 11-15
    await seedBase('p12', at(1));
    const day14 = contextAt(at(14));
    const [lastReminder] = await sendCityNotices(day14, { asOf: at(14), city: 'yangquan' });
    await seedBase('p12', at(16), { evidence: 'bandwidth' }); // the facts change after the review started
    const day17 = contextAt(at(17));
    const day20 = contextAt(at(20));

    // Act: 11-17 is a reminder day (after-7) and the facts changed; 11-20 is the next one (after-10)
    const [onSlotDay] = await sendCityNotices(day17, { asOf: at(17), city: 'yangquan' });
    const [later] = await sendCityNotices(day20, { asOf: at(20), city: 'yangquan' });
    const [byHand] = await sendCityNotices(day20, { asOf: at(20, 5), city: 'yangquan', force: true });

    // Assess
    expect(stack.ctx.round.reviewStartsOn).toBe('2023-11-15');
    expect(lastReminder).toMatchObject({ due: true, trigger: 'schedule', slot: '2023-11-14:after-4', sent: true });
    expect(day14.mailer.sent).toHaveLength(1);
    for (const outcome of [onSlotDay, later]) {
      expect(outcome).toMatchObject({ city: 'yangquan', due: false, sent: false, skipped: 'not-due' });
    }
    expect(day17.mailer.sent).toHaveLength(0);
    expect(byHand).toMatchObject({ city: 'yangquan', trigger: 'force', sent: true });
    expect(day20.mailer.sent).toHaveLength(1);
    expect(day20.mailer.sent[0]?.text).toContain('驿拓直播电商基地');
    // Sent by hand during the review, it reports and no longer chases.
    expect(day20.mailer.sent[0]?.text).toContain('专家评审已于2023年11月15日开始，材料报送（接收）工作已结束');
    expect(day20.mailer.sent[0]?.text).not.toContain('督促');
  });
});
