/**
 * The `.xlsx` attached to a city digest: one row per base of the city, in words a bureau can forward to its bases
 * as they are (state, late, received times, what is missing, what to check).
 */
import ExcelJS from 'exceljs';
import type { Base, City, Round } from '../domain/catalogue.ts';
import { describeBase } from '../domain/notice-text.ts';
import type { BaseStatus } from '../domain/records.ts';
import { formatBeijing } from '../domain/round-time.ts';

/** Column headings of the digest workbook, in order. */
export const DIGEST_COLUMNS = [
  '序号',
  '基地名称',
  '类别',
  '状态',
  '是否逾期',
  '提交次数',
  '首次收到',
  '最近收到',
  '缺少材料',
  '报告表未填项目',
  '缺少证明材料',
  '逾期事项',
  '需核实事项',
  '纸质材料',
] as const;

/** File name of a city's digest workbook at `asOf`. */
export function digestWorkbookName(round: Round, city: City, asOf: Date): string {
  return `${city.name}参评基地材料收取情况_${formatBeijing(asOf, round.timeZone).slice(0, 10).replace(/-/g, '')}.xlsx`;
}

/** Builds the workbook of one city's digest. */
export async function buildDigestWorkbook(input: {
  round: Round;
  city: City;
  statuses: BaseStatus[];
  registry: readonly Base[];
  asOf: Date;
}): Promise<Buffer> {
  const { round, city, statuses, registry, asOf } = input;
  const tz = round.timeZone;
  const at = (iso: string | null) => (iso ? formatBeijing(new Date(iso), tz) : '');
  const workbook = new ExcelJS.Workbook();
  // Fixed metadata: the same facts give the same workbook, whenever it is built.
  workbook.creator = round.title;
  workbook.created = asOf;
  workbook.modified = asOf;
  const sheet = workbook.addWorksheet('材料收取情况', { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.addRow([`${city.name}参评基地电子材料收取情况（截至${formatBeijing(asOf, tz)}，北京时间）`]);
  sheet.mergeCells(1, 1, 1, DIGEST_COLUMNS.length);
  sheet.getRow(1).font = { bold: true, size: 13 };
  const header = sheet.addRow([...DIGEST_COLUMNS]);
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  });
  statuses.forEach((status, index) => {
    const f = describeBase(round, status, registry);
    const lateItems = [
      ...f.lateArrived,
      ...status.lateItems.filter((i) => i.receivedAt === null).map((i) => i.message),
    ];
    sheet.addRow([
      index + 1,
      f.name,
      f.category,
      f.state,
      f.late ? '是' : '否',
      f.submissions,
      at(f.firstReceivedAt),
      at(f.lastReceivedAt),
      f.missingDocuments.join('\n'),
      f.missingFormItems.join('\n'),
      f.missingEvidence.join('\n'),
      lateItems.join('\n'),
      f.checks.join('\n'),
      f.paper,
    ]);
  });
  const widths = [6, 30, 22, 12, 8, 8, 20, 20, 22, 30, 30, 36, 50, 24];
  widths.forEach((width, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = width;
    column.alignment = { wrapText: true, vertical: 'top' };
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
