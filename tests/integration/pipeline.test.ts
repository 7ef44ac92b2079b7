import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { sendCityNotices } from '../../shared/use-cases/notify.ts';
import { queryStatus } from '../../shared/use-cases/query.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { buildSelfAssessmentPdf } from '../fixtures/self-assessment-pdf.ts';
import { startTestStack } from './helpers.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const LAST_SECOND = new Date('2023-11-10T15:59:59Z'); // 2023-11-10 23:59:59 Beijing
const FIRST_LATE_SECOND = new Date('2023-11-10T16:00:00Z'); // 2023-11-11 00:00:00 Beijing

/** A realistic submission of one base: GBK subject, the report form and the self-assessment. */
/** A base's files: the form and (unless left out) the self-assessment. */
async function filesOf(baseName: string, withReport = true) {
  const form = await buildReportFormXlsx({ header: { baseName }, values: SAMPLE_FORM_VALUES, layout: 'template' });
  const attachments = [{ filename: `${baseName}经营服务情况报告表.xlsx`, content: form, contentType: XLSX }];
  if (withReport) {
    const pdf = await buildSelfAssessmentPdf({ baseName });
    attachments.push({ filename: `${baseName}自评报告.pdf`, content: pdf, contentType: 'application/pdf' });
  }
  return attachments;
}

async function submissionOf(
  baseName: string,
  receivedAt: Date,
  options: {
    withReport?: boolean;
    messageId?: string;
    files?: Awaited<ReturnType<typeof filesOf>>;
  } = {},
) {
  const attachments = options.files ?? (await filesOf(baseName, options.withReport !== false));
  return buildEmail({
    subject: `【申报材料】${baseName}2022-2023年度综合评价材料`,
    receivedAt,
    // The sender's clock says it was sent in time; only the mailbox's stamp may decide.
    sentAt: new Date('2023-11-09T01:00:00Z'),
    messageId: options.messageId,
    attachments,
  });
}

