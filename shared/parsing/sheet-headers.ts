/**
 * The first rows of a spreadsheet's sheets, for classifying evidence by what its columns say (主播网名 | 粉丝数 |
 * 推销产品类型 is the anchor list, whatever the file is called). Bounded: a few sheets, a few rows, short cells;
 * never throws (an unreadable workbook has no headers).
 */
import ExcelJS from 'exceljs';
import { IGNORED_NODES } from './report-form/index.ts';
import { repairXlsxPackage } from './xlsx-repair.ts';

/** Sheets looked at: the evidence table is on one of the first. */
export const SHEET_HEADER_SHEETS = 5;
/** Non-empty rows looked at per sheet: a title row or two, then the column headers. */
export const SHEET_HEADER_ROWS = 5;
/** How far down those rows are looked for (blank rows above a table are common). */
const SHEET_HEADER_SCAN_ROWS = 30;
/** Columns looked at per row. */
export const SHEET_HEADER_COLUMNS = 40;
/** Longer cell texts are prose or data, not headers. */
const MAX_HEADER_CHARS = 60;

/** Sheet names and the texts of the first rows' cells (titles and column headers), in order. */
export async function readSheetHeaders(data: Buffer): Promise<string[]> {
  if (data.length < 4 || data.readUInt32BE(0) !== 0x504b0304) return [];
  const workbook = await load(data).catch(() => null);
  if (!workbook) return [];
  const headers: string[] = [];
  try {
    for (const sheet of workbook.worksheets.slice(0, SHEET_HEADER_SHEETS)) {
      if (sheet.name) headers.push(sheet.name);
      let rows = 0;
      const lastRow = Math.min(sheet.rowCount, SHEET_HEADER_SCAN_ROWS);
      for (let r = 1; r <= lastRow && rows < SHEET_HEADER_ROWS; r++) {
        const row = sheet.findRow(r);
        if (!row?.hasValues) continue;
        rows++;
        const last = Math.min(row.cellCount, SHEET_HEADER_COLUMNS);
        for (let c = 1; c <= last; c++) {
          const cell = row.findCell(c);
          if (!cell || cell.type === ExcelJS.ValueType.Merge) continue;
          const text = textOf(cell.value).trim();
          if (text !== '' && text.length <= MAX_HEADER_CHARS) headers.push(text);
        }
      }
    }
  } catch {
    // A sheet exceljs chokes on half-way keeps what was read before it.
  }
  return headers;
}

async function load(data: Buffer): Promise<ExcelJS.Workbook> {
  const read = async (buffer: Buffer) => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer, { ignoreNodes: IGNORED_NODES });
    return workbook;
  };
  try {
    const workbook = await read(data);
    if (workbook.worksheets.length > 0) return workbook;
  } catch {
    // Packages exceljs cannot read as they are (prefixed XML, Numbers' sheet names) are repaired below.
  }
  const repaired = await repairXlsxPackage(data).catch(() => null);
  if (!repaired) throw new Error('unreadable workbook');
  return read(repaired);
}

/** Text cells only: headers are words; numbers and dates are data. */
function textOf(value: ExcelJS.CellValue): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((run) => run.text).join('');
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: unknown }).result;
      return typeof result === 'string' ? result : '';
    }
    if ('text' in value && typeof value.text === 'string') return value.text;
  }
  return '';
}
