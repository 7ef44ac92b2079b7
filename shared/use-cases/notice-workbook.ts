/**
 * The `.xlsx` attached to a city digest: one row per base of the city, in words a bureau can forward to its bases
 * as they are (state, late, received times, what is missing, what to check).
 */

import writeXlsxFile, { type Cell, type Row } from 'write-excel-file/node';
import { sanitizeTextContent } from 'write-excel-file/utility';
import type { Base, City, Round } from '../domain/catalogue.ts';
import { chineseTime, chineseWhen } from '../domain/chinese-time.ts';
import { describeBase } from '../domain/notice-text.ts';
import type { BaseStatus } from '../domain/records.ts';
import { formatBeijing } from '../domain/round-time.ts';

/** Column headings of the digest workbook, in order. */
export const DIGEST_COLUMNS = [
  '序号',
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
  '纸质材料',
] as const;

/** File name of a city's digest workbook at `asOf`. */
export function digestWorkbookName(round: Round, city: City, asOf: Date): string {
  return `${city.name}参评基地电子材料报送情况_${formatBeijing(asOf, round.timeZone).slice(0, 10).replace(/-/g, '')}.xlsx`;
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
  const at = (iso: string | null) => (iso ? chineseWhen(iso, round) : '');
  // The library has no column styles, so every body cell carries the wrapped, top-aligned look itself.
  const body = (value: string | number): Cell => ({ value, wrap: true, alignVertical: 'top' });
  const title: Row = [
    {
      value: `${city.name}参评基地电子材料报送（接收）情况（截至${chineseTime(asOf, round)}，北京时间）`,
      fontWeight: 'bold',
      fontSize: 13,
      columnSpan: DIGEST_COLUMNS.length,
      wrap: true,
      alignVertical: 'top',
    },
  ];
  const headings: Row = DIGEST_COLUMNS.map((heading) => ({
    value: heading,
    fontWeight: 'bold',
    backgroundColor: '#DDEBF7',
    wrap: true,
    alignVertical: 'top',
  }));
  const rows = statuses.map((status, index): Row => {
    const f = describeBase(round, status, registry);
    return [
      index + 1,
      f.name,
      f.category,
      f.state,
      f.late ? '是' : '否',
      f.overdue ? '是' : '否',
      f.submissions,
      at(f.firstReceivedAt),
      at(f.lastReceivedAt),
      f.missingDocuments.join('\n'),
      f.missingFormItems.join('\n'),
      f.missingEvidence.join('\n'),
      f.pendingEvidence.join('\n'),
      f.lateArrived.join('\n'),
      f.overdueMissing.join('\n'),
      f.checks.join('\n'),
      f.paper,
    ].map(body);
  });
  const widths = [6, 30, 22, 12, 8, 8, 8, 20, 20, 22, 30, 30, 36, 36, 36, 50, 24];
  // write-excel-file (on fflate) rather than exceljs, so the notify bundle stays within its size budget (issue 8).
  return writeXlsxFile(
    [title, headings, ...rows],
    { sheet: '报送情况', columns: widths.map((width) => ({ width })), stickyRowsCount: 2 },
    { features: [coreProperties(round.title, asOf)] },
  ).toBuffer();
}

/**
 * Adds the document properties (author, created and modified at `asOf`), which write-excel-file does not write
 * itself, through its documented feature hook: the part, its content type and its package relationship.
 */
function coreProperties(creator: string, at: Date) {
  const when = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const core =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:creator>${sanitizeTextContent(creator)}</dc:creator>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified>` +
    '</cp:coreProperties>';
  return {
    files: {
      transform: {
        '[Content_Types].xml': {
          insert: () =>
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>',
        },
        '_rels/.rels': {
          insert: () =>
            '<Relationship Id="rId-core-1" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>',
        },
      },
      write: { files: () => ({ 'docProps/core.xml': core }) },
    },
  };
}
