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
import { MATERIAL_HEADINGS, materialCells, STATE_HEADINGS, stateCells } from './status-columns.ts';

/** Column headings of the digest workbook, in order: the status columns of ./status-columns.ts, and the paper copies. */
export const DIGEST_COLUMNS = [
  '序号',
  '基地名称',
  '类别',
  ...STATE_HEADINGS,
  ...MATERIAL_HEADINGS,
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
    return [index + 1, f.name, f.category, ...stateCells(f), ...materialCells(f, at), f.paper].map(body);
  });
  const widths = [6, 30, 22, 12, 8, 8, 8, 20, 20, 22, 30, 30, 36, 36, 36, 50, 24];
  // write-excel-file (on fflate) rather than exceljs, so the notify bundle stays within its 1.5 MB budget.
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
