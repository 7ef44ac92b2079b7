/**
 * Acknowledgements to senders, through the real intake on the embedded stack: what arrived, what is missing, the
 * findings the sender can fix; once; never to robots or unauthenticated senders; a transport failure never fails
 * intake and is retried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryAcknowledgements } from '../../shared/use-cases/acknowledge.ts';
import { type AppContext, fixedClock } from '../../shared/use-cases/context.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { ingestUpload } from '../../shared/use-cases/upload.ts';
import { buildEmail } from '../fixtures/email.ts';
import { RecordingMailer } from '../fixtures/notices.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { startTestStack } from './helpers.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const RECEIVED = new Date('2023-11-09T02:00:00Z'); // 10:00 Beijing, the day before the deadline
const SOON_AFTER = new Date('2023-11-09T02:00:05Z');

describe('acknowledgements', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let form: Buffer;
  beforeAll(async () => {
    stack = await startTestStack();
    // 交易额 entered as 1.2 in the 万元 column: the base meant 1.2亿元.
    form = await buildReportFormXlsx({
      header: { baseName: '邮拓直播电商基地' },
      values: { ...SAMPLE_FORM_VALUES, 32: 1.2, 33: 0.56 },
    });
  });
  afterAll(async () => {
    await stack.dispose();
  });

  function contextAt(now: Date): AppContext & { mailer: RecordingMailer } {
    return { ...stack.ctx, clock: fixedClock(now), mailer: new RecordingMailer() };
  }

  async function message(subject: string, extra: { headers?: Record<string, string>; top?: string } = {}) {
    const raw = await buildEmail({
      subject,
      receivedAt: RECEIVED,
      messageId: `<${subject.length}-${Math.random()}@example.cn>`,
      headers: extra.headers,
      attachments: [{ filename: '邮拓直播电商基地经营服务情况报告表.xlsx', content: form, contentType: XLSX }],
    });
    return extra.top ? Buffer.concat([Buffer.from(extra.top), raw]) : raw;
  }

  it('tells the sender what arrived, what is missing and that item 32 looks entered in 亿元', async () => {
    // Prepare
    const ctx = contextAt(SOON_AFTER);
    const raw = await message('邮拓直播电商基地申报材料');

    // Act
    const result = await ingestMessage(ctx, { raw, channel: 'cli' });
    const reprocessed = await ingestMessage(ctx, { raw, channel: 'cli', reprocess: true });

    // Assess
    expect(result.baseId).toBe('p02');
    expect(reprocessed.submissionId).toBe(result.submissionId);
    expect(ctx.mailer.sent).toHaveLength(1); // once, even after the reprocess
    const ack = ctx.mailer.sent[0]!;
    const submission = await stack.ctx.records.submissions.get(result.submissionId);
    expect(ack.to).toEqual(['youtuo@example.cn']);
    expect(ack.subject).toBe('【材料已收到】邮拓直播电商基地申报材料');
    expect(ack.headers).toMatchObject({
      'Auto-Submitted': 'auto-replied',
      'In-Reply-To': submission?.messageId,
      'Reply-To': stack.ctx.round.mailbox,
    });
    expect(ack.text).toMatch(/^邮拓直播电商基地：\n/);
    expect(ack.text).toContain(
      '省商务厅电商处已于11月9日10时（北京时间）收到主题为“邮拓直播电商基地申报材料”的邮件，共1个文件',
    );
    expect(ack.text).toContain('纸质材料一式2份（加盖公章），请交所在市商务局（综改示范区管委会）审核后统一邮寄。');
    expect(ack.text).toMatch(/\n山西省商务厅电子商务处\n2023年11月9日\n/);
    expect(ack.text).toContain('1. 邮拓直播电商基地经营服务情况报告表.xlsx（识别为：经营服务情况报告表）');
    expect(ack.text).toContain('经核对，材料所属基地为：邮拓直播电商基地（太原市）。');
    expect(ack.text).toMatch(/该基地的电子材料仍缺少：\n {2}材料：自评报告\n {2}证明材料：直播电商基地建筑面积；/);
    expect(ack.text).toContain('第32项交易额填写为1.2万元，数值过小，疑似按亿元填写（单位应为万元）。');
    expect(ack.text).not.toContain('逾期');
    expect(ack.html).toContain('<li>第32项交易额填写为1.2万元，数值过小，疑似按亿元填写（单位应为万元）。</li>');
    const claim = await stack.ctx.records.noticeClaims.get(`ack:${result.submissionId}`);
    expect(claim).toMatchObject({
      state: 'sent',
      kind: 'ack',
      city: 'taiyuan',
      attempts: 1,
      to: ['youtuo@example.cn'],
    });
  });

  it('does not answer an auto-reply', async () => {
    // Prepare
    const ctx = contextAt(SOON_AFTER);
    const raw = await message('自动回复：已收到您的邮件', { headers: { 'Auto-Submitted': 'auto-replied' } });

    // Act
    const result = await ingestMessage(ctx, { raw, channel: 'imap', receivedAt: RECEIVED });

    // Assess
    expect(result.duplicate).toBe(false);
    expect(ctx.mailer.sent).toEqual([]);
    const claim = await stack.ctx.records.noticeClaims.get(`ack:${result.submissionId}`);
    expect(claim).toMatchObject({ state: 'skipped', reason: 'auto-submitted' });
  });

  it('does not answer a sender whose SPF and DKIM failed', async () => {
    // Prepare
    const ctx = contextAt(SOON_AFTER);
    const raw = await message('邮拓直播电商基地材料（补充）', {
      top: 'Authentication-Results: mx.example.gov.cn; spf=fail smtp.mailfrom=example.cn; dkim=fail header.d=example.cn\r\n',
    });

    // Act
    const result = await ingestMessage(ctx, { raw, channel: 'imap', receivedAt: RECEIVED });

    // Assess
    expect(result.baseId).toBe('p02'); // intake itself goes on: the files are kept and counted
    expect(ctx.mailer.sent).toEqual([]);
    const claim = await stack.ctx.records.noticeClaims.get(`ack:${result.submissionId}`);
    expect(claim).toMatchObject({ state: 'skipped', reason: 'unauthenticated', to: ['youtuo@example.cn'] });
  });

  it('does not answer mail received long ago (a backlog import)', async () => {
    // Prepare
    const ctx = contextAt(new Date('2023-11-20T02:00:00Z'));
    const raw = await message('邮拓直播电商基地材料（旧邮件）');

    // Act
    const result = await ingestMessage(ctx, { raw, channel: 'cli' });

    // Assess
    expect(ctx.mailer.sent).toEqual([]);
    expect(await stack.ctx.records.noticeClaims.get(`ack:${result.submissionId}`)).toMatchObject({ reason: 'too-old' });
  });

  it('never fails intake when the acknowledgement cannot be sent, and retries it after the backoff', async () => {
    // Prepare
    const failing = contextAt(SOON_AFTER);
    failing.mailer.failWith = new Error('SES throttled');
    const raw = await message('邮拓直播电商基地材料（再次发送）');

    // Act
    const result = await ingestMessage(failing, { raw, channel: 'cli' });
    const listed = await stack.ctx.records.noticeClaims.listUnsettled();
    const early = contextAt(new Date(SOON_AFTER.getTime() + 5 * 60_000));
    const tooEarly = await retryAcknowledgements(early);
    const later = contextAt(new Date(SOON_AFTER.getTime() + 16 * 60_000));
    const retried = await retryAcknowledgements(later);

    // Assess
    expect(result).toMatchObject({ duplicate: false, baseId: 'p02' });
    expect(listed.find((c) => c.key === `ack:${result.submissionId}`)).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: 'SES throttled',
      nextAttemptAt: new Date(SOON_AFTER.getTime() + 15 * 60_000).toISOString(),
    });
    expect(tooEarly).toEqual([]);
    expect(early.mailer.sent).toEqual([]);
    expect(retried.map((r) => r.status)).toEqual(['sent']);
    expect(later.mailer.sent).toHaveLength(1);
    expect((await stack.ctx.records.noticeClaims.listUnsettled()).map((c) => c.key)).not.toContain(
      `ack:${result.submissionId}`,
    );
    expect(await stack.ctx.records.noticeClaims.get(`ack:${result.submissionId}`)).toMatchObject({
      state: 'sent',
      attempts: 2,
    });
  });

  it("tells a base's status and its upload link to a portal uploader only once the address is known for the base", async () => {
    // Prepare: a stranger types 平顺网红直播基地 and an address into the portal; later the base mails from its own.
    const ctx = {
      ...contextAt(SOON_AFTER),
      uploadLinkFor: (baseId: string) => `http://intake.test/upload/b/t-${baseId}`,
    };
    const file = {
      fileName: '平顺网红直播基地经营服务情况报告表.xlsx',
      content: await buildReportFormXlsx({ header: { baseName: '平顺网红直播基地' }, values: SAMPLE_FORM_VALUES }),
      contentType: XLSX,
    };
    const upload = (uploader: string) => ingestUpload(ctx, { baseName: '平顺网红直播基地', uploader, files: [file] });

    // Act
    await upload('stranger@example.com');
    const mail = await buildEmail({
      subject: '平顺网红直播基地申报材料',
      from: '"平顺网红" <pingshun@example.cn>',
      receivedAt: RECEIVED,
      messageId: `<pingshun-${Math.random()}@example.cn>`,
      attachments: [
        { filename: '附件1 主播名单.pdf', content: Buffer.from('%PDF-1.4\n'), contentType: 'application/pdf' },
      ],
    });
    await ingestMessage(ctx, { raw: mail, channel: 'smtp', receivedAt: RECEIVED });
    await upload('PingShun@example.cn');

    // Assess
    const [toStranger, toMail, toKnown] = ctx.mailer.sent;
    expect(ctx.mailer.sent.map((m) => m.to)).toEqual([
      ['stranger@example.com'],
      ['pingshun@example.cn'],
      ['pingshun@example.cn'],
    ]);
    expect(toStranger!.text).toContain('网上提交的材料');
    expect(toStranger!.text).not.toMatch(/仍缺少|已齐全|均已收到/);
    expect(toStranger!.text).toContain('该基地材料是否齐全，只告知已登记的基地联系邮箱');
    expect(toStranger!.text).not.toContain('/upload/b/'); // the link lets its holder upload as the base
    for (const known of [toMail!, toKnown!]) {
      expect(known.text).toMatch(/该基地的电子材料仍缺少：/);
      expect(known.text).not.toContain('只告知已登记的基地联系邮箱');
      expect(known.text).toContain('补交材料可使用本基地专用上传链接');
      expect(known.text).toContain('http://intake.test/upload/b/t-p11');
    }
  });
});
