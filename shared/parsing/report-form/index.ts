/**
 * The report-form reader (附件2 经营服务情况报告表), whatever shape a base returns it in. The pipeline, one file a
 * step: `sources/` bring a workbook, CSV, Word or PDF file to grids of cell texts with positions (`model.ts`);
 * `locate.ts` finds the items' labels in them, whatever the layout; `values.ts` parses what was written in each
 * blank; `reader.ts` reads every blank with its provenance and settles disagreements; `header.ts` reads the header
 * block. Bad input never throws: it becomes findings with stable codes (`form.*`).
 */
import { type Finding, finding } from '../../domain/findings.ts';
import type { OcrOptions } from '../ocr.ts';
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
    const result = readForm(source.grids, form, where, { lowConfidence: source.lowConfidence ?? false });
    if (source.note) {
      result.findings.push(
        finding('form.partly-read', 'warning', `${source.note}，其余部分未读取，请核实。`, {
          ...where,
          messageEn: `report form partly read: ${source.note}`,
        }),
      );
    }
    return result;
  } catch (cause) {
    return { header: {}, values: [], findings: [unreadable(where, cause)] };
  }
}