describe('pipeline on the embedded stand-ins', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.dispose();
  });

  it('ingests a GBK-subject email with a report form and a PDF, and computes the base status', async () => {
    // Prepare
    const raw = await submissionOf('邮拓直播电商基地', LAST_SECOND);

    // Act
    const result = await ingestMessage(stack.ctx, { raw, channel: 'cli' });
    const report = await queryStatus(stack.ctx, { asOf: new Date('2023-11-20T00:00:00Z') });

    // Assess
    expect(result).toMatchObject({ duplicate: false, baseId: 'p02' });
    const submission = await stack.ctx.records.submissions.get(result.submissionId);
    expect(submission?.subject).toBe('【申报材料】邮拓直播电商基地2022-2023年度综合评价材料');
    expect(submission?.receivedAt).toBe(LAST_SECOND.toISOString());
    expect(submission?.receivedAtSource).toBe('received-header');
    expect(submission?.sentAt).toBe('2023-11-09T01:00:00.000Z');
    expect(await stack.ctx.blobs.exists(submission!.rawKey)).toBe(true);

    const status = report.bases.find((b) => b.baseId === 'p02')!;
    const value = (item: number, field: string) => status.formValues.find((v) => v.item === item && v.field === field);
    expect(value(1, 'area')).toMatchObject({ value: 0.52, unit: '万平方米' });
    expect(value(32, 'gmv')).toMatchObject({ value: 12000, unit: '万元' });
    expect(value(33, 'shanxiGmv')).toMatchObject({ value: 5600, unit: '万元' });
    expect(status.missing.documents).toEqual([]);
    expect(status.missing.formItems).toEqual([]);
    // The form claims many indicators and no evidence file was sent.
    expect(status.missing.evidence).toContain('building-area');
    expect(status.state).toBe('incomplete');
    // Sent on time: past the deadline the missing evidence is 截止仍缺 (overdue), not 逾期提交 (late).
    expect([status.late, status.lateItems, status.overdue]).toEqual([false, [], true]);
    expect(status.overdueItems.length).toBeGreaterThan(0);
    expect(status.overdueItems.every((item) => item.element === 'evidence')).toBe(true);
    expect(report.bases).toHaveLength(30);
  });

  it('decides late on the Received header: 23:59:59 Beijing is on time, 00:00:00 is late', async () => {
    // Prepare
    const onTime = await submissionOf('龙巅兴趣直播基地', LAST_SECOND, { withReport: false });
    const late = await submissionOf('山西千万亿直播基地', FIRST_LATE_SECOND, { withReport: false });

    // Act
    await ingestMessage(stack.ctx, { raw: onTime, channel: 'cli' });
    await ingestMessage(stack.ctx, { raw: late, channel: 'cli' });
    const report = await queryStatus(stack.ctx, { asOf: new Date('2023-11-10T17:00:00Z') });

    // Assess
    const byName = (name: string) => report.bases.find((b) => b.name === name)!;
    const formLate = (name: string) => byName(name).lateItems.find((i) => i.element === 'report-form');
    expect(formLate('龙巅兴趣直播基地')).toBeUndefined();
    expect(formLate('山西千万亿直播基地')).toMatchObject({ receivedAt: FIRST_LATE_SECOND.toISOString() });
    expect(byName('龙巅兴趣直播基地').missing.documents).toEqual(['self-assessment']);
    // Sent at 23:59:59: not late; the self-assessment still missing past the deadline makes it overdue.
    expect(byName('龙巅兴趣直播基地')).toMatchObject({ late: false, overdue: true });
    expect(byName('龙巅兴趣直播基地').overdueItems).toContainEqual(
      expect.objectContaining({ element: 'self-assessment' }),
    );
    expect(byName('山西千万亿直播基地')).toMatchObject({ late: true, overdue: true });
  });

  it('records the same message delivered twice as one submission', async () => {
    // Prepare
    // The same message as another mailbox delivers it: same files (byte for byte), another Received: stamp. Built
    // once: the form and the PDF carry their creation time, so building them again a second later is other content.
    const files = await filesOf('驿拓直播电商基地');
    const first = await submissionOf('驿拓直播电商基地', LAST_SECOND, { messageId: '<same@example.cn>', files });
    const again = await submissionOf('驿拓直播电商基地', new Date('2023-11-10T15:00:00Z'), {
      messageId: '<same@example.cn>',
      files,
    });

    // Act
    const a = await ingestMessage(stack.ctx, { raw: first, channel: 'cli' });
    const b = await ingestMessage(stack.ctx, { raw: first, channel: 'cli' });
    const c = await ingestMessage(stack.ctx, { raw: again, channel: 'cli' });
    const report = await queryStatus(stack.ctx, { base: '驿拓' });

    // Assess
    expect([a.duplicate, b.duplicate, c.duplicate]).toEqual([false, true, true]);
    expect(report.bases[0]?.submissions).toBe(1);
  });

  it('puts a message naming no base into the unmatched queue', async () => {
    // Prepare
    const raw = await buildEmail({ subject: '材料', receivedAt: LAST_SECOND, text: '见附件' });

    // Act
    const result = await ingestMessage(stack.ctx, { raw, channel: 'cli' });
    const report = await queryStatus(stack.ctx, {});

    // Assess
    expect(result.baseId).toBeNull();
    expect(report.unmatched.map((u) => u.submissionId)).toContain(result.submissionId);
    expect(result.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['intake.base-unknown']));
  });

  it('renders and sends the per-city notice, once', async () => {
    // Prepare
    const asOf = new Date('2023-11-11T01:00:00Z');

    // Act
    const dry = await sendCityNotices(stack.ctx, { asOf, dryRun: true });
    const sent = await sendCityNotices(stack.ctx, { asOf });
    const again = await sendCityNotices(stack.ctx, { asOf });

    // Assess
    expect(dry).toHaveLength(12);
    const taiyuan = dry.find((n) => n.city === 'taiyuan')!;
    expect(taiyuan.text).toContain('太原市商务局');
    expect(taiyuan.text).toContain('邮拓直播电商基地');
    expect(taiyuan.text).toContain('缺少证明材料');
    expect(taiyuan.text).toContain('睿信传媒电商直播基地'); // a recommended base that sent nothing
    expect(taiyuan.text).toContain('尚未收到');
    expect(sent.filter((n) => n.sent)).toHaveLength(12);
    expect(again.filter((n) => n.sent)).toHaveLength(0);
    expect((await stack.ctx.records.notices.list('taiyuan')).length).toBe(1);
  });
});
