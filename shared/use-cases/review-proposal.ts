/**
 * The workbook for the meeting that settles the list (`intake review proposal --out 调整建议.xlsx`): the proposed
 * removals and candidates with the facts that decide them, what the rules could not decide (a missing earlier grade,
 * an open control item), and every base's result — subtotals with the 60 % flag, bonus before and after the cap,
 * deductions with their reasons, total, grade, ranks, control items, experts still to return points.
 */
import ExcelJS from 'exceljs';
import type { Round } from '../domain/catalogue.ts';
import { fmt } from '../domain/review.ts';
import { CONTROL_STATE_NAMES, REVIEW_CATEGORY_NAMES } from '../domain/review-text.ts';
import type { ReviewReport } from './review.ts';

const HEAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };

function table(sheet: ExcelJS.Worksheet, head: string[], rows: (string | number | null)[][], widths: number[]): void {
  sheet.columns = widths.map((width) => ({ width }));
  const h = sheet.addRow(head);
  h.font = { bold: true };
  h.eachCell((c) => {
    c.fill = HEAD_FILL;
  });
  for (const row of rows) sheet.addRow(row).alignment = { wrapText: true, vertical: 'top' };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  if (rows.length > 0) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: head.length } };
}

/** Builds the proposal workbook from a review report. */
export async function buildProposalWorkbook(round: Round, report: ReviewReport): Promise<Buffer> {
  const cityName = (id: string) => round.cities.find((c) => c.id === id)?.name ?? id;
  const prior = (p: { year: number; grade: string; source: string }) =>
    `${p.year}年度${p.grade}（${p.source === 'staff' ? '据市局公函录入' : '附件4'}）`;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '山西省商务厅电子商务处';

  table(
    workbook.addWorksheet('拟取消'),
    ['序号', '地市', '基地名称', '上次等级', '本次得分', '本次等级', '理由'],
    report.proposal.removals.map((r, i) => [
      i + 1,
      cityName(r.city),
      r.name,
      prior(r.prior),
      r.total,
      r.grade,
      r.reason,
    ]),
    [6, 10, 34, 26, 10, 10, 60],
  );
  table(
    workbook.addWorksheet('拟补入'),
    ['择优次序', '地市', '基地名称', '类别', '上次等级', '本次得分', '本次等级', '理由'],
    report.proposal.additions.map((a) => [
      a.order ?? null,
      cityName(a.city),
      a.name,
      REVIEW_CATEGORY_NAMES[a.category] ?? a.category,
      prior(a.prior),
      a.total,
      a.grade,
      a.reason,
    ]),
    [9, 10, 34, 10, 26, 10, 10, 60],
  );
  table(
    workbook.addWorksheet('待核实'),
    ['地市', '基地名称', '原因'],
    report.proposal.gaps.map((g) => [cityName(g.city), g.name, g.reason]),
    [10, 34, 60],
  );

  const baseName = (id: string | null) =>
    id ? (report.results.find((r) => r.baseId === id)?.name ?? id) : '（名单整体）';
  table(
    workbook.addWorksheet('异议与复议'),
    ['编号', '收到日期', '异议人', '涉及基地', '异议内容', '复议结论', '复议意见', '复议日期'],
    report.objections.map((o) => [
      o.id,
      o.receivedOn,
      o.raisedBy,
      baseName(o.baseId),
      o.summary,
      o.outcome ? (o.outcome.decision === 'upheld' ? '异议成立' : '异议不成立') : '待复议',
      o.outcome?.note ?? '',
      o.outcome?.decidedOn ?? '',
    ]),
    [10, 12, 20, 30, 50, 12, 40, 12],
  );

  const groups = report.scheme.groups;
  const head = [
    '基地编号',
    '地市',
    '基地名称',
    '类别',
    '评分专家',
    '待交专家',
    ...groups.map((g) => `${g.level1}（${g.points}）`),
    `一级指标未超过${Math.round(report.scheme.groupMinShare * 100)}%`,
    '加分项（原始）',
    `加分项（计入，最高${report.scheme.bonus.cap}）`,
    '扣分',
    '总分',
    '等级',
    '全省排名',
    '本市排名',
    '控制项',
    `等级${report.scheme.gradesNeedingControls.join('/')}的阻碍`,
    '专家分差（总分）',
    '上次等级',
  ];
  const rows = [...report.results]
    .sort((a, b) => (a.rank.province ?? 999) - (b.rank.province ?? 999) || a.baseId.localeCompare(b.baseId))
    .map((r) => [
      r.baseId,
      cityName(r.city),
      r.name,
      REVIEW_CATEGORY_NAMES[r.category] ?? r.category,
      r.experts.join('、'),
      r.awaiting.join('、'),
      ...r.groups.map((g) => (r.experts.length ? g.subtotal : null)),
      r.groups
        .filter((g) => r.experts.length && g.belowShare)
        .map((g) => `${g.level1} ${fmt(g.subtotal)}≤${fmt(g.floor)}`)
        .join('；'),
      r.experts.length ? r.bonusRaw : null,
      r.experts.length ? r.bonus : null,
      r.deductions.map((d) => `${d.reason} -${fmt(d.points)}`).join('；'),
      r.total,
      r.grade,
      r.rank.province,
      r.rank.city,
      r.controls.map((c) => `${c.label}：${CONTROL_STATE_NAMES[c.state]}`).join('；'),
      r.blockers
        .map((id) => r.controls.find((c) => c.id === id)?.label ?? id)
        .map((label) => `${label}未确认`)
        .join('；'),
      r.totalSpread,
      r.prior ? prior(r.prior) : '',
    ]);
  table(workbook.addWorksheet('全部结果'), head, rows, [
    8,
    8,
    30,
    9,
    18,
    14,
    ...groups.map(() => 12),
    28,
    10,
    12,
    24,
    8,
    6,
    8,
    8,
    40,
    22,
    10,
    24,
  ]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
