/**
 * Legacy `.xls` workbooks (BIFF, Excel 97-2003, and WPS files saved in that format) and CSV/TSV exports (WPS,
 * 腾讯文档, survey tools) through SheetJS, each sheet a grid. CSV bytes are decoded here first: UTF-8 (with or without
 * BOM), UTF-16 with BOM, else GB18030 (what Excel and WPS write on a Chinese Windows).
 */
import * as XLSX from '@e965/xlsx';
import * as cptable from '@e965/xlsx/dist/cpexcel.full.mjs';
import iconv from 'iconv-lite';
import { type Grid, GridBuilder, MAX_COLUMNS, MAX_ROWS, MAX_SHEETS } from '../model.ts';
import { tidy } from '../values.ts';

// BIFF5 files (Excel 95, old WPS) keep their strings in the file's code page (936 for Chinese).
XLSX.set_cptable(cptable);

/** Largest legacy workbook or CSV read, in bytes: a filled form is well under 1 MB. */
export const MAX_LEGACY_BYTES = 20 * 1024 * 1024;

/** The sheets of a legacy .xls as grids. Throws when SheetJS cannot read it. */
export function xlsGrids(data: Buffer): Grid[] {
  if (data.length > MAX_LEGACY_BYTES) throw new Error(`${data.length} bytes: over ${MAX_LEGACY_BYTES}`);
  const workbook = XLSX.read(data, {
    type: 'buffer',
    dense: true,
    sheetRows: MAX_ROWS,
    cellFormula: false,
    cellHTML: false,
    cellStyles: false,
    bookVBA: false,
  });
  return workbookGrids(workbook, 'sheet');
}

/** A CSV (or tab-separated) export as one grid. */
export function csvGrids(data: Buffer, name = 'CSV'): Grid[] {
  if (data.length > MAX_LEGACY_BYTES) throw new Error(`${data.length} bytes: over ${MAX_LEGACY_BYTES}`);
  const text = decodeText(data);
  const tabbed = !text.slice(0, 4096).includes(',') && text.includes('\t');
  const workbook = XLSX.read(text, {
    type: 'string',
    dense: true,
    sheetRows: MAX_ROWS,
    raw: true,
    FS: tabbed ? '\t' : ',',
  });
  const grids = workbookGrids(workbook, 'csv');
  for (const grid of grids) grid.name = name;
  return grids.slice(0, 1);
}

/** Text of a CSV file: BOM first, then strict UTF-8, else GB18030. */
export function decodeText(data: Buffer): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return data.subarray(3).toString('utf8');
  if (data[0] === 0xff && data[1] === 0xfe) return iconv.decode(data.subarray(2), 'utf16le');
  if (data[0] === 0xfe && data[1] === 0xff) return iconv.decode(data.subarray(2), 'utf16be');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return iconv.decode(data, 'gb18030');
  }
}

function workbookGrids(workbook: XLSX.WorkBook, source: 'sheet' | 'csv'): Grid[] {
  const grids: Grid[] = [];
  const hidden = new Map((workbook.Workbook?.Sheets ?? []).map((s) => [s.name, (s.Hidden ?? 0) !== 0]));
  for (const name of workbook.SheetNames.slice(0, MAX_SHEETS)) {
    const sheet = workbook.Sheets[name];
    if (!sheet) continue;
    const builder = new GridBuilder(name, source, hidden.get(name) ?? false);
    const dense = (sheet as XLSX.DenseWorkSheet)['!data'] ?? [];
    for (let r = 0; r < Math.min(dense.length, MAX_ROWS); r++) {
      const row = dense[r];
      if (!row) continue;
      for (let c = 0; c < Math.min(row.length, MAX_COLUMNS); c++) {
        const cell = row[c];
        if (cell) builder.set(r + 1, c + 1, cellText(cell));
      }
    }
    for (const merge of sheet['!merges'] ?? []) {
      for (let r = merge.s.r; r <= Math.min(merge.e.r, MAX_ROWS - 1); r++) {
        for (let c = merge.s.c; c <= Math.min(merge.e.c, MAX_COLUMNS - 1); c++) {
          if (r !== merge.s.r || c !== merge.s.c) builder.cover(r + 1, c + 1);
        }
      }
    }
    grids.push(builder.build());
  }
  return grids;
}

function cellText(cell: XLSX.CellObject): string {
  if (cell.t === 'n' && typeof cell.v === 'number') {
    if (!Number.isFinite(cell.v)) return '';
    const format = typeof cell.z === 'string' ? cell.z.replace(/"[^"]*"/g, '') : '';
    return format.includes('%') ? `${tidy(cell.v * 100)}%` : String(tidy(cell.v));
  }
  if (cell.t === 'b') return cell.v ? '是' : '否';
  if (cell.t === 'd' && cell.v instanceof Date) return cell.v.toISOString().slice(0, 10);
  if (cell.t === 'e') return '';
  return cell.v === undefined || cell.v === null ? '' : String(cell.v);
}
