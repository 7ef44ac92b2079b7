import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateBase } from '../../shared/use-cases/evaluate.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, valuesClaiming } from '../fixtures/report-form.ts';
import { buildMinimalPdf, buildSelfAssessmentPdf } from '../fixtures/self-assessment-pdf.ts';
import { startTestStack } from './helpers.ts';

const ON_TIME = new Date('2023-11-06T02:00:00Z');
const AFTER_DEADLINE = new Date('2023-11-20T00:00:00Z');

describe('evidence recognised as bases label it, through intake', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.dispose();
  });

  it('decides by item number, first page, the mail body and shared tables, and asks where it cannot tell', async () => {
    // Prepare: the form claims live streams (17), bandwidth (3), anchors (6), ops engineers (8), party members (21),
    // employees (35) and merchants (4); the evidence is named as bases name it.
    const name = '山西农谷电商直播基地';
    const form = await buildReportFormXlsx({
      header: { baseName: name },
      values: valuesClaiming({ 17: [40, 120], 3: 1000, 6: 25, 8: 3, 21: 5, 35: 60, 4: [30, 2] }),
    });
    const raw = await buildEmail({
      subject: `${name}申报材料`,
      receivedAt: ON_TIME,
      text: '您好！附件为我基地申报材料，请查收：\n附件1：经营服务情况报告表\n附件3：主播名单\n另补材料之二为直播间明细表。\n谢谢！',
      attachments: [
        { filename: '经营服务情况报告表.xlsx', content: form },
        { filename: '自评报告.pdf', content: await buildSelfAssessmentPdf({ baseName: name }) },
        { filename: '17.xlsx', content: await buildMinimalPdf('表') },
        {
          filename: '扫描全能王 2023-11-06 09.41.pdf',
          content: await buildMinimalPdf(
            '中国联通山西省分公司\n集团客户互联网专线业务合同\n甲方：山西农谷电商直播基地',
          ),
        },
        { filename: '附件3.pdf', content: await buildMinimalPdf('') },
        { filename: '材料之二.pdf', content: await buildMinimalPdf('2') },
        { filename: '从业人员名单（含运维技术人员、党员）.xlsx', content: await buildMinimalPdf('名单') },
        { filename: '商家主播.pdf', content: await buildMinimalPdf('协议') },
      ],
    });

    // Act
    const sent = await ingestMessage(stack.ctx, { raw, channel: 'cli' });
    const docs = await stack.ctx.records.documents.listBySubmission(sent.submissionId);
    const status = await evaluateBase(stack.ctx, { baseId: sent.baseId!, asOf: AFTER_DEADLINE });
    const byName = (fileName: string) => docs.find((d) => d.fileName === fileName)!;

    // Assess: decided, each with its reason.
    expect(byName('17.xlsx')).toMatchObject({ kind: 'evidence', indicators: ['livestreams'] });
    expect(byName('17.xlsx').classification?.reasons).toContain('按编号17判定（第17项）');
    expect(byName('扫描全能王 2023-11-06 09.41.pdf').indicators).toEqual(['bandwidth']);
    expect(byName('扫描全能王 2023-11-06 09.41.pdf').classification?.reasons.join('；')).toContain('首页标题');
    expect(byName('附件3.pdf').indicators).toEqual(['anchors']);
    expect(byName('附件3.pdf').classification?.reasons.join('；')).toContain('邮件正文所列名称');
    // A label the body writes out, not a number it lists.
    expect(byName('材料之二.pdf').indicators).toEqual(['live-rooms']);
    expect(byName('从业人员名单（含运维技术人员、党员）.xlsx').indicators?.sort()).toEqual([
      'employees',
      'ops-engineers',
      'party-members',
    ]);
    // Asked: the merchants' anchors may be the anchors or the merchant list, and settled files lean neither way.
    const asked = byName('商家主播.pdf');
    expect(asked.classification?.decision).toBe('asked');
    expect(asked.indicator).toBeNull();
    expect(asked.classification?.candidates.map((c) => c.indicator)).toContain('merchants-products');

    // The status: the asked file makes merchants 待核实, never 缺少; everything else is in.
    expect(status.pendingEvidence).toEqual([
      { indicator: 'merchants-products', documents: [{ id: asked.id, fileName: '商家主播.pdf' }] },
    ]);
    expect(status.missing.evidence).toEqual([]);
    expect(status.overdueItems.filter((i) => i.element === 'evidence')).toEqual([]);
    expect(status.state).toBe('incomplete');
  });
});
