/**
 * Export: the status workbook staff hand to the experts (`intake export --out 汇总.xlsx`).
 *
 * Primary course: evaluate every participating base at `asOf` (reporting progress base by base); take the city
 * lines from queryCityStatus; write a summary sheet (one row per city), one sheet per city (one row per base, with
 * what is missing and the findings listed) and the unmatched queue. Every sheet has its header row frozen and an
 * autofilter on it, so experts can sort and filter without unfreezing anything.
 */
import ExcelJS from 'exceljs';
import { chineseDate, chineseTime, chineseWhen, deadlineWords } from '../domain/chinese-time.ts';
import { describeBase, noticeCitation, paperOf } from '../domain/notice-text.ts';
import type { BaseStatus } from '../domain/records.ts';
import type { AppContext } from './context.ts';
import { evaluateBase } from './evaluate.ts';
import { listExcluded } from './excluded.ts';
import { listUnmatched, PAPER_COPIES_REQUIRED, queryCityStatus } from './query.ts';
import { listRegistry } from './registry.ts';

/** Name of the summary sheet. */
export const SUMMARY_SHEET = '汇总';
/** Name of the unmatched-queue sheet. */
export const UNMATCHED_SHEET = '待分配邮件';
/** Name of the sheet of submissions from bases that take no part this round. */
export const EXCLUDED_SHEET = '名单外来件';

/** Column headings of a city sheet, in order. */
export const BASE_COLUMNS = [
  '基地编号',
  '基地名称',
  '类别',
  '状态',
  '逾期提交',
  '截止仍缺',
  '提交次数',
  '首次收到',
  '最近收到',
  '缺少材料',
  '报告表未填项目',
  '缺少证明材料',
  '证明材料待核实（已收到，不计为缺少）',
  '逾期提交事项（收到时间）',
  '截止仍缺事项',
  '需核实事项',
  '已豁免',
  '纸质材料（份）',
  '纸质材料收到日期',
  '纸质材料逾期',
  '试点单位',
  '推荐排序',
] as const;

/** Column headings of the summary sheet, in order. */
export const SUMMARY_COLUMNS = [
  '地市',
  '市商务局',
  '参评基地',
  '材料齐全',
  '材料不完整',
  '未收到材料',
  '逾期提交',
  '截止仍缺',
  '需核实事项',
  `纸质材料齐全（${PAPER_COPIES_REQUIRED}份）`,
  '纸质材料逾期',
  '公函收到时间',
  '推荐排序（公函）',
  '新推荐基地数',
  '地市事项提示',
] as const;

/** What the export reports while it works: `done` of `total` steps, and on what. */
export type ExportProgress = (done: number, total: number, detail: string) => void;

/** What was exported. */
export interface ExportSummary {
  asOf: string;
  sheets: { name: string; rows: number }[];
  bases: number;
  unmatched: number;
  excluded: number;
}

