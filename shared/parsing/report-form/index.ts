/**
 * The report-form reader (附件2 经营服务情况报告表), whatever shape a base returns it in. The pipeline, one file a
 * step: `sources/` bring a workbook, CSV, Word or PDF file to grids of cell texts with positions (`model.ts`);
 * `locate.ts` finds the items' labels in them, whatever the layout; `values.ts` parses what was written in each
 * blank; `reader.ts` reads every blank with its provenance and settles disagreements; `header.ts` reads the header
 * block. Bad input never throws: it becomes findings with stable codes (`form.*`).
 */
import { type Finding, finding } from '../../domain/findings.ts';
import type { OcrOptions } from '../ocr.ts';
import type { Grid } from './model.ts';
import { type ReportFormCatalogue, type ReportFormResult, readForm } from './reader.ts';
import { readSource, unreadable } from './sources/index.ts';

export type { FormValue } from '../../domain/records.ts';
export { MAX_COLUMNS, MAX_ROWS, MAX_SHEETS } from './model.ts';
export type { ReportFormCatalogue, ReportFormResult } from './reader.ts';
export { IGNORED_NODES } from './sources/xlsx.ts';

/** Reads the report form from a file's bytes; never throws for bad input (problems become findings). */
export async function parseReportForm(
  data: Buffer,
  form: ReportFormCatalogue,
  opts: { fileName?: string; ocr?: false | OcrOptions } = {},
): Promise<ReportFormResult> {
  const where: Pick<Finding, 'document'> = opts.fileName ? { document: opts.fileName } : {};
  const source = await readSource(data, opts.fileName, where, opts.ocr);
  if (!('grids' in source)) return { header: {}, values: [], findings: [source] };
  try {
    const shortened = boundText(source.grids);
    const result = readForm(source.grids, form, where, { lowConfidence: source.lowConfidence ?? false });
    const notes = [source.note, shortened ? `${shortened}个单元格文字过长，只读取了开头部分` : undefined].filter(
      (note): note is string => note !== undefined,
    );
    for (const note of notes) {
      result.findings.push(
        finding('form.partly-read', `${note}，其余部分未读取，请核实。`, {
          ...where,
          messageEn: `report form partly read: ${note}`,
        }),
      );
    }
    return result;
  } catch (cause) {
    return { header: {}, values: [], findings: [unreadable(where, cause)] };
  }
}

/** Characters of one cell that are read: labels are short, values shorter; more is prose pasted into a cell. */
export const MAX_CELL_CHARS = 2_000;
/** Characters of all cells read in full; past them, each further cell is read as far as a label's length. */
export const MAX_FORM_CHARS = 500_000;
/** A label's length: what is kept of a cell once the form's characters are spent. */
const SPENT_CELL_CHARS = 60;

/**
 * Bounds the text the reader works on, whatever the file: one long shared string referenced by thousands of cells
 * (a few KB of xlsx) would otherwise be folded and matched once per cell. Returns how many cells were shortened.
 */
function boundText(grids: readonly Grid[]): number {
  let total = 0;
  let shortened = 0;
  for (const grid of grids) {
    for (const [place, text] of grid.texts) {
      const room = total > MAX_FORM_CHARS ? SPENT_CELL_CHARS : MAX_CELL_CHARS;
      if (text.length > room) {
        grid.texts.set(place, text.slice(0, room));
        shortened++;
      }
      total += Math.min(text.length, room);
    }
  }
  return shortened;
}
