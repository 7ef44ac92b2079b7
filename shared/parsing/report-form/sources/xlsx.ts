/**
 * .xlsx workbooks (Excel, WPS, Numbers, survey-tool exports) through exceljs, each sheet a grid. Packages exceljs
 * cannot open as written (prefixed SpreadsheetML, Apple's sheet.xml) are retried repaired.
 */
import type ExcelJS from 'exceljs';
import { repairXlsxPackage } from '../../xlsx-repair.ts';
import { at, type Grid, MAX_COLUMNS, MAX_ROWS, MAX_SHEETS } from '../model.ts';
import { tidy } from '../values.ts';

/**
 * Worksheet parts the parser never needs. Data validations in particular are expanded cell by cell by exceljs,
 * which takes seconds for a whole-column rule such as `A1:Y1048576`.
 */
export const IGNORED_NODES = [
  'dataValidations',
  'conditionalFormatting',
  'extLst',
  'drawing',
  'picture',
  'tableParts',
  'autoFilter',
  'rowBreaks',
  'pageSetup',
  'printOptions',
  'headerFooter',
  'sheetProtection',
];

/** exceljs, loaded with the first workbook (~0.5 MB with its zip and stream packages, a chunk of its own). */
let excel: typeof ExcelJS | undefined;

/** Opens an .xlsx package; throws when exceljs cannot read it even repaired. */
export async function loadWorkbook(data: Buffer): Promise<ExcelJS.Workbook> {
  excel ??= (await import('exceljs')).default;
  const { Workbook } = excel;
  const load = async (buffer: Buffer) => {
    const workbook = new Workbook();
    await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer, { ignoreNodes: IGNORED_NODES });
    return workbook;
  };
  let first: unknown;
  try {
    const workbook = await load(data);
    if (workbook.worksheets.length > 0) return workbook;
  } catch (cause) {
    first = cause;
  }
  // Some valid packages are beyond exceljs (prefixed <x:worksheet>, Apple Numbers' sheet.xml): retry repaired.
  const repaired = await repairXlsxPackage(data).catch(() => null);
  if (repaired) return load(repaired);
  if (first) throw first;
  return new Workbook();
}

/** The sheets of a workbook as grids (merged cells resolved, formulas by their cached result). */
export function workbookGrids(workbook: ExcelJS.Workbook): Grid[] {
  // Every workbook comes from loadWorkbook, which loaded exceljs.
  const merged = excel?.ValueType.Merge;
  const grids: Grid[] = [];
  for (const sheet of workbook.worksheets.slice(0, MAX_SHEETS)) {
    const grid: Grid = {
      name: sheet.name,
      source: 'sheet',
      hidden: sheet.state !== 'visible',
      flow: false,
      texts: new Map(),
      covered: new Set(),
      rows: [],
      columns: new Map(),
    };
    const lastRow = Math.min(sheet.rowCount, MAX_ROWS);
    for (let r = 1; r <= lastRow; r++) {
      const row = sheet.findRow(r);
      if (!row) continue;
      const cols: number[] = [];
      const lastCol = Math.min(row.cellCount, MAX_COLUMNS);
      for (let c = 1; c <= lastCol; c++) {
        const cell = row.findCell(c);
        if (!cell) continue;
        if (cell.type === merged) {
          grid.covered.add(at(r, c));
          continue;
        }
        const text = cellText(cell.value, cell.numFmt).trim();
        if (text === '') continue;
        grid.texts.set(at(r, c), text);
        cols.push(c);
      }
      if (cols.length > 0) {
        grid.rows.push(r);
        grid.columns.set(r, cols);
      }
    }
    grids.push(grid);
  }
  return grids;
}

/** The text a cell shows; formulas give their cached result, percent formats give `85%`. */
function cellText(value: unknown, numFmt?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value, numFmt);
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      return v.richText.map((run) => (typeof run?.text === 'string' ? run.text : '')).join('');
    }
    if ('formula' in v || 'sharedFormula' in v) return cellText(v.result, numFmt);
    if (typeof v.error === 'string') return v.error;
    if ('text' in v) return cellText(v.text, numFmt);
  }
  return '';
}

function numberText(value: number, numFmt?: string): string {
  if (!Number.isFinite(value)) return '';
  // A cell formatted as a percentage stores 0.85 for 85%.
  if (numFmt && /%/.test(numFmt.replace(/"[^"]*"/g, ''))) return `${tidy(value * 100)}%`;
  return String(tidy(value));
}