/** Builds the status workbook at `asOf` (default now). */
export async function buildStatusWorkbook(
  ctx: AppContext,
  input: { asOf?: Date; onProgress?: ExportProgress } = {},
): Promise<{ workbook: Buffer; summary: ExportSummary }> {
  const { round } = ctx;
  const asOf = input.asOf ?? ctx.clock.now();
  const at = (iso: string | null | undefined) => (iso ? chineseWhen(iso, round) : '');
  const registry = await listRegistry(ctx);
  const participating = registry.filter((b) => b.participating);
  const total = participating.length + round.cities.length + 3;
  let done = 0;
  const step = (detail: string) => input.onProgress?.(++done, total, detail);

  const statuses: BaseStatus[] = [];
  for (const base of participating) {
    statuses.push(await evaluateBase(ctx, { baseId: base.id, asOf }));
    step(base.name);
  }
  const [cities, unmatched, records, excluded] = await Promise.all([
    queryCityStatus(ctx, { asOf }),
    listUnmatched(ctx, asOf),
    ctx.records.listCityRecords(),
    listExcluded(ctx, asOf),
  ]);
  const nameOf = (id: string) => registry.find((b) => b.id === id)?.name ?? id;
  step('地市汇总');

  const book = new ExcelJS.Workbook();
  // Fixed metadata: the same facts give the same workbook whenever it is built.
  book.creator = round.title;
  book.created = asOf;
  book.modified = asOf;
  const sheets: ExportSummary['sheets'] = [];

  const summary = addTable(
    book,
    SUMMARY_SHEET,
    [...SUMMARY_COLUMNS],
    cities.map((c) => [
      c.name,
      c.bureau,
      c.bases,
      c.byState.complete,
      c.byState.incomplete,
      c.byState['not-received'],
      c.late,
      c.overdue,
      c.openFindings,
      c.paperComplete,
      c.paperLate,
      at(c.letterReceivedAt),
      c.ranking.map((id, i) => `${i + 1}. ${nameOf(id)}`).join('\n'),
      c.newBases.length,
      c.findings.map((f) => f.message).join('\n'),
    ]),
    [14, 26, 10, 10, 12, 12, 10, 10, 12, 16, 12, 20, 30, 12, 48],
  );
  summary.addRow([]);
  summary.addRow([`截至${chineseTime(asOf, round)}（北京时间）；电子材料报送截止时间：${deadlineWords(round)}`]);
  summary.addRow([`${round.title}：依据${noticeCitation(round)}`]);
  sheets.push({ name: SUMMARY_SHEET, rows: cities.length });

  for (const city of round.cities) {
    const ofCity = statuses.filter((s) => s.city === city.id);
    const record = records.find((r) => r.city === city.id);
    const pilots = new Set(record?.pilotUnits ?? []);
    const ranking = record?.ranking ?? [];
    addTable(
      book,
      sheetName(city.name),
      [...BASE_COLUMNS],
      ofCity.map((status) => {
        const facts = describeBase(round, status, registry);
        const paper = paperOf(status);
        const rank = ranking.indexOf(status.baseId);
        return [
          status.baseId,
          status.name,
          facts.category,
          facts.state,
          status.late ? '是' : '否',
          status.overdue ? '是' : '否',
          status.submissions,
          at(status.firstReceivedAt),
          at(status.lastReceivedAt),
          facts.missingDocuments.join('\n'),
          facts.missingFormItems.join('\n'),
          facts.missingEvidence.join('\n'),
          facts.pendingEvidence.join('\n'),
          facts.lateArrived.join('\n'),
          facts.overdueMissing.join('\n'),
          facts.checks.join('\n'),
          status.waived.map((f) => f.message).join('\n'),
          status.paperCopies,
          paper.receivedOn ? chineseDate(paper.receivedOn) : '',
          paper.late ? '是' : '',
          pilots.has(status.baseId) ? '是' : '',
          rank >= 0 ? rank + 1 : '',
        ];
      }),
      [10, 30, 26, 12, 9, 9, 9, 19, 19, 22, 30, 36, 36, 36, 36, 48, 30, 12, 14, 10, 9, 9],
    );
    sheets.push({ name: sheetName(city.name), rows: ofCity.length });
    step(city.name);
  }

  addTable(
    book,
    UNMATCHED_SHEET,
    ['收到时间', '发件人', '主题', '文件', '可能的基地', '编号'],
    unmatched.map((u) => [
      at(u.receivedAt),
      u.from ?? '',
      u.subject ?? '',
      u.fileNames.join('\n'),
      u.candidates.map((c) => c.name).join('\n'),
      u.submissionId,
    ]),
    [19, 30, 36, 36, 30, 38],
  );
  sheets.push({ name: UNMATCHED_SHEET, rows: unmatched.length });

  addTable(
    book,
    EXCLUDED_SHEET,
    ['收到时间', '基地', '地市', '原因', '发件人', '主题', '文件', '编号'],
    excluded.map((e) => [
      at(e.receivedAt),
      e.base.name,
      round.cities.find((c) => c.id === e.base.city)?.name ?? e.base.city,
      e.reason,
      e.from ?? '',
      e.subject ?? '',
      e.fileNames.join('\n'),
      e.submissionId,
    ]),
    [19, 30, 10, 36, 30, 36, 36, 38],
  );
  sheets.push({ name: EXCLUDED_SHEET, rows: excluded.length });
  step(EXCLUDED_SHEET);

  const workbook = Buffer.from(await book.xlsx.writeBuffer());
  step('写入');
  return {
    workbook,
    summary: {
      asOf: asOf.toISOString(),
      sheets,
      bases: statuses.length,
      unmatched: unmatched.length,
      excluded: excluded.length,
    },
  };
}

/** Excel forbids some characters in sheet names and cuts them at 31. */
function sheetName(name: string): string {
  return name.replace(/[\\/*?:[\]]/g, '_').slice(0, 31);
}

/** A sheet with a bold, frozen header row with an autofilter, and wrapped cells for the listed items. */
function addTable(
  book: ExcelJS.Workbook,
  name: string,
  columns: string[],
  rows: (string | number)[][],
  widths: number[],
): ExcelJS.Worksheet {
  const sheet = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((header, i) => ({ header, width: widths[i] ?? 14 }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  });
  for (const values of rows) {
    const row = sheet.addRow(values);
    row.alignment = { vertical: 'top', wrapText: true };
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return sheet;
}
