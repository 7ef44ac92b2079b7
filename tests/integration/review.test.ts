/**
 * The expert review on the embedded stack: score sheets issued to three experts, filled in the test (with
 * mistakes), imported in batches (an error anywhere and nothing is applied), results and the list-adjustment
 * proposal computed from what was stored, every change audited.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, publicityHtml, publicityText } from '../../shared/domain/review-text.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import {
  decideObjection,
  deductByHand,
  enterPriorGrade,
  queryReview,
  recordObjection,
  withdrawDeduction,
} from '../../shared/use-cases/review.ts';
import { sendReviewFeedback } from '../../shared/use-cases/review-feedback.ts';
import { importScoreSheets } from '../../shared/use-cases/review-import.ts';
import { buildProposalWorkbook } from '../../shared/use-cases/review-proposal.ts';
import { COL, issueScoreSheets, META_SHEET } from '../../shared/use-cases/review-sheets.ts';
import { buildEmail } from '../fixtures/email.ts';
import { RecordingMailer } from '../fixtures/notices.ts';
import { fillScoreWorkbook, marks, type SheetEntry } from '../fixtures/review-sheets.ts';
import { startTestStack } from './helpers.ts';
import { seedIntake } from './http-seed.ts';

const REVIEW_NOW = new Date('2023-11-20T02:00:00Z');
const ALL_MET = { 'building-area': '是', 'live-rooms': '是', anchors: '是', gmv: '是' };

describe('expert review: sheets out, scores in, results', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const sheets: Record<string, Buffer> = {};
  const xlsx = (name: string, content: Buffer) => ({ fileName: name, content });

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(REVIEW_NOW));
    await seedIntake(stack.ctx);
    await ingestMessage(stack.ctx, {
      channel: 'cli',
      raw: await buildEmail({
        subject: '平顺网红直播基地 证明材料',
        from: '"平顺基地" <pingshun@example.cn>',
        receivedAt: new Date('2023-11-08T02:00:00Z'),
        attachments: [{ filename: '直播间明细表.csv', content: Buffer.from('房间,面积,设备\n1号直播间,30,补光灯\n') }],
      }),
    });
    for (const expert of ['专家A', '专家B', '专家C']) {
      const issued = await issueScoreSheets(stack.ctx, {
        expert,
        actor: 'staff',
        linkBase: 'https://intake.example.cn',
      });
      sheets[expert] = issued.workbook;
    }
  }, 180_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  function entries(table: Record<string, SheetEntry>): (baseId: string) => SheetEntry | null {
    return (baseId) => table[baseId] ?? null;
  }

  const indicators = () => stack.ctx.round.indicators;
  const scored = (less: number, extra: Partial<SheetEntry> = {}): SheetEntry => ({
    points: marks(indicators(), { scoredLess: less }),
    controls: ALL_MET,
    ...extra,
  });

  it('writes one sheet per participating base, pre-filled, locked but for the points, validated to 0..max', async () => {
    // Act
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(sheets.专家A as unknown as ArrayBuffer);
    const meta = workbook.getWorksheet(META_SHEET);
    const names = workbook.worksheets.map((w) => w.name);
    const pingshunName = names.find((n) => n.includes('平顺网红直播基地')) ?? '';
    const sheet = workbook.getWorksheet(pingshunName);
    const row = (slug: string) => {
      let found: ExcelJS.Row | undefined;
      sheet?.eachRow((r) => {
        if (r.getCell(COL.key).value === slug) found = r;
      });
      if (!found) throw new Error(`no row ${slug}`);
      return found;
    };

    // Assess
    expect(meta?.state).toBe('veryHidden');
    expect(names.length).toBe(2 + stack.ctx.round.bases.filter((b) => b.participating).length);
    expect(row('building-area').getCell(COL.reported).value).toBe('直播电商基地建筑面积：0.52万平方米');
    expect(String(row('live-rooms').getCell(COL.evidence).value)).toContain('直播间明细表.csv');
    expect(row('bandwidth').getCell(COL.evidence).value).toBe('未收到');
    const score = row('building-area').getCell(COL.score);
    expect(score.protection?.locked).toBe(false);
    expect(score.dataValidation).toMatchObject({ type: 'decimal', operator: 'between', formulae: [0, 8] });
    expect(row('party-members').getCell(COL.score).dataValidation?.formulae).toEqual([0, 0.5]);
    expect(row('building-area').getCell(COL.reported).protection?.locked ?? true).toBe(true);
    expect((sheet as unknown as { sheetProtection?: { sheet?: boolean } }).sheetProtection?.sheet).toBe(true);
    expect(row('control:gmv').getCell(COL.score).dataValidation?.formulae).toEqual(['"是,否"']);
    expect(JSON.stringify(sheet?.getCell(4, COL.evidence).value)).toContain('https://intake.example.cn/bases/p11');
  });

  it('refuses a batch with any mistake in it and applies nothing, not even the good workbook', async () => {
    // Prepare
    const good = await fillScoreWorkbook(sheets.专家A as Buffer, entries({ p11: scored(20) }));
    const bad = await fillScoreWorkbook(
      sheets.专家B as Buffer,
      entries({
        p11: scored(10, { points: { ...marks(indicators(), { scoredLess: 10 }), 'building-area': 9 } }),
        p02: scored(30, { points: { ...marks(indicators(), { scoredLess: 30 }), tax: null } }),
        p20: scored(55, { points: { ...marks(indicators(), { scoredLess: 55 }), anchors: '四分' } }),
        r04: scored(22, { controls: { ...ALL_MET, gmv: '基本满足' } }),
      }),
    );

    // Act
    const result = await importScoreSheets(stack.ctx, {
      files: [xlsx('专家A.xlsx', good), xlsx('专家B.xlsx', bad)],
      actor: 'staff',
    });

    // Assess
    expect(result.applied).toBe(false);
    const errors = result.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => [f.code, f.indicator ?? '', f.document])).toEqual([
      ['review.missing-score', 'tax', '专家B.xlsx'],
      ['review.out-of-range', 'building-area', '专家B.xlsx'],
      ['review.not-a-number', 'anchors', '专家B.xlsx'],
      ['review.control-invalid', '', '专家B.xlsx'],
    ]);
    expect(errors[1]?.message).toBe('平顺网红直播基地“直播电商基地建筑面积”得分9超出范围（0至8分）。');
    const records = await stack.ctx.records.review.listExperts('2023');
    expect(records.flatMap((r) => Object.keys(r.scores))).toEqual([]);
    expect(await stack.ctx.blobs.list('review/')).toEqual([]);
  });

  it('applies a clean batch, keeps each workbook, and skips sheets an expert left blank', async () => {
    // Prepare
    const common = { p20: scored(55), r04: scored(22), r05: scored(12) };
    const a = await fillScoreWorkbook(
      sheets.专家A as Buffer,
      entries({ ...common, p11: scored(20, { comment: '直播间数量不足，建议扩充。' }), p02: scored(30) }),
    );
    const b = await fillScoreWorkbook(sheets.专家B as Buffer, entries({ ...common, p11: scored(10), p02: scored(30) }));

    // Act
    const result = await importScoreSheets(stack.ctx, {
      files: [xlsx('专家A评分表.xlsx', a), xlsx('专家B评分表.xlsx', b)],
      actor: 'staff',
    });

    // Assess
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(result.applied).toBe(true);
    expect(result.accepted.map((x) => `${x.expert}:${x.baseId}`).sort()).toEqual(
      ['p02', 'p11', 'p20', 'r04', 'r05'].flatMap((id) => [`专家A:${id}`, `专家B:${id}`]).sort(),
    );
    expect(result.findings.filter((f) => f.code === 'review.not-scored')).toHaveLength(2 * 25);
    expect(await stack.ctx.blobs.list('review/2023/')).toHaveLength(2);
    const audit = await stack.ctx.records.audit.list('p11');
    expect(audit.filter((e) => e.action === 'review-scores-imported').map((e) => e.details.expert)).toEqual(
      expect.arrayContaining(['专家A', '专家B']),
    );
  });

  it('refuses a workbook of another round and a base one expert scored twice', async () => {
    // Prepare
    const otherRound = await fillScoreWorkbook(sheets.专家C as Buffer, entries({ p11: scored(15) }), (wb) => {
      const meta = wb.getWorksheet(META_SHEET);
      if (meta) meta.getCell(2, 2).value = '2022';
    });
    const first = await fillScoreWorkbook(sheets.专家C as Buffer, entries({ p11: scored(15) }));
    const second = await fillScoreWorkbook(sheets.专家C as Buffer, entries({ p11: scored(16) }));

    // Act
    const round = await importScoreSheets(stack.ctx, { files: [xlsx('旧.xlsx', otherRound)], actor: 'staff' });
    const twice = await importScoreSheets(stack.ctx, {
      files: [xlsx('C-1.xlsx', first), xlsx('C-2.xlsx', second)],
      actor: 'staff',
    });
    const notOurs = await importScoreSheets(stack.ctx, {
      files: [xlsx('随便.xlsx', Buffer.from('not a workbook'))],
      actor: 'staff',
    });

    // Assess
    expect(round.applied).toBe(false);
    expect(round.findings.map((f) => f.code)).toEqual(['review.other-round']);
    expect(round.findings[0]?.message).toContain('2022年度');
    expect(twice.applied).toBe(false);
    expect(twice.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.document])).toEqual([
      ['review.duplicate-base', 'C-2.xlsx'],
    ]);
    expect(notOurs.findings.map((f) => f.code)).toEqual(['review.unreadable']);
    expect(await stack.ctx.records.review.getExpert('2023', '专家C')).toMatchObject({ scores: {} });
  });

  it('computes results from three experts: mean per indicator, spread, control blocker, awaiting experts', async () => {
    // Prepare: 专家C scores p11 with 控制项 anchors not met, and the others like A and B
    const c = await fillScoreWorkbook(
      sheets.专家C as Buffer,
      entries({
        p11: scored(15, { controls: { ...ALL_MET, anchors: '否' } }),
        p02: scored(30),
        p20: scored(55),
        r04: scored(22),
        r05: scored(12),
      }),
    );
    expect((await importScoreSheets(stack.ctx, { files: [xlsx('C.xlsx', c)], actor: 'staff' })).applied).toBe(true);

    // Act
    const report = await queryReview(stack.ctx);
    const of = (id: string) => report.results.find((r) => r.baseId === id);

    // Assess: live-rooms 0/6/1 -> 2.33, bandwidth 0/4/4 -> 2.67: 85.00 exactly, an A with a blocker
    const p11 = of('p11');
    expect(p11?.experts).toEqual(['专家A', '专家B', '专家C']);
    expect(p11?.indicators.find((x) => x.slug === 'live-rooms')).toMatchObject({ points: 2.33, spread: 6 });
    expect(p11?.total).toBe(85);
    expect(p11?.grade).toBe('A');
    expect(p11?.blockers).toEqual(['anchors']);
    expect(p11?.totalSpread).toBe(10);
    expect(p11?.comments).toEqual([{ expert: '专家A', text: '直播间数量不足，建议扩充。' }]);
    expect(of('p02')).toMatchObject({ total: 70, grade: 'C', rank: { province: 4, city: 1 } });
    expect(of('p20')).toMatchObject({ total: 45, grade: 'D' });
    expect(of('p01')).toMatchObject({ total: null, experts: [], awaiting: ['专家A', '专家B', '专家C'] });
    expect(report.experts.map((e) => [e.name, e.bases, e.scored])).toEqual([
      ['专家A', 30, 5],
      ['专家B', 30, 5],
      ['专家C', 30, 5],
    ]);
    expect(report.proposal.removals.map((r) => r.baseId)).toEqual(['p20']);
    expect(report.proposal.additions.map((a) => [a.order, a.baseId])).toEqual([
      [1, 'r05'],
      [2, 'r04'],
    ]);
  });

  it('replaces an expert’s points for a base on re-import and audits what changed from what', async () => {
    // Prepare
    const again = await fillScoreWorkbook(
      sheets.专家A as Buffer,
      entries({ p02: scored(30, { points: { ...marks(indicators(), { scoredLess: 30 }), tax: 1 } }) }),
    );

    // Act
    const result = await importScoreSheets(stack.ctx, { files: [xlsx('专家A更正.xlsx', again)], actor: 'staff' });
    const record = await stack.ctx.records.review.getExpert('2023', '专家A');
    const audit = await stack.ctx.records.audit.list('p02');

    // Assess
    expect(result.accepted).toEqual([
      { expert: '专家A', baseId: 'p02', fileName: '专家A更正.xlsx', sheet: expect.any(String), changed: true },
    ]);
    expect(record?.scores.p02?.points.tax).toBe(1);
    expect(Object.keys(record?.scores ?? {}).sort()).toEqual(['p02', 'p11', 'p20', 'r04', 'r05']);
    expect(record?.workbooks.map((w) => w.fileName)).toEqual(['专家A评分表.xlsx', '专家A更正.xlsx']);
    expect(audit.find((e) => e.action === 'review-scores-changed')).toMatchObject({
      action: 'review-scores-changed',
      details: { expert: '专家A', changes: { tax: { from: 2, to: 1 } } },
    });
  });

  it('writes the proposal workbook for the meeting and the 公示 with the objection period', async () => {
    // Act
    const report = await queryReview(stack.ctx);
    const data = await buildProposalWorkbook(stack.ctx.round, report);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
    const rows = (name: string) =>
      (workbook.getWorksheet(name)?.getSheetValues() ?? []).slice(2).map((r) => (Array.isArray(r) ? r.slice(1) : []));
    const html = publicityHtml(
      publicityText({
        round: stack.ctx.round,
        proposal: report.proposal,
        results: report.results,
        from: '2023-11-27',
        until: addWorkingDays('2023-11-27', report.scheme.adjustment.objectionDays),
      }),
    );

    // Assess
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['拟取消', '拟补入', '待核实', '异议与复议', '全部结果']);
    expect(rows('拟取消')[0]?.slice(0, 6)).toEqual([
      1,
      '山西综改示范区',
      '晋享生活直播基地',
      '2021年度D（附件4）',
      45,
      'D',
    ]);
    expect(rows('拟补入').map((r) => r[2])).toEqual(['极致星空电商直播基地', '东方传媒电商直播基地']);
    const all = rows('全部结果');
    expect(all).toHaveLength(30);
    expect(all[0]?.slice(0, 3)).toEqual(['r05', '晋城市', '极致星空电商直播基地']);
    expect(all.find((r) => r[0] === 'p11')?.join('|')).toContain('基地主播数量未确认');
    expect(html).toContain('<h1>关于2022—2023年度省级直播电商基地综合评价结果及拟调整名单的公示</h1>');
    expect(html).toContain('公示时间：11月27日至12月1日。');
    expect(html).toContain('<td>晋享生活直播基地</td>');
    expect(html).toContain('山西省商务厅电子商务处');
  });

  it('sends each city its bases’ results and the comments once, without the experts’ names', async () => {
    // Prepare
    const mailer = new RecordingMailer();
    const ctx = { ...stack.ctx, mailer };

    // Act
    const dry = await sendReviewFeedback(ctx, { city: 'changzhi', actor: 'staff' });
    const first = await sendReviewFeedback(ctx, { city: 'changzhi', send: true, actor: 'staff' });
    const again = await sendReviewFeedback(ctx, { city: 'changzhi', send: true, actor: 'staff' });

    // Assess
    expect(dry.map((f) => f.status)).toEqual(['dry-run']);
    expect(first.map((f) => [f.status, f.bases, f.scored])).toEqual([['sent', 3, 1]]);
    expect(again.map((f) => f.status)).toEqual(['already-sent']);
    expect(mailer.sent).toHaveLength(1);
    const text = mailer.sent[0]?.text ?? '';
    expect(mailer.sent[0]?.to).toEqual(stack.ctx.round.cities.find((c) => c.id === 'changzhi')?.notifyTo);
    expect(text.startsWith('长治市商务局：')).toBe(true);
    expect(text).toContain('平顺网红直播基地（省级基地）');
    expect(text).toContain('综合得分85分，等级A；全省第2名，本市第1名。');
    expect(text).toContain('1. 直播间数量不足，建议扩充。');
    expect(text).toContain('评审尚未完成，结果另行反馈。');
    expect(text).not.toContain('专家A');
    expect(text).toMatch(/山西省商务厅电子商务处\n2023年11月20日$/);
  });

  it('deducts by hand with the reason shown, takes it back, and records objections and their 复议 outcome', async () => {
    // Act
    const deduction = await deductByHand(stack.ctx, { baseId: 'p02', points: 3, reason: '数据不实', actor: 'staff' });
    const deducted = (await queryReview(stack.ctx)).results.find((r) => r.baseId === 'p02');
    await withdrawDeduction(stack.ctx, { id: deduction.id, actor: 'staff', reason: '经核实数据无误' });
    const restored = (await queryReview(stack.ctx)).results.find((r) => r.baseId === 'p02');
    const objection = await recordObjection(stack.ctx, {
      baseId: 'p20',
      raisedBy: '太原某电商协会（盖章）',
      receivedOn: '2023-11-28',
      summary: '该基地交易额统计口径有误',
      actor: 'staff',
    });
    const decided = await decideObjection(stack.ctx, {
      id: objection.id,
      decision: 'rejected',
      note: '经专家复议，维持原评价结果',
      decidedOn: '2023-12-05',
      actor: 'staff',
    });
    const report = await queryReview(stack.ctx);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await buildProposalWorkbook(stack.ctx.round, report)) as unknown as ArrayBuffer);

    // Assess
    expect(deducted?.deductions).toEqual([{ kind: 'manual', points: 3, reason: '数据不实' }]);
    expect(deducted?.total).toBe(66.67);
    expect(restored?.deductions).toEqual([]);
    expect(restored?.total).toBe(69.67);
    expect(decided.outcome?.decision).toBe('rejected');
    expect(report.objections.map((o) => [o.baseId, o.outcome?.note])).toEqual([['p20', '经专家复议，维持原评价结果']]);
    expect(workbook.getWorksheet('异议与复议')?.getRow(2).values).toEqual([
      undefined,
      objection.id,
      '2023-11-28',
      '太原某电商协会（盖章）',
      '晋享生活直播基地',
      '该基地交易额统计口径有误',
      '异议不成立',
      '经专家复议，维持原评价结果',
      '2023-12-05',
    ]);
    await expect(
      decideObjection(stack.ctx, {
        id: objection.id,
        decision: 'upheld',
        note: 'x',
        decidedOn: '2023-12-06',
        actor: 's',
      }),
    ).rejects.toThrow('已于2023-12-05作出复议结论');
    expect((await stack.ctx.records.audit.list('p02')).map((e) => e.action)).toEqual(
      expect.arrayContaining(['review-deduction', 'review-deduction-withdrawn']),
    );
  });

  it('takes an earlier grade staff enter for a new base from the city letter, audited', async () => {
    // Act
    const entered = await enterPriorGrade(stack.ctx, {
      baseId: 'r01',
      year: 2022,
      grade: 'b',
      actor: 'staff',
      reason: '综改区管委会公函',
    });
    const report = await queryReview(stack.ctx);

    // Assess
    expect(entered).toMatchObject({ grade: 'B', source: 'staff' });
    expect(report.results.find((r) => r.baseId === 'r01')?.prior).toMatchObject({ grade: 'B', year: 2022 });
    expect((await stack.ctx.records.audit.list('r01')).map((e) => e.action)).toContain('review-prior-grade');
    await expect(
      enterPriorGrade(stack.ctx, { baseId: 'r01', year: 2022, grade: 'E', actor: 's', reason: 'x' }),
    ).rejects.toThrow('等级应为A、B、C或D');
  });
});
